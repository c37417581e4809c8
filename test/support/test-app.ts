/**
 * A running API on a fresh database for HTTP tests (use `app.inject`):
 *   const t = await startTestApp(dialect); await t.seedUsers(); const token = await t.login('admin', PASSWORD)
 * The clock is settable (`t.clock.set(...)`) and ids are sequential, so tests can name what they expect.
 */
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/persistence/db.ts'
import { buildServer, type ServerOptions } from '../../src/adapters/http/server.ts'
import type { AppDeps, Clock } from '../../src/app/deps.ts'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { freshDb, type Dialect } from './test-db.ts'

/** The password of every seeded user. */
export const TEST_PASSWORD = 'duban-test-pw'

/** A clock tests can move. */
export interface TestClock extends Clock {
  set(at: Date | string): void
  advance(ms: number): void
}

/** The small unit tree seedUsers creates (ids): city 'city'; district 'dh' with township 'dh-jb'; departments 'sjj' (市场监管) and 'wjw' (卫生健康). */
export const TEST_UNITS = ['city', 'dh', 'dh-jb', 'xs', 'sjj', 'wjw'] as const

/** Users seedUsers creates, by username. */
export const TEST_USERS = {
  admin: { role: 'admin', unitId: null },
  supervisor: { role: 'supervisor', unitId: null },
  leader: { role: 'leader', unitId: null },
  'liaison-dh': { role: 'unit_liaison', unitId: 'dh' },
  'liaison-jb': { role: 'unit_liaison', unitId: 'dh-jb' },
  'liaison-sjj': { role: 'unit_liaison', unitId: 'sjj' },
} as const

export interface TestApp {
  readonly app: FastifyInstance
  readonly deps: AppDeps
  readonly db: Db
  readonly clock: TestClock
  /** Signs in through the API and returns the bearer token. */
  login(username: string, password?: string): Promise<string>
  /** Creates the unit tree TEST_UNITS and the users TEST_USERS (password TEST_PASSWORD); returns user ids by username. */
  seedUsers(): Promise<Record<keyof typeof TEST_USERS, string>>
  close(): Promise<void>
}

/** Starts the API on a fresh database of the dialect. */
export async function startTestApp(dialect: Dialect, opts: ServerOptions = {}): Promise<TestApp> {
  const db = await freshDb(dialect)
  let now = new Date('2026-03-02T09:00:00+08:00')
  const clock: TestClock = {
    now: () => new Date(now.getTime()),
    set: (at) => {
      now = new Date(at)
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms)
    },
  }
  let n = 0
  const deps: AppDeps = { db, clock, newId: () => `id-${String(++n).padStart(6, '0')}` }
  const app = await buildServer(deps, opts)
  await app.ready()
  return {
    app,
    deps,
    db,
    clock,
    async login(username, password = TEST_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`)
      return (res.json() as { token: string }).token
    },
    async seedUsers() {
      const units = [
        { id: 'city', name: '青川市', parentId: null, level: 'city', function: null, aliases: ['青川'] },
        { id: 'dh', name: '东湖区', parentId: 'city', level: 'district', function: null, aliases: [] },
        { id: 'dh-jb', name: '江滨街道', parentId: 'dh', level: 'township', function: null, aliases: ['江滨街道办事处'] },
        { id: 'xs', name: '西山县', parentId: 'city', level: 'district', function: null, aliases: [] },
        { id: 'sjj', name: '青川市市场监督管理局', parentId: 'city', level: 'department', function: '市场监管', aliases: ['市市场监管局'] },
        { id: 'wjw', name: '青川市卫生健康委员会', parentId: 'city', level: 'department', function: '卫生健康', aliases: [] },
      ] as const
      for (const u of units) await saveUnit(deps, null, u)
      const ids: Record<string, string> = {}
      for (const [username, u] of Object.entries(TEST_USERS)) {
        const user = await createUser(deps, null, { username, displayName: username, password: TEST_PASSWORD, role: u.role, unitId: u.unitId })
        ids[username] = user.id
      }
      return ids as Record<keyof typeof TEST_USERS, string>
    },
    async close() {
      await app.close()
      await db.close()
    },
  }
}
