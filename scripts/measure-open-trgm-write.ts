/**
 * What migration 185's partial trigram index (item_text_open_trgm_idx: unclosed items) costs a write: in one
 * backend, N single-row inserts of unclosed ticket-like items (the intake's item row) and then N state changes of
 * them (a non-HOT update while open), with the index and without it (dropped inside the transaction), every round
 * rolled back; rounds alternate A B B A … Prints the backend's CPU (/proc/<pid>/stat, 10 ms ticks) per insert and
 * per update, and the load average; then VACUUM (ANALYZE) item (the rounds' dead rows). Needs a database with items (scripts/generate-items.ts) and migration 185.
 *
 *   npx tsx scripts/measure-open-trgm-write.ts --url postgres://postgres@127.0.0.1/duban_gen1m_tenm [--n 5000] [--rounds 4]
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const N = Number(arg('n') ?? 5000)
const ROUNDS = Number(arg('rounds') ?? 4)
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const c = new pg.Client({ connectionString: arg('url') ?? process.env.DATABASE_URL })
await c.connect()
const pid = (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p
/** The backend's user + system CPU in milliseconds. */
const cpu = (): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10
}
const has = (await c.query(`SELECT to_regclass('item_text_open_trgm_idx') IS NOT NULL AS b`)).rows[0]?.b
if (!has) throw new Error('no item_text_open_trgm_idx: apply migration 185 first')
const PLACES = ['城关镇', '开发区', '高新区', '东城街道', '西城街道', '南湖乡']
const TOPICS = ['粮食安全', '噪音扰民', '道路破损', '违章停车', '供水停水', '燃气安全']
for (let r = 0; r < ROUNDS; r++) {
  const withIndex = r % 4 === 0 || r % 4 === 3
  await c.query('BEGIN')
  if (!withIndex) await c.query('DROP INDEX item_text_open_trgm_idx')
  // The inserts and updates run as the generated load does (no triggers), so only the index work differs.
  await c.query(`SET LOCAL session_replication_role = replica`)
  const t0 = cpu()
  for (let i = 0; i < N; i++) {
    const title = `关于${PLACES[i % 6]}${TOPICS[(i >> 3) % 6]}问题的督促办理（w${r}-${i}）`
    const body = `群众反映${PLACES[(i >> 2) % 6]}存在${TOPICS[i % 6]}情况，请相关单位于10日内核查处置并反馈。编号${(i * 2654435761).toString(16)}`
    await c.query(
      `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot) VALUES ($1, $2, 'ticket', 1, 'dispatched', 'waiting', $3, $4, '{}')`,
      [`w${r}-${i}`, `W-${r}-${String(i).padStart(8, '0')}`, title, body],
    )
  }
  const t1 = cpu()
  for (let i = 0; i < N; i++) await c.query(`UPDATE item SET state = 'accepted', state_type = 'open' WHERE id = $1`, [`w${r}-${i}`])
  const t2 = cpu()
  await c.query('ROLLBACK')
  console.log(
    `${withIndex ? 'with   ' : 'without'} index: insert ${((t1 - t0) / N * 1000).toFixed(0)} µs, state change ${((t2 - t1) / N * 1000).toFixed(0)} µs of backend CPU per row (${N} rows; load ${load()})`,
  )
}
// The rolled-back rows left dead index entries and heap tuples: vacuumed, so that reads measured next see the database as before.
await c.query('VACUUM (ANALYZE) item')
await c.end()
