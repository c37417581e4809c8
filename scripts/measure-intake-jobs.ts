/**
 * What the intake jobs (duplicate detection after a ticket's intake: intake-followups.ts) cost per ticket, apart from
 * the intake itself. `--setup` makes a database on the local server (migrated, the demo city and its 12345 catalogues
 * seeded) and receives N tickets as `peer`'s intake load sends them (one caller, one address, dispatched; P at a time),
 * then enqueues every ticket's job again and prints the database's name. `--db NAME` (a fresh process, so that no
 * ticket's features are cached) drains the jobs in batches of B as the worker does and prints Node's and the backends'
 * CPU per job; run it on copies (`--copies K` with --setup makes K databases alike) to alternate trees.
 *
 *   npx tsx scripts/measure-intake-jobs.ts --setup [--n 3000] [--parallel 16] [--copies 1]
 *   npx tsx scripts/measure-intake-jobs.ts --db NAME [--batch 30]
 *   (DATABASE_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres; drop the databases after)
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import pg from 'pg'
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { buildServer } from '../src/adapters/http/server.ts'
import { DEMO_DIR, DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../src/app/demo/seed-demo.ts'
import { seedHotline } from '../src/app/demo/seed-hotline.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { drainIntakeJobs } from '../src/app/tickets/intake-followups.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const urlOf = (db: string): string => {
  const u = new URL(admin)
  u.pathname = `/${db}`
  return u.toString()
}

if (process.argv.includes('--setup')) {
  const N = Number(arg('n') ?? 3000)
  const P = Number(arg('parallel') ?? 16)
  const name = `intake_jobs_${randomBytes(4).toString('hex')}`
  const adm = new pg.Client({ connectionString: admin })
  await adm.connect()
  await adm.query(`CREATE DATABASE ${name}`)
  const db = await openPg(urlOf(name))
  await migrate(db)
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: () => randomUUID() }
  await seedDemoUnits(deps)
  await seedDemoUsers(deps)
  await seedHotline(deps, DEMO_DIR, DEMO_PASSWORD)
  const app = await buildServer(deps)
  await app.ready()
  const token = (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'hotline', password: DEMO_PASSWORD } })).json().token as string
  let n = 0
  const one = async (): Promise<void> => {
    while (n < N) {
      const k = n++
      const res = await app.inject({
        method: 'POST', url: '/api/tickets', headers: { authorization: `Bearer ${token}` },
        payload: {
          requestType: 'complaint', urgency: 'normal', categoryCode: '01.01.01', requesterName: '张三', requesterPhone: '13812345678',
          address: '河滨路1号', placeUnitId: 'ql-hb', content: `路口傍晚有流动摊贩占道经营，影响通行（基准第${k}件）`, dispatch: { lead: 'yz-cgj' },
        },
      })
      if (res.statusCode !== 201) throw new Error(`intake ${res.statusCode} ${res.body}`)
    }
  }
  await Promise.all(Array.from({ length: P }, one))
  await app.close()
  await db.query(`DELETE FROM ticket_intake_job`)
  await db.query(`INSERT INTO ticket_intake_job (item_id, window_days, enqueued_at) SELECT item_id, 30, received_at FROM ticket`)
  await db.query('VACUUM ANALYZE')
  await db.close()
  const names = [name]
  for (let c = 1; c < Number(arg('copies') ?? 1); c++) {
    const copy = `${name}_${c}`
    await adm.query(`CREATE DATABASE ${copy} TEMPLATE ${name}`)
    names.push(copy)
  }
  await adm.end()
  console.log(names.join(' '))
} else {
  const name = arg('db')
  if (!name) throw new Error('--setup or --db NAME')
  const B = Number(arg('batch') ?? 30)
  const db = await openPg(urlOf(name))
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: () => randomUUID() }
  jiebaTokenize('预热')
  const stat = new pg.Client({ connectionString: urlOf(name) })
  await stat.connect()
  const backendsCpu = async (): Promise<number> => {
    const { rows } = await stat.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name])
    let ticks = 0
    for (const { pid } of rows) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
        ticks += Number(f[11]) + Number(f[12])
      } catch { /* gone */ }
    }
    return ticks * 10 // ms at 100 Hz
  }
  await db.query('SELECT 1') // a backend up before the count
  const jobs = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM ticket_intake_job')).rows[0]!.n)
  const load = loadavg()
  const pg0 = await backendsCpu()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let done = 0
  for (;;) {
    const d = await drainIntakeJobs(deps, jiebaTokenize, B)
    done += d
    if (d === 0) break
  }
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const pgMs = (await backendsCpu()) - pg0
  console.log(`${name}: ${done} of ${jobs} jobs in batches of ${B}: wall ${(wall / done).toFixed(3)} ms, Node ${((cpu.user + cpu.system) / 1000 / done).toFixed(3)} ms, PostgreSQL ${(pgMs / done).toFixed(3)} ms per job (load ${load.map((x) => x.toFixed(2)).join(' ')})`)
  await stat.end()
  await db.close()
}
