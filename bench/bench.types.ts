/**
 * The contract of a benchmark module (基准测试). `duban bench` runs every `bench/<name>.bench.ts`
 * that exports `benchmark`; adding one is adding a file, no registry to edit.
 */

/** What a benchmark receives from `duban bench`. */
export interface BenchOptions {
  /** Timed runs after the warm-up (at least 5); the median is reported. */
  readonly runs: number
  /** Prints one progress or summary line (stdout). */
  readonly log: (line: string) => void
}

/** What a benchmark returns: written to bench/results/<name>.json with the machine's details. */
export interface BenchReport {
  /** One line for people, e.g. `3.1 MB/s (median of 7 runs over 5 files, 580 KB)`. */
  readonly summary: string
  /** The numbers, JSON-serialisable. */
  readonly data: Readonly<Record<string, unknown>>
}

/** A benchmark module's export. */
export interface Benchmark {
  readonly name: string
  readonly description: string
  run(opts: BenchOptions): Promise<BenchReport>
}

/** Median of a non-empty list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * The p-th percentile (0–100) of an ascending list by the nearest-rank method: the smallest value with at
 * least p % of the list at or below it; NaN for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
