/**
 * CPU of one named run's message on PGlite (Bind, Execute, Sync): PGlite's own serializer against namedRunMessage
 * (pglite-prepared.ts), alternating blocks in one process. The values have the lengths a `peer` progress report's
 * statement has (duban_event_rows_report), filled partly with Chinese.
 * Run: `npx tsx scripts/measure-bind.ts` (under `flock /tmp/h/bench.lock` on a shared machine).
 */
import { protocol } from '@electric-sql/pglite'
import { concat, namedRunMessage } from '../src/persistence/pglite-prepared.ts'
const EXECUTE_SYNC = concat(protocol.serialize.execute({}), protocol.serialize.sync())
// a report's 24 values as the bench's last report had them (lengths 36,1,8,4,556,93,10,24,5,15,8,36,12,6,58,51,77,36,6,7,25,29,2,4)
const L = [36, 1, 8, 4, 556, 93, 10, 24, 5, 15, 8, 36, 12, 6, 58, 51, 77, 36, 6, 7, 25, 29, 2, 4]
const values = L.map((n, i) => (i % 3 === 0 ? 'a' : '报').repeat(i === 4 ? n / 2 : n).slice(0, n))
const old = () => concat(protocol.serialize.bind({ statement: 'duban_event_rows_report', values }), EXECUTE_SYNC)
const neu = () => namedRunMessage('duban_event_rows_report', values)
const N = 20000
const res: Record<string, number[]> = { old: [], new: [] }
let sink = 0
for (let r = 0; r < 10; r++) for (const [k, f] of (r % 2 ? [['new', neu], ['old', old]] : [['old', old], ['new', neu]]) as [string, () => Uint8Array][]) {
  const c0 = process.cpuUsage()
  for (let i = 0; i < N; i++) sink += f().length
  const c = process.cpuUsage(c0)
  if (r > 1) res[k]!.push(((c.user + c.system) / N))
}
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!
console.log(`bytes ${old().length}; CPU µs per message, median of 8 blocks of ${N}: PGlite serializer ${med(res.old!).toFixed(2)}, namedRunMessage ${med(res.new!).toFixed(2)} (sink ${sink})`)
