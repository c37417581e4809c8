// PostgreSQL backend CPU (utime+stime from /proc, 10 ms ticks) of one statement inserting 2 history rows (receive,
// dispatch) for each of up to N copies of existing tickets, fired triggers included; each round rolled back.
// Usage: node scripts/measure-intake-capture.mjs DB ROUNDS TICKETS_PER_STATEMENT (a database with tickets; nothing kept)
import { readFileSync } from 'node:fs'
import pg from 'pg'
const [db, rounds, per] = [process.argv[2], Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 64)]
const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${db}` })
await c.connect()
const pid = (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p
const ticks = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]) }
const setup = async () => {
  await c.query('BEGIN')
  await c.query(`INSERT INTO src SELECT i.*, 'x' || md5(random()::text || i.id) AS nid FROM item i WHERE kind = 'ticket' ORDER BY created_at DESC LIMIT ${per}`)
  await c.query(`INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, path, due_date, snapshot, data, created_at, updated_at)
    SELECT nid, 'X-' || nid, kind, kind_version, state, state_type, title, body, path, due_date, snapshot, data, now(), now() FROM src`)
  await c.query(`INSERT INTO item_unit (item_id, unit_id, role) SELECT s.nid, u.unit_id, u.role FROM src s JOIN item_unit u ON u.item_id = s.id`)
  return Number((await c.query('SELECT count(*) AS n FROM src')).rows[0].n)
}
const EV = `INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, payload, at)
  SELECT s.nid, e.event, e.f, e.t, 'operator', '{}'::jsonb, now() + e.k * interval '1 ms'
    FROM src s, (VALUES (1, 'receive', '', 'received'), (2, 'dispatch', 'received', 'dispatched')) e(k, event, f, t) ORDER BY s.nid, e.k`
// A table made once (a temporary one per round would be a new type each time, which drops every cached plan).
await c.query(`DROP TABLE IF EXISTS src`)
await c.query(`CREATE TABLE src AS SELECT i.*, ''::text AS nid FROM item i WHERE false`)
// warm-up (plans cached in the session)
await setup(); await c.query(EV); await c.query('ROLLBACK')
let t = 0, n = 0, wall = 0
for (let r = 0; r < rounds; r++) {
  const k = await setup()
  const t0 = ticks(); const w0 = performance.now()
  await c.query(EV)
  wall += performance.now() - w0; t += ticks() - t0; n += k
  await c.query('ROLLBACK')
}
const he = (await c.query(`SELECT count(*) AS n FROM hotline_event`)).rows[0].n
console.log(`${db}: ${n} tickets in ${rounds} statements of up to ${per}: PG backend CPU ${(10 * t / n).toFixed(3)} ms/ticket (${t} ticks), wall ${(wall / n).toFixed(3)} ms/ticket; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
await c.query(`DROP TABLE src`)
await c.end()
