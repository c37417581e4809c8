/** What the measuring scripts print beside their times: the load average, and a percentile of a run's times. */
import { loadavg } from 'node:os'

/** The load average (1, 5 and 15 minutes), one decimal each. */
export const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ')

/** The p-th percentile of `xs` (nearest rank). */
export const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}
