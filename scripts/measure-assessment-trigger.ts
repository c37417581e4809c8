/**
 * What migration 116's triggers add to a progress report's statements: in rolled-back transactions, a report's
 * INSERT INTO progress_report and the item's UPDATE (snapshot, updated_at), each under EXPLAIN (ANALYZE, FORMAT JSON),
 * alternately with the assessment triggers enabled and disabled (same run, same rows). Prints the mean and median execution
 * time of both statements each way, the triggers' own time as EXPLAIN reports it, and the load average.
 *
 *   npx tsx scripts/measure-assessment-trigger.ts --url postgres://postgres@127.0.0.1:5432/duban_aggregates [--runs 300]
 */
import { loadavg } from 'node:os'
import { openDatabase } from '../src/persistence/open.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const RUNS = Number(arg('runs') ?? 300)
const db = await openDatabase({ url: arg('url') ?? process.env.DATABASE_URL, dataDir: arg('data-dir') })
const { rows: items } = await db.query<{ id: string; unit_id: string }>(
  `SELECT i.id, u.unit_id FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead' WHERE i.kind = 'task' AND i.state_type <> 'closed' LIMIT $1`,
  [RUNS],
)
type Plan = [{ 'Execution Time': number; Triggers?: { 'Trigger Name': string; Time: number }[] }]
const sum = { on: { exec: 0, trig: 0, n: 0, ins: 0, upd: 0 }, off: { exec: 0, trig: 0, n: 0, ins: 0, upd: 0 } }
const each = { on: [] as number[], off: [] as number[], trig: [] as number[] }
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
let k = 0
for (const it of items) {
  for (const mode of (k++ % 2 ? ['on', 'off'] : ['off', 'on']) as ('on' | 'off')[]) {
    await db.transaction(async (tx) => {
      if (mode === 'off') {
        await tx.query(`ALTER TABLE progress_report DISABLE TRIGGER assessment_report_ins`)
        await tx.query(`ALTER TABLE item DISABLE TRIGGER assessment_item_upd`)
      }
      const plans: Plan[] = []
      for (const [sql, params] of [
        [`EXPLAIN (ANALYZE, FORMAT JSON) INSERT INTO progress_report (id, item_id, unit_id, body, reported_at) VALUES ($1, $2, $3, '进展', now())`, [`trig-${k}-${mode}`, it.id, it.unit_id]],
        [`EXPLAIN (ANALYZE, FORMAT JSON) UPDATE item SET snapshot = jsonb_set(snapshot, '{data}', '{"measures":{"完成率":90}}'), updated_at = now() WHERE id = $1`, [it.id]],
      ] as const) {
        const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(sql, [...params])
        const p = rows[0]!['QUERY PLAN']
        plans.push((typeof p === 'string' ? JSON.parse(p) : p) as Plan)
      }
      each[mode].push(plans[0]![0]['Execution Time'] + plans[1]![0]['Execution Time'])
      if (mode === 'on') each.trig.push(plans.flatMap((p) => p[0].Triggers ?? []).filter((t) => t['Trigger Name'].startsWith('assessment_')).reduce((n, t) => n + t.Time, 0))
      sum[mode].ins += plans[0]![0]['Execution Time']
      sum[mode].upd += plans[1]![0]['Execution Time']
      for (const p of plans) {
        sum[mode].exec += p[0]['Execution Time']
        sum[mode].trig += (p[0].Triggers ?? []).filter((t) => t['Trigger Name'].startsWith('assessment_')).reduce((n, t) => n + t.Time, 0)
      }
      sum[mode].n++
      throw new Error('rollback')
    }).catch((e: unknown) => {
      if (!(e instanceof Error) || e.message !== 'rollback') throw e
    })
  }
}
const f = (x: number, n: number): string => (x / n).toFixed(3)
console.log(`report INSERT + item UPDATE, ${sum.on.n} reports each way (load ${loadavg().map((x) => x.toFixed(1)).join(' ')}):`)
console.log(`  triggers on:  ${f(sum.on.exec, sum.on.n)} ms execution per report, of which the assessment triggers ${f(sum.on.trig, sum.on.n)} ms (INSERT ${f(sum.on.ins, sum.on.n)}, UPDATE ${f(sum.on.upd, sum.on.n)})`)
console.log(`  triggers off: ${f(sum.off.exec, sum.off.n)} ms execution per report (INSERT ${f(sum.off.ins, sum.off.n)}, UPDATE ${f(sum.off.upd, sum.off.n)})`)
console.log(`  medians: on ${median(each.on).toFixed(3)} ms, off ${median(each.off).toFixed(3)} ms, the triggers ${median(each.trig).toFixed(3)} ms`)
await db.close()
