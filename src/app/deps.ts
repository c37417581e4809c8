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
  /** Units whose items the actor may see: its unit and every descendant; null = all (admin, supervisor, leader, system). */
  readonly scopeUnitIds: readonly string[] | null
}

/** Everything a use-case may touch. */
export interface AppDeps {
  readonly db: Db
  readonly clock: Clock
  readonly newId: () => string
}
