/**
 * Demo data (演示数据) for `duban serve --demo`: the fictional city 云州市 from demo/units.csv and one
 * user per role. Idempotent: a second start adds nothing. Other areas extend demo seeding by adding
 * steps to DEMO_STEPS (e.g. a sample plan import).
 */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findUserForLogin } from '../../persistence/users.repo.ts'
import type { AppDeps } from '../deps.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import { importUnits } from '../units/import-units.ts'
import { createUser, type UserRole } from '../users/manage-users.ts'
import { seedSamplePlan } from '../plans/seed-sample-plan.ts'
import { seedDemoActivity } from './seed-activity.ts'
import { seedHotline } from './seed-hotline.ts'
import { seedHotlineTickets } from './seed-hotline-tickets.ts'
import { seedDemoDuties } from '../dispatch/seed-duties.ts'
import { seedDemoKnowledge } from '../knowledge/seed-knowledge.ts'

/** Where the demo files live (the repository's demo/ directory). */
export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../demo')

/** The password of every demo user; printed at start, never for production. */
export const DEMO_PASSWORD = 'duban-demo-2026'

/** Demo users: username, name, role, unit. */
export const DEMO_USERS: readonly { username: string; displayName: string; role: UserRole; unitId: string | null }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', unitId: null },
  { username: 'supervisor', displayName: '督查室 王督查', role: 'supervisor', unitId: 'yz-zfb' },
  { username: 'leader', displayName: '分管副市长 李领导', role: 'leader', unitId: null },
  { username: 'sjj', displayName: '市市场监管局 联络员', role: 'unit_liaison', unitId: 'yz-sjj' },
  { username: 'wjw', displayName: '市卫健委 联络员', role: 'unit_liaison', unitId: 'yz-wjw' },
  { username: 'qinglong', displayName: '青龙区 联络员', role: 'unit_liaison', unitId: 'ql' },
  { username: 'hebin', displayName: '河滨街道 联络员', role: 'unit_liaison', unitId: 'ql-hb' },
  { username: 'fgw', displayName: '市发改委 联络员', role: 'unit_liaison', unitId: 'yz-fgw' },
  { username: 'zjj', displayName: '市住建局 联络员', role: 'unit_liaison', unitId: 'yz-zjj' },
  { username: 'cgj', displayName: '市城管局 联络员', role: 'unit_liaison', unitId: 'yz-cgj' },
  { username: 'hotline', displayName: '12345 话务员', role: 'operator', unitId: 'yz-rxzx' },
]

/** One step of demo seeding; returns a line to print (or null). */
/** What the demo needs from adapters: jieba's search segmentation for the 知识库 index. */
export interface DemoTools {
  readonly searchTokenize: Tokenize
}

export type DemoStep = (deps: AppDeps, tools: DemoTools) => Promise<string | null>

/** Seeds the unit tree when the database has no units. */
export const seedDemoUnits = async (deps: AppDeps): Promise<string | null> => {
  const { rows } = await deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM unit')
  if ((rows[0]?.n ?? 0) > 0) return null
  const bytes = await readFile(join(DEMO_DIR, 'units.csv'))
  const r = await importUnits(deps, null, { name: 'demo/units.csv', bytes })
  return `demo: ${r.created} units of 云州市 imported`
}

/** Creates the demo users that do not exist yet. */
export const seedDemoUsers = async (deps: AppDeps): Promise<string | null> => {
  const made: string[] = []
  for (const u of DEMO_USERS) {
    if (await findUserForLogin(deps.db, u.username)) continue
    await createUser(deps, null, { ...u, password: DEMO_PASSWORD })
    made.push(u.username)
  }
  return `demo users (password ${DEMO_PASSWORD}): ${DEMO_USERS.map((u) => `${u.username} (${u.role})`).join(', ')}${made.length ? '' : ' — already present'}`
}

/** The steps, in order; append yours (units and users come first so later steps can use them). */
export const DEMO_STEPS: DemoStep[] = [
  seedDemoUnits,
  seedDemoUsers,
  (deps) => seedSamplePlan(deps, DEMO_DIR),
  seedDemoActivity,
  (deps) => seedHotline(deps, DEMO_DIR, DEMO_PASSWORD),
  (deps) => seedDemoDuties(deps, DEMO_DIR),
  (deps) => seedHotlineTickets(deps, DEMO_DIR),
  (deps, tools) => seedDemoKnowledge(deps, DEMO_DIR, tools.searchTokenize),
]

/** Runs every demo step; returns the lines to print. */
export async function seedDemo(deps: AppDeps, tools: DemoTools): Promise<string[]> {
  const lines: string[] = []
  for (const step of DEMO_STEPS) {
    const line = await step(deps, tools)
    if (line) lines.push(line)
  }
  return lines
}
