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
  /**
   * True when an admin set this person's scope (user_data_scope), absent or false for the role's default. The 12345
   * KPI board (hotline-kpis.ts) covers every unit for an operator by default — its own unit, the 12345 centre, holds
   * no unit that handles tickets — but only the units of a scope an admin set (a 分中心's operator: its district).
   */
  readonly scopeSet?: boolean
}

/** Everything a use-case may touch. */
export interface AppDeps {
  readonly db: Db
  readonly clock: Clock
  readonly newId: () => string
}
