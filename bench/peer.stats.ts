/**
 * The pure parts of the `peer` benchmark (对标基准): reading pgbench's printout, latency percentiles, CPU
 * ticks from /proc/<pid>/stat, and a route's figures as a percentage of the pgbench pair. No I/O here, so
 * test/bench/peer.stats.test.ts checks them directly.
 */
import { percentile } from './bench.types.ts'

/** What one pgbench run printed. */
export interface PgbenchFigures {
  readonly tps: number
  readonly transactions: number
  readonly failed: number
  readonly latencyAvgMs: number
  readonly clients: number
  readonly threads: number
  readonly durationS: number
}

/**
 * Reads pgbench's summary (PostgreSQL 15: `number of transactions actually processed: N`, `latency average =
 * X ms`, `tps = X (without initial connection time)`); throws when a figure is missing, so a failed run is
 * never read as zero.
 */
export function parsePgbench(out: string): PgbenchFigures {
  const num = (re: RegExp, what: string, optional = false): number => {
    const m = re.exec(out)
    if (!m) {
      if (optional) return 0
      throw new Error(`pgbench printed no ${what}`)
    }
    return Number(m[1])
  }
  return {
    tps: num(/^tps = ([\d.]+) \(without initial connection time\)/m, 'tps'),
    transactions: num(/^number of transactions actually processed: (\d+)/m, 'transaction count'),
    failed: num(/^number of failed transactions: (\d+)/m, 'failed count', true),
    latencyAvgMs: num(/^latency average = ([\d.]+) ms/m, 'average latency'),
    clients: num(/^number of clients: (\d+)/m, 'client count'),
    threads: num(/^number of threads: (\d+)/m, 'thread count'),
    durationS: num(/^duration: (\d+) s/m, 'duration'),
  }
}

/** Latency figures in ms, two decimals, over a list of request times (any order). */
export interface LatencySummary {
  readonly count: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

export const round2 = (x: number): number => Math.round(x * 100) / 100

export function summarizeLatency(ms: readonly number[]): LatencySummary {
  const s = [...ms].sort((a, b) => a - b)
  return { count: s.length, p50: round2(percentile(s, 50)), p90: round2(percentile(s, 90)), p99: round2(percentile(s, 99)), max: round2(s[s.length - 1] ?? NaN) }
}

/** `part` as a percentage of `whole`, one decimal; NaN when the whole is not positive. */
export function percentOf(part: number, whole: number): number {
  if (!(whole > 0)) return NaN
  return Math.round((part / whole) * 1000) / 10
}

/** A percentage for people: `5.1%`, or `n/a`. */
export function formatPercent(p: number): string {
  return Number.isFinite(p) ? `${p.toFixed(1)}%` : 'n/a'
}

/** A ratio for people: `1.84×`, or `n/a`. */
export function formatRatio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a'
}

/**
 * User and system CPU ticks of a process from the text of /proc/<pid>/stat (fields 14 and 15). The command
 * name (field 2, in parentheses) may hold spaces and parentheses, so the fields are counted after its last `)`.
 */
export function parseProcStat(text: string): { utime: number; stime: number } {
  const close = text.lastIndexOf(')')
  if (close < 0) throw new Error('not a /proc/<pid>/stat line')
  // After ") " come field 3 (state) onwards: utime is field 14, so index 11 here.
  const rest = text.slice(close + 2).trim().split(/\s+/)
  const utime = Number(rest[11])
  const stime = Number(rest[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('no utime/stime in /proc/<pid>/stat')
  return { utime, stime }
}

/** CPU milliseconds per request from clock ticks (`hz` ticks a second, usually 100); NaN without requests. */
export function cpuMsPerRequest(ticks: number, hz: number, requests: number): number {
  if (!(requests > 0)) return NaN
  return Math.round((ticks * 1000 * 1000) / hz / requests) / 1000
}

/** One request as the load generator saw it: when it started (epoch ms), how long it took (ms), its status. */
export type Sample = readonly [startedAt: number, ms: number, status: number]

/** The samples that started within [from, to] (epoch ms). */
export function startedWithin(samples: readonly Sample[], from: number, to: number): Sample[] {
  return samples.filter(([t]) => t >= from && t <= to)
}

/** A route's figures compared with the pgbench pair, as one printed line (the load generator's CPU when given). */
export function routeLine(label: string, r: { rps: number; p50: number; p99: number; nodeCpuMs: number; pgCpuMs: number; loadGenCpuMs?: number }, pairTps: number): string {
  const cpu = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(3)} ms` : 'n/a')
  return (
    `${label}: ${r.rps.toFixed(1)} req/s = ${formatPercent(percentOf(r.rps, pairTps))} of the pgbench pair; ` +
    `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms; CPU/request Node ${cpu(r.nodeCpuMs)}, PostgreSQL ${cpu(r.pgCpuMs)}` +
    (r.loadGenCpuMs !== undefined ? `, load generator ${cpu(r.loadGenCpuMs)}` : '')
  )
}

/**
 * The CPU that bash's `times` printed for its children (the second line, `0m1.234s 0m0.567s`: user, system), in
 * ms: `bash -c 'pgbench …; times'` gives pgbench's own CPU, its client side, which /proc cannot show once it exited.
 */
export function parseBashTimes(text: string): number {
  const lines = text.trim().split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()))
  const children = lines.at(-1)
  if (lines.length < 2 || !children) throw new Error('no `times` lines in the output')
  const ms = (t: string): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t)!
    return Math.round((Number(m[1]) * 60 + Number(m[2])) * 1000)
  }
  const [user, system] = children.trim().split(' ')
  return ms(user!) + ms(system!)
}

/**
 * Requests per second the machine's cores could serve if CPU were the only limit and nothing else ran: `cores`
 * divided by the CPU of one request summed over every process it takes (server, database, load generator), and
 * no more than one core for the part that runs on one thread (Node's event loop). NaN without a finite cost.
 */
export function cpuCeiling(cores: number, totalMs: number, singleThreadMs = 0): number {
  if (!(totalMs > 0) || !Number.isFinite(totalMs)) return NaN
  const bound = (cores * 1000) / totalMs
  return Math.round(singleThreadMs > 0 ? Math.min(bound, 1000 / singleThreadMs) : bound)
}

/** The reports of one window of the confirm scenario: their p99 (ms) and how many the server shed (503). */
export interface ConfirmWindow {
  readonly p99: number
  readonly shed: number
}

/** The confirm scenario judged: each window's p99 against the one before the confirm, and the worse of the two. */
export interface ConfirmJudgement {
  /** p99 while the confirm ran ÷ p99 before it. */
  readonly duringRatio: number
  /** p99 in the window after the confirm (its background: the supervision round, the assessment drain) ÷ p99 before it. */
  readonly afterRatio: number
  /** The worse of the two: what is judged against 2×. */
  readonly ratio: number
  /** Reports shed during and after the confirm: each one a failure. */
  readonly shed: number
  readonly met: boolean
}

/**
 * Issue 7's "reports' p99 while a 1,000-task plan is confirmed ≤ 2× its value without it", judged on the windows
 * during the confirm and after it, each against the window before it (not against a mean that a disturbed window
 * after the confirm would raise): met when the worse ratio is ≤ `limit` (2) and no report was shed during or after.
 * A baseline without a p99 judges nothing (NaN, not met).
 */
export function judgeConfirm(w: { readonly before: ConfirmWindow; readonly during: ConfirmWindow; readonly after: ConfirmWindow }, limit = 2): ConfirmJudgement {
  const base = w.before.p99 > 0 ? w.before.p99 : NaN
  const duringRatio = round2(w.during.p99 / base)
  const afterRatio = round2(w.after.p99 / base)
  const ratio = Number.isFinite(duringRatio) && Number.isFinite(afterRatio) ? Math.max(duringRatio, afterRatio) : NaN
  const shed = w.during.shed + w.after.shed
  return { duringRatio, afterRatio, ratio, shed, met: ratio <= limit && shed === 0 }
}

/** The figures of one database's run that issue 7's acceptance speaks of. */
export interface AcceptanceInput {
  readonly database: 'postgresql' | 'pglite'
  readonly pairTps: number
  readonly routes: Readonly<Record<string, { readonly rps: number; readonly latencyMs: { readonly p99: number } } | undefined>>
  /** The confirm scenario's judgement (judgeConfirm); absent when the scenario did not run. */
  readonly confirm?: ConfirmJudgement
}

/**
 * Issue 7's acceptance, checked against what this run measured, one line each: intake on PostgreSQL ≥ 50 % of
 * the pgbench pair with p99 ≤ 50 ms; reports and events (催办, 签收) ≥ 30 %; PGlite ≥ 1,000 reports/s; reports'
 * p99 during and after a plan confirm ≤ 2× its value before it, none shed (judgeConfirm).
 */
export function acceptanceLines(run: AcceptanceInput): string[] {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met')
  const lines: string[] = []
  const r = run.routes
  const pct = (key: string): number => percentOf(r[key]?.rps ?? NaN, run.pairTps)
  if (run.database === 'postgresql') {
    const intake = r['intake']
    if (intake) {
      const p = pct('intake')
      lines.push(`intake ${formatPercent(p)} of the pair (wants ≥ 50%), p99 ${intake.latencyMs.p99.toFixed(2)} ms (wants ≤ 50 ms): ${verdict(p >= 50 && intake.latencyMs.p99 <= 50)}`)
    }
    for (const key of ['reports', 'remind', 'accept']) {
      if (!r[key]) continue
      const p = pct(key)
      lines.push(`${key} ${formatPercent(p)} of the pair (wants ≥ 30%): ${verdict(p >= 30)}`)
    }
  } else if (r['reports']) {
    lines.push(`reports ${r['reports'].rps.toFixed(1)} req/s (wants ≥ 1,000 on PGlite): ${verdict(r['reports'].rps >= 1000)}`)
  }
  const c = run.confirm
  if (c) {
    lines.push(
      `reports' p99 with the plan confirm ${formatRatio(c.ratio)} its value before it (during ${formatRatio(c.duringRatio)}, after ${formatRatio(c.afterRatio)}; ${c.shed} shed; wants ≤ 2× and none shed): ${verdict(c.met)}`,
    )
  }
  return lines.map((l) => `${run.database} ${l}`)
}

/**
 * Transaction latencies (ms) from pgbench's per-transaction log (`-l`): each line is `client_id transaction_no
 * time script_no time_epoch time_us`, `time` in microseconds; lines whose time is not a number (`skipped`,
 * `failed`) are left out.
 */
export function parsePgbenchLog(text: string): number[] {
  const out: number[] = []
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 6) continue
    const us = Number(f[2])
    if (Number.isFinite(us) && /^\d+$/.test(f[2]!)) out.push(us / 1000)
  }
  return out
}

/** The floor's statements (bench/floor-server.mjs): the pair's two INSERTs as a server sends them. */
export interface FloorStatements {
  /** The progress-report INSERT, `RETURNING id` added (the answer carries the new report's id). */
  readonly report: string
  /** The audit-row INSERT. */
  readonly audit: string
  /** Both in one statement (data-modifying CTEs): one round trip and one transaction; returns the report's id. */
  readonly cte: string
}

/**
 * The floor's SQL taken from the pgbench pair's script itself, so the two cannot drift apart: its statements
 * other than `\set`, BEGIN and END (exactly two, else it throws), each with pgbench's variable `:item` as the
 * bound parameter `$1::int` (pgbench pastes the number into the text; the server binds it).
 */
export function floorStatements(pairScript: string): FloorStatements {
  const statements = pairScript
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('\\') && !/^(BEGIN|END|COMMIT);?$/i.test(l))
    .map((l) => l.replace(/;$/, '').replace(/:item\b/g, '$1::int'))
  if (statements.length !== 2 || !/^INSERT INTO progress_report\b/.test(statements[0]!) || !/^INSERT INTO audit_log\b/.test(statements[1]!)) {
    throw new Error(`the pair script should hold a progress_report INSERT then an audit_log INSERT, found ${statements.length} statements`)
  }
  const report = `${statements[0]} RETURNING id`
  const audit = statements[1]!
  return { report, audit, cte: `WITH report AS (${report}), audit AS (${audit}) SELECT id FROM report` }
}

/** The floor servers of the peer run: which database, which statement shape. */
export const FLOOR_VARIANTS: Readonly<Record<string, { readonly db: 'pg' | 'pglite'; readonly shape: 'tx' | 'cte'; readonly worker?: true }>> = {
  floor: { db: 'pg', shape: 'tx' },
  'floor-cte': { db: 'pg', shape: 'cte' },
  'floor-pglite': { db: 'pglite', shape: 'tx' },
  'floor-pglite-cte': { db: 'pglite', shape: 'cte' },
  /** PGlite's backend in a worker thread (duban's DUBAN_PGLITE_THREAD=worker): HTTP and database on two threads. */
  'floor-pglite-worker': { db: 'pglite', shape: 'cte', worker: true },
}

/** The short name of a BENCH_DATABASES entry in target names: postgresql → pg, postgresql:<name> → pg:<name>. */
export function databaseTag(database: string): string {
  return database === 'postgresql' ? 'pg' : database.startsWith('postgresql:') ? `pg:${database.slice('postgresql:'.length)}` : database
}

/** What one peer run measures besides the pair at the start (always run: every percentage is of it). */
export interface PeerPlan {
  /** pgbench runs beyond the first pair: `one-row`, `pair-end`. */
  readonly pgbench: ReadonlySet<string>
  /** Floor variants (keys of FLOOR_VARIANTS), in that table's order. */
  readonly floors: readonly string[]
  /** Per BENCH_DATABASES entry that has something to run, its loads (BENCH_ROUTES keys), in BENCH_DATABASES order. */
  readonly databases: ReadonlyMap<string, ReadonlySet<string>>
}

/**
 * Which targets a peer run measures. Without `only` (BENCH_PEER_ONLY unset or blank): everything — one-row,
 * pair-end, every floor, every route of BENCH_ROUTES on every database of BENCH_DATABASES. With it, a
 * comma-separated list of target names: `one-row`, `pair-end`, `floor`, `floor-cte`, `floor-pglite`,
 * `floor-pglite-cte`, `floor-pglite-worker`, `floors` (all of them), `<db>-<route>` (db as databaseTag gives it: pg, pglite, pg:<name>;
 * route one of BENCH_ROUTES, e.g. pg-reports, pglite-reports, pg:duban_1m-reports), or `<db>` alone for all its
 * routes. A database with no route named is not started at all. An unknown name throws, listing the known ones,
 * so a typo never runs a silently shorter benchmark.
 */
export function planPeerRun(only: string | undefined, databases: readonly string[], routes: readonly string[]): PeerPlan {
  const floorNames = Object.keys(FLOOR_VARIANTS)
  const names = (only ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  if (names.length === 0) {
    return { pgbench: new Set(['one-row', 'pair-end']), floors: floorNames, databases: new Map(databases.map((d) => [d, new Set(routes)])) }
  }
  const known = new Set<string>(['one-row', 'pair-end', 'floors', ...floorNames])
  for (const d of databases) {
    known.add(databaseTag(d))
    for (const r of routes) known.add(`${databaseTag(d)}-${r}`)
  }
  const unknown = names.filter((n) => !known.has(n))
  if (unknown.length) throw new Error(`BENCH_PEER_ONLY: unknown target ${unknown.join(', ')}; known: ${[...known].join(', ')}`)
  const picked = new Set(names)
  const byDatabase = new Map<string, Set<string>>()
  for (const d of databases) {
    const tag = databaseTag(d)
    const chosen = routes.filter((r) => picked.has(tag) || picked.has(`${tag}-${r}`))
    if (chosen.length) byDatabase.set(d, new Set(chosen))
  }
  return {
    pgbench: new Set(['one-row', 'pair-end'].filter((n) => picked.has(n))),
    floors: floorNames.filter((f) => picked.has(f) || picked.has('floors')),
    databases: byDatabase,
  }
}

/** One floor's figures for floorLines: req/s, and CPU ms per request, all processes and Node's alone. */
export interface FloorFigures {
  readonly name: string
  readonly db: 'pg' | 'pglite'
  readonly rps: number
  /** Node + PostgreSQL backends + load generator (NaN when a part was not measured). */
  readonly cpuMs: number
  /** The CPU that runs on Node's one event-loop thread (0: not one thread's, e.g. PGlite in a worker). */
  readonly nodeCpuMs: number
}

/**
 * What the floors say about issue 7's throughput goals, one line each: every floor as a percentage of the pair
 * (PostgreSQL floors against the intake goal of 50% and the reports/events goal of 30%; PGlite floors against
 * 1,000 reports/s), and the same by CPU alone — the floor's CPU ceiling on `cores` (cpuCeiling, Node's event loop
 * at most one core) against the pair's (its backends' CPU plus pgbench's own per transaction), which does not
 * move with what else the machine runs as the req/s do; then each duban route as a percentage of the best floor
 * of its database.
 */
export function floorLines(pair: { tps: number; cpuMs: number }, floors: readonly FloorFigures[], duban: readonly { database: 'pg' | 'pglite'; route: string; rps: number }[], cores: number): string[] {
  const lines: string[] = []
  const above = (ok: boolean): string => (ok ? 'above' : 'BELOW')
  const pairCeiling = cpuCeiling(cores, pair.cpuMs)
  for (const f of floors) {
    const p = percentOf(f.rps, pair.tps)
    if (f.db === 'pg') lines.push(`${f.name} ${f.rps.toFixed(1)} req/s = ${formatPercent(p)} of the pair: ${above(p >= 50)} the intake goal (50%), ${above(p >= 30)} the reports/events goal (30%)`)
    else lines.push(`${f.name} ${f.rps.toFixed(1)} req/s = ${formatPercent(p)} of the pair: ${above(f.rps >= 1000)} PGlite's goal (1,000 reports/s)`)
    const ceiling = cpuCeiling(cores, f.cpuMs, f.nodeCpuMs)
    if (Number.isFinite(ceiling) && Number.isFinite(pairCeiling)) {
      const cp = percentOf(ceiling, pairCeiling)
      const goal = f.db === 'pg' ? `${above(cp >= 50)} 50%, ${above(cp >= 30)} 30%` : `${above(ceiling >= 1000)} 1,000/s`
      lines.push(`${f.name} by CPU: ${f.cpuMs.toFixed(3)} ms/request (${f.nodeCpuMs > 0 ? `Node's event loop ${f.nodeCpuMs.toFixed(3)}` : 'no one-thread bound'}) → ${ceiling} req/s on ${cores} cores vs the pair's ${pair.cpuMs.toFixed(3)} ms → ${pairCeiling} tps = ${formatPercent(cp)}: ${goal}`)
    }
  }
  for (const db of ['pg', 'pglite'] as const) {
    const best = floors.filter((f) => f.db === db).sort((a, b) => b.rps - a.rps)[0]
    if (!best) continue
    for (const d of duban.filter((x) => x.database === db)) lines.push(`duban ${db} ${d.route} ${d.rps.toFixed(1)} req/s = ${formatPercent(percentOf(d.rps, best.rps))} of ${best.name} (${best.rps.toFixed(1)} req/s)`)
  }
  return lines
}
