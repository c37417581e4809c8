/**
 * Leadership (主节点): several `duban serve` processes share one PostgreSQL, and the jobs that must run once
 * across them (the supervision tick, webhook delivery, the NATS publisher) run only in the process that
 * holds it. An adapter implements it (an advisory lock on a dedicated connection); PGlite has one process.
 */
export interface Leadership {
  /** True while this process leads; tries to become leader when it does not. Never throws. */
  isLeader(): Promise<boolean>
  /** Gives leadership up (at shutdown), so another process takes it at its next try. */
  release(): Promise<void>
}

/** The leadership of a process that is alone with its database (PGlite, a CLI run): always the leader. */
export const soleLeader: Leadership = {
  isLeader: async () => true,
  release: async () => undefined,
}
