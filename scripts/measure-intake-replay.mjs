// PostgreSQL backend CPU of ticket intake's group statement (ticket-intake.repo.ts INSERT_RECEIVED) alone, replayed in
// BEGIN … ROLLBACK (nothing kept), for groups of N tickets like peer's intake body (the demo city's units, category
// 01.01.01, dispatch to yz-cgj): CPU from /proc/PID/stat (10 ms ticks, so use many rounds), wall per statement.
// Variants: all (as it runs), notrig (session_replication_role = replica: every trigger and foreign-key check off).
// (ALTER TABLE … DISABLE TRIGGER per round is no variant: it invalidates every cached plan and costs more than it saves.)
// Usage: node scripts/measure-intake-replay.mjs DB ROUNDS TICKETS_PER_STATEMENT [all|notrig]
//   DB: a migrated database with the demo units, the hotline user and the 12345 catalogue, e.g. one kept by
//   `npx tsx scripts/measure-write-path.ts --routes intake --keep`. Env NOJIT=1 (jit off), GENERIC=1 (generic plan).
import pg from 'pg'
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
const [db, rounds, per, variant] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5] ?? 'all']
const src = readFileSync(new URL('../src/persistence/ticket-intake.repo.ts', import.meta.url), 'utf8')
const sql = src.match(/const INSERT_RECEIVED = `([\s\S]*?)`/)[1]
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
base.pathname = `/${db}`
const c = new pg.Client({ connectionString: base.toString() })
await c.connect()
const pid = (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p
const ticks = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]) }
const tmpl = {"id": "392a04c1-148d-4517-bf75-751bacb89a35", "kind": "ticket", "kindVersion": 1, "state": "dispatched", "stateType": "waiting", "title": "占道经营：路口傍晚有流动摊贩占道经营，影响通行（基准第1件）", "body": "路口傍晚有流动摊贩占道经营，影响通行（基准第1件）", "path": ["城乡建设", "市容环境", "占道经营"], "dueDate": "2026-12-10", "snapshot": {"kind": "ticket", "kindVersion": "1", "state": "dispatched", "clocks": {"dispatch": {"startedAt": "2026-12-03T13:12:49.808Z", "dueAt": "2026-12-04T11:00:00+08:00", "stoppedAt": "2026-12-03T13:12:49.808Z"}, "accept": {"startedAt": "2026-12-03T13:12:49.808Z", "dueAt": "2026-12-04T11:00:00+08:00", "stoppedAt": null}, "respond": {"startedAt": "2026-12-03T13:12:49.808Z", "dueAt": "2026-12-09T12:00:00+08:00", "stoppedAt": null}, "handle": {"startedAt": "2026-12-03T13:12:49.808Z", "dueAt": "2026-12-10T23:59:59+08:00", "stoppedAt": null}}, "counters": {}, "data": {"channel": "phone", "categoryCode": "01.01.01", "requestType": "complaint", "urgency": "normal", "tier": "normal", "limits": {"handle": {"unit": "working_days", "amount": 5}, "accept": {"unit": "working_hours", "amount": 2}, "respond": {"unit": "working_hours", "amount": 24}}, "requester": "citizen:6fadccd03a5e4c972ce2142f", "createdBy": "114b6e61-876b-4586-a3f5-6ef767e66b8d", "lead": "yz-cgj"}}, "data": {"channel": "phone", "categoryCode": "01.01.01", "requestType": "complaint", "urgency": "normal"}, "at": "2026-12-03T13:12:49.808Z", "units": [{"unitId": "yz-cgj", "role": "lead"}], "ticket": {"channel": "phone", "requestType": "complaint", "categoryCode": "01.01.01", "categoryVersion": 1, "urgency": "normal", "anonymous": false, "requesterName": "张三", "requesterPhone": "13812345678", "address": "河滨路1号", "lat": null, "lng": null, "placeUnitId": "ql-hb", "content": "路口傍晚有流动摊贩占道经营，影响通行（基准第1件）", "receivedBy": "114b6e61-876b-4586-a3f5-6ef767e66b8d"}, "jobWindowDays": 30, "events": [{"event": "receive", "from": "", "to": "received", "payload": {"channel": "phone"}}, {"event": "dispatch", "from": "received", "to": "dispatched", "payload": {"lead": "yz-cgj"}}], "actor": {"id": "114b6e61-876b-4586-a3f5-6ef767e66b8d", "role": "operator", "unitId": "yz-rxzx"}, "audit": {"action": "ticket.receive", "entity": "item", "after": {"channel": "phone", "categoryCode": "01.01.01", "categoryVersion": 1, "tier": "normal", "limits": {"handle": {"unit": "working_days", "amount": 5}, "accept": {"unit": "working_hours", "amount": 2}, "respond": {"unit": "working_hours", "amount": 24}}, "state": "dispatched", "lead": "yz-cgj"}}, "notifications": [{"id": "ccac3610-7f0d-479b-af14-cba30f008ed1", "dedupeKey": "392a04c1-148d-4517-bf75-751bacb89a35:v1:dispatch@unit:yz-cgj", "userId": null, "unitId": "yz-cgj", "role": null, "type": "item.dispatch", "titleHead": "派单：", "titleTail": " 占道经营：路口傍晚有流动摊贩占道经营，影响通行（基准第1件）", "body": "", "at": "2026-12-03T13:12:49.871Z"}]}
const user = (await c.query(`SELECT id FROM app_user WHERE username='hotline'`)).rows[0].id
const mk = () => { const t = structuredClone(tmpl); const id = randomUUID(); t.id = id; t.actor.id = user; t.ticket.receivedBy = user; t.at = new Date().toISOString(); t.notifications.forEach((n) => { n.id = randomUUID(); n.dedupeKey = id + ':v1:dispatch@unit:yz-cgj' }); return t }
const disable = { all: [], notrig: ['SET LOCAL session_replication_role = replica'],
}[variant]

if (process.env.NOJIT) await c.query('SET jit = off')
if (process.env.GENERIC) await c.query('SET plan_cache_mode = force_generic_plan')
const once = async () => {
  const ts = Array.from({ length: per }, mk)
  await c.query('BEGIN')
  for (const d of disable) await c.query(d)
  const t0 = ticks(); const w0 = performance.now()
  await c.query({ name: 'q', text: sql, values: ['GD', 2026, 6, per, JSON.stringify(ts)] })
  const w = performance.now() - w0; const t = ticks() - t0
  await c.query('ROLLBACK')
  return [t, w]
}
for (let i = 0; i < 10; i++) await once()
let T = 0, W = 0
for (let r = 0; r < rounds; r++) { const [t, w] = await once(); T += t; W += w }
console.log(`${variant} x${per}: CPU ${(10 * T / rounds).toFixed(2)} ms/stmt ${(10 * T / rounds / per).toFixed(3)} ms/ticket, wall ${(W / rounds).toFixed(2)} ms/stmt; load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`)
await c.end()
