/**
 * Demo step (演示数据): imports and confirms demo/plans/sample-plan.txt as the demo supervisor, so a
 * fresh `npm start` has a ledger. Skipped when the plan was imported before.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findUserForLogin } from '../../persistence/users.repo.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { confirmPlan } from './confirm-plan.ts'
import { importPlan } from './import-plan.ts'

/** The demo plan's file name, which also marks it as already imported. */
export const SAMPLE_PLAN_FILE = 'sample-plan.txt'

/** Imports and confirms the sample plan under `demoDir/plans`; returns a line to print, or null when already there. */
export async function seedSamplePlan(deps: AppDeps, demoDir: string): Promise<string | null> {
  const seen = await deps.db.query(`SELECT 1 FROM plan WHERE file_name = $1 LIMIT 1`, [SAMPLE_PLAN_FILE])
  if (seen.rows.length > 0) return null
  const user = await findUserForLogin(deps.db, 'supervisor')
  const actor: Actor = { userId: user?.id ?? null, role: 'supervisor', unitId: user?.unitId ?? null, scopeUnitIds: null }
  const text = await readFile(join(demoDir, 'plans', SAMPLE_PLAN_FILE), 'utf8')
  const plan = await importPlan(deps, actor, { file: SAMPLE_PLAN_FILE, text, encoding: 'utf-8', format: 'text' })
  if (plan.summary.problems.length > 0) {
    const p = plan.summary.problems[0]
    return `demo: sample plan imported as a draft for review (item ${p?.n} ${p?.field}: ${p?.message})`
  }
  const { tasks } = await confirmPlan(deps, actor, plan.id)
  return `demo: ${plan.title} confirmed into ${tasks.length} tasks (${tasks[0]?.number} … ${tasks.at(-1)?.number})`
}
