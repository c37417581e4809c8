/**
 * A test app on the demo city for one describe (云州市 of demo/units.csv and its users, as `npm start` seeds
 * them), with one demo user signed in: its beforeAll starts the app on a fresh database of the dialect, seeds the
 * city and signs the user in; its afterAll closes the app. Use:
 *   const t = demoCityApp(dialect)            // in a describe; t.token is the supervisor's bearer token
 *   it('…', async () => { await call(t, t.token, 'GET', '/api/items') })
 * The returned object is the TestApp itself once the beforeAll has run (a file's own beforeAll runs after it).
 */
import { afterAll, beforeAll } from 'vitest'
import { DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../../src/app/demo/seed-demo.ts'
import { startTestApp, type TestApp } from './test-app.ts'
import type { Dialect } from './test-db.ts'

/** A TestApp on the demo city, and the bearer token of the demo user signed in. */
export interface DemoCityApp extends TestApp {
  readonly token: string
}

/** Registers the hooks in the describe it is called in; the object answers once they have run. */
export function demoCityApp(dialect: Dialect, username = 'supervisor'): DemoCityApp {
  let t: TestApp | undefined
  let token: string | undefined
  const ready = (): TestApp => {
    if (!t) throw new Error('demoCityApp: used before its beforeAll ran (outside a test?)')
    return t
  }

  beforeAll(async () => {
    t = await startTestApp(dialect)
    await seedDemoUnits(t.deps)
    await seedDemoUsers(t.deps)
    token = await t.login(username, DEMO_PASSWORD)
  }, 180_000)
  afterAll(async () => t?.close())

  return {
    get app() {
      return ready().app
    },
    get deps() {
      return ready().deps
    },
    get db() {
      return ready().db
    },
    get clock() {
      return ready().clock
    },
    get token() {
      ready()
      return token as string
    },
    login: (name, password) => ready().login(name, password),
    seedUsers: () => ready().seedUsers(),
    close: () => ready().close(),
  }
}
