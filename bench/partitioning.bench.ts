/**
 * Monthly partitions of a ticket-like table against the plain table, on the machine's PostgreSQL, by pgbench alone
 * (issue 7 point 3; docs/scaling.md §6 says why the ticket tables are not partitioned). Runs
 * bench/partitioning/run.sh (which makes and drops database part_bench) and reports each partitioned statement's tps
 * as a ratio of the plain table's in the same round. Needs psql and pgbench and a PostgreSQL at PGHOST (default
 * 127.0.0.1) with trust auth; PARTITIONING_SECONDS per statement (default 8).
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Benchmark } from './bench.types.ts'

const script = fileURLToPath(new URL('./partitioning/run.sh', import.meta.url))

type Line = { round: number; script: string; tps: number; latencyMs: number; load1m: number }

/** The run's lines (`look_t_part  2828 tps  latency 5.657 ms  (load 5.85)`), numbered by round. */
function parse(out: string): Line[] {
  const lines: Line[] = []
  let round = 0
  for (const m of out.matchAll(/^(\S+)\s+(\d+) tps\s+latency\s+([\d.]+) ms\s+\(load ([\d.]+)\)$/gm)) {
    if (m[1] === 'look_t_plain') round++
    lines.push({ round, script: m[1]!, tps: Number(m[2]), latencyMs: Number(m[3]), load1m: Number(m[4]) })
  }
  return lines
}

/** The `partitioning` benchmark. */
export const benchmark: Benchmark = {
  name: 'partitioning',
  description: 'a ticket-like table partitioned by month (of received_at, or of a time-ordered id) against the plain table: pgbench tps by id, rating update and insert',
  async run({ log }) {
    const seconds = process.env.PARTITIONING_SECONDS ?? '8'
    const r = spawnSync('bash', [script, seconds], { encoding: 'utf8', maxBuffer: 1 << 20 })
    if (r.status !== 0) throw new Error(`bench/partitioning/run.sh failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-1000)}`)
    for (const l of r.stdout.trim().split('\n')) log(`partitioning: ${l}`)
    const lines = parse(r.stdout)
    if (lines.length === 0) throw new Error(`bench/partitioning/run.sh printed no results:\n${r.stdout.slice(-1000)}`)
    // Each partitioned statement against its plain twin of the same round (look_t_part → look_t_plain).
    const ratios = lines
      .filter((l) => !l.script.endsWith('_t_plain'))
      .map((l) => {
        const plain = lines.find((p) => p.round === l.round && p.script === l.script.replace(/_t_(id)?part$/, '_t_plain'))
        return { round: l.round, script: l.script, ofPlain: plain ? Math.round((l.tps / plain.tps) * 1000) / 1000 : null }
      })
    const pct = (s: string): string => `${ratios.filter((x) => x.script === s).map((x) => Math.round((x.ofPlain ?? NaN) * 100)).join('/')} %`
    return {
      summary: `tps of the plain table's, round by round — one ticket by id: ${pct('look_t_part')} by month, ${pct('look_t_idpart')} by time-ordered id; a rating written: ${pct('upd_t_part')} by month, ${pct('upd_t_idpart')} by id; an insert: ${pct('ins_t_part')} by month, ${pct('ins_t_idpart')} by id`,
      data: { seconds: Number(seconds), lines, ratios },
    }
  },
}
