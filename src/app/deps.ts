/**
 * What use-cases receive: the database, the clock and id source (injected so tests can stand on a
 * 调休 Saturday), and configuration. Adapters build one AppDeps at start and pass it down.
 */
import type { Db } from '../persistence/db.ts'

/** The current instant; tests replace it. */
export interface Clock {
  now(): Date
}

/** Who is acting, as established by authentication (people) or the scheduler (system). */
export interface Actor {
  readonly userId: string | null
  readonly role: 'admin' | 'supervisor' | 'unit_liaison' | 'leader' | 'operator' | 'system' | 'citizen'
  readonly unitId: string | null
  /**
   * Units whose items, notices and figures the actor may see (数据范围: the person's scope set by an admin, else the
   * role's default — a liaison or operator: its unit and every descendant); null = all. See app/auth/session.ts.
   */
  readonly scopeUnitIds: readonly string[] | null
}

/** Everything a use-case may touch. */
export interface AppDeps {
  readonly db: Db
  readonly clock: Clock
  readonly newId: () => string
}
