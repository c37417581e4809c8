/**
 * Why a 1,000-task confirm slows with history (issue 7): confirms the same generated plan (bench/peer.plan.ts) on a
 * fresh database, again right after, and after writing history (progress reports, 催办, 12345 tickets) through the
 * API in this process, and prints per confirm its wall time, the work of its chunks (the gaps between chunks minus
 * the pace), and on PostgreSQL the deltas of pg_stat_user_tables / pg_stat_user_functions (track_functions = all)
 * over the confirm: which table or trigger function grew.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/confirm-history.ts [--reports N] [--reminds N] [--tickets N] [--rounds K] [--tasks T] [--sealer] [--round [--drain-batch B]] [--stream none,direct,gated,…]
 * Without DATABASE_URL: PGlite in memory. A PostgreSQL database `confirm_hist_<pid>` is created and dropped after.
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildServer } from '../src/adapters/http/server.ts'
import type { AppDeps } from '../src/app/deps.ts'
import { DEMO_DIR, DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../src/app/demo/seed-demo.ts'
import { seedHotline } from '../src/app/demo/seed-hotline.ts'
import { confirmPlan } from '../src/app/plans/confirm-plan.ts'
import { startSealer } from '../src/app/audit/seal-audit.ts'
import { ASSESSMENT_DRAIN_BUDGET_MS, startScheduler } from '../src/app/supervision/scheduler.ts'
import { superviseTick } from '../src/app/supervision/supervise-tick.ts'
import { Pacer, SERVE_TICK_PACE } from '../src/app/supervision/tick-pace.ts'
import { drainAssessmentLog } from '../src/app/assessment/assessment-aggregates.ts'
import { kindCatalog } from '../src/domain/kinds/index.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { openPglite } from '../src/persistence/pglite.db.ts'
import { makePlanText, PLAN_LEADS } from '../bench/peer.plan.ts'

const { values: opt } = parseArgs({
  options: {
    reports: { type: 'string', default: '4000' },
    reminds: { type: 'string', default: '4000' },
    tickets: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '1' },
    tasks: { type: 'string', default: '1000' },
    sealer: { type: 'boolean', default: false },
    round: { type: 'boolean', default: false },
    'drain-batch': { type: 'string', default: '1000' },
    stream: { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
  },
})
const TASKS = Number(opt.tasks)

async function loadavg(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')
}

const admin = process.env.DATABASE_URL
let url: string | null = null
let dbName = ''
if (admin) {
  dbName = `confirm_hist_${process.pid}`
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  await c.query(`CREATE DATABASE ${dbName}`)
  await c.query(`ALTER DATABASE ${dbName} SET track_functions = 'all'`)
  await c.end()
  const u = new URL(admin)
  u.pathname = `/${dbName}`
  url = u.toString()
}
const db = url ? await openPg(url) : await openPglite()
const stats = url ? new pg.Client({ connectionString: url }) : null
await stats?.connect()
try {
  await migrate(db)
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
  await seedDemoUnits(deps)
  await seedDemoUsers(deps)
  if (Number(opt.tickets) > 0) await seedHotline(deps, DEMO_DIR, DEMO_PASSWORD)
  const app = await buildServer(deps, { logger: false })
  await app.ready()
  const sealer = opt.sealer ? startSealer(db, {}) : null
  const inject = async (token: string | null, method: 'GET' | 'POST', path: string, payload?: unknown): Promise<{ status: number; json: any }> => {
    const r = await app.inject({ method, url: path, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload === undefined ? {} : { payload: payload as object }) })
    return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null }
  }
  const login = async (username: string): Promise<string> => {
    const r = await inject(null, 'POST', '/api/auth/login', { username, password: DEMO_PASSWORD })
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`)
    return r.json.token
  }
  const supervisor = await login('supervisor')
  const liaison: Record<string, string> = {}
  for (const [unit, l] of Object.entries(PLAN_LEADS)) liaison[unit] = await login(l.user)
  const { rows: sup } = await db.query<{ id: string }>(`SELECT id FROM app_user WHERE username = 'supervisor'`)
  const actor = { userId: sup[0]!.id, role: 'supervisor' as const, unitId: null, scopeUnitIds: null }

  const importPlan = async (title: string, count: number): Promise<string> => {
    const text = makePlanText({ title, count, leads: Object.values(PLAN_LEADS).map((l) => l.name), due: '2027年6月底前' })
    const r = await inject(supervisor, 'POST', '/api/plans', { fileName: `${title}.txt`, contentBase64: Buffer.from(text).toString('base64') })
    if (r.status !== 201) throw new Error(`import: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`)
    return r.json.id
  }
  // The report targets: a small plan confirmed and accepted, as `peer` does.
  const setup = await importPlan('基准任务（报送）', 40)
  await confirmPlan(deps, actor, setup)
  const { rows: targets } = await db.query<{ id: string; lead: string }>(
    `SELECT i.id, u.unit_id AS lead FROM item i JOIN item_unit u ON u.item_id = i.id AND u.role = 'lead' WHERE i.plan_id = $1 ORDER BY i.number`,
    [setup],
  )
  for (const t of targets) {
    const r = await inject(liaison[t.lead]!, 'POST', `/api/items/${t.id}/events`, { event: 'accept' })
    if (r.status !== 200) throw new Error(`accept: ${r.status}`)
  }
  const rounds = Number(opt.rounds)
  const plans: string[] = []
  const nPlans = opt.stream ? opt.stream.split(',').length : rounds + 2
  for (let i = 0; i < nPlans; i++) plans.push(await importPlan(`基准任务（${TASKS}项，第${i + 1}份）`, TASKS))

  const snapTables = async (): Promise<Map<string, Record<string, number>>> => {
    const m = new Map<string, Record<string, number>>()
    if (!stats) return m
    const { rows } = await stats.query(`SELECT relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, n_live_tup, n_dead_tup FROM pg_stat_user_tables`)
    for (const r of rows) m.set(r.relname, Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'relname').map(([k, v]) => [k, Number(v)])))
    const { rows: fr } = await stats.query(`SELECT funcname, calls, total_time, self_time FROM pg_stat_user_functions`)
    for (const r of fr) m.set(`fn:${r.funcname}`, { calls: Number(r.calls), total_time: Number(r.total_time), self_time: Number(r.self_time) })
    return m
  }
  const stat = async (): Promise<Map<string, Record<string, number>>> => {
    await stats?.query('SELECT pg_stat_clear_snapshot()')
    await new Promise((r) => setTimeout(r, 600)) // stats are flushed by backends at most every 500 ms … after idle
    return snapTables()
  }
  /** A scheduler round's two parts as `duban serve` runs them each minute (the paced tick, then the assessment drain), each with its event-loop stalls. */
  const round = async (label: string): Promise<void> => {
    const watch = async <T>(part: string, fn: () => Promise<T>): Promise<string> => {
      const stalls: number[] = []
      let last = performance.now()
      const mon = setInterval(() => {
        const now = performance.now()
        if (now - last - 2 > 15) stalls.push(now - last - 2)
        last = now
      }, 2)
      const t0 = performance.now()
      const out = await fn()
      clearInterval(mon)
      stalls.sort((x, y) => y - x)
      return `${part} ${(performance.now() - t0).toFixed(0)} ms (${JSON.stringify(out)}), stalls > 15 ms: ${stalls.length}, ${stalls.reduce((x, y) => x + y, 0).toFixed(0)} ms in all, longest ${stalls.slice(0, 5).map((x) => x.toFixed(0)).join(', ')} ms`
    }
    const tick = await watch('tick', async () => {
      const r = await superviseTick(deps, deps.clock.now(), { pacer: new Pacer(SERVE_TICK_PACE) })
      return Object.values(r).reduce((x: number, y) => x + (typeof y === 'number' ? y : 0), 0)
    })
    const drain = await watch(`drain (batches of ${opt['drain-batch']})`, () =>
      drainAssessmentLog(deps, { kinds: [...new Set(kindCatalog.all.map((k) => k.id))], budgetMs: ASSESSMENT_DRAIN_BUDGET_MS, batch: Number(opt['drain-batch']) }),
    )
    console.log(`${label}: ${tick}; ${drain}; load ${await loadavg()}`)
  }
  const confirm = async (label: string, planId: string): Promise<void> => {
    const before = await stat()
    // Event-loop stalls over 15 ms while it runs (what every request in flight waits for at once).
    const stalls: { at: number; ms: number }[] = []
    let last = performance.now()
    const mon = setInterval(() => {
      const now = performance.now()
      if (now - last - 2 > 15) stalls.push({ at: now, ms: now - last - 2 })
      last = now
    }, 2)
    const t0 = performance.now()
    const res = await inject(supervisor, 'POST', `/api/plans/${planId}/confirm`, {})
    const ms = performance.now() - t0
    clearInterval(mon)
    if (res.status !== 200) throw new Error(`confirm: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`)
    const stallTotal = stalls.reduce((a, x) => a + x.ms, 0)
    const top = [...stalls].sort((a, b) => b.ms - a.ms).slice(0, 6).map((x) => x.ms.toFixed(0))
    console.log(`${label}: confirm ${ms.toFixed(0)} ms; stalls > 15 ms: ${stalls.length}, ${stallTotal.toFixed(0)} ms in all, longest ${top.join(', ')} ms; load ${await loadavg()}`)
    const after = await stat()
    const lines: string[] = []
    for (const [k, a] of after) {
      const b = before.get(k) ?? {}
      const d = Object.fromEntries(Object.entries(a).map(([f, v]) => [f, Math.round((v - (b[f] ?? 0)) * 10) / 10]).filter(([f, v]) => v !== 0 && f !== 'n_live_tup' && f !== 'n_dead_tup'))
      if (Object.keys(d).length) lines.push(`  ${k}: ${JSON.stringify(d)}${a['n_dead_tup'] !== undefined ? ` (live ${a['n_live_tup']}, dead ${a['n_dead_tup']})` : ''}`)
    }
    lines.sort()
    for (const l of lines) console.log(l)
  }
  const history = async (): Promise<void> => {
    const t0 = performance.now()
    const nReports = Number(opt.reports)
    const nReminds = Number(opt.reminds)
    const par = 8
    const runMany = async (n: number, one: (i: number) => Promise<void>): Promise<void> => {
      let next = 0
      await Promise.all(Array.from({ length: par }, async () => {
        while (next < n) await one(next++)
      }))
    }
    await runMany(nReports, async (i) => {
      const t = targets[i % targets.length]!
      const r = await inject(liaison[t.lead]!, 'POST', `/api/items/${t.id}/reports`, { text: `第${i}次报送：本月推进情况正常，已完成阶段目标。`, measures: { 完成率: 50 } })
      if (r.status !== 200) throw new Error(`report: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`)
    })
    await runMany(nReminds, async (i) => {
      const t = targets[i % targets.length]!
      const r = await inject(supervisor, 'POST', `/api/items/${t.id}/events`, { event: 'remind', payload: { text: `请加快进度（第${i}次）` } })
      if (r.status !== 200) throw new Error(`remind: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`)
    })
    const nTickets = Number(opt.tickets)
    if (nTickets > 0) {
      const operator = await login('hotline')
      await runMany(nTickets, async (i) => {
        const r = await inject(operator, 'POST', '/api/tickets', {
          requestType: 'complaint', urgency: 'normal', categoryCode: '01.01.01', requesterName: '张三', requesterPhone: '13812345678',
          address: '河滨路1号', placeUnitId: 'ql-hb', content: `路口傍晚有流动摊贩占道经营，影响通行（基准第${i}件）`, dispatch: { lead: 'yz-cgj' },
        })
        if (r.status !== 201) throw new Error(`ticket: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`)
      })
    }
    console.log(`history: ${nReports} reports, ${nReminds} reminds, ${nTickets} tickets in ${((performance.now() - t0) / 1000).toFixed(1)} s, load ${await loadavg()}`)
  }
  /**
   * Reports streaming (16 at a time, closed loop, in this process) for 5 s, then a confirm while they stream, then
   * 5 s more; `with` starts a scheduler round 1 s into the confirm: 'direct' (tick and drain as the round runs them,
   * no gate), 'gated' (startScheduler's round, which waits for the confirm: confirm-gate.ts) or 'none'.
   */
  const streamed = async (label: string, planId: string, withRound: string): Promise<void> => {
    const samples: [number, number][] = []
    const shed: number[] = []
    let stop = false
    let n = 0
    const loops = Array.from({ length: 16 }, async () => {
      while (!stop) {
        const t = targets[n++ % targets.length]!
        const t0 = performance.now()
        const r = await inject(liaison[t.lead]!, 'POST', `/api/items/${t.id}/reports`, { text: `第${n}次报送：本月推进情况正常。`, measures: { 完成率: 50 } })
        if (r.status === 503) {
          shed.push(t0) // shed at the door (PGlite's one write slot): counted apart, as `peer` does
          await new Promise((res) => setTimeout(res, 50))
          continue
        }
        if (r.status !== 200) throw new Error(`report: ${r.status}`)
        samples.push([t0, performance.now() - t0])
      }
    })
    await new Promise((r) => setTimeout(r, 5_000))
    const c0 = performance.now()
    let roundDone: Promise<unknown> = Promise.resolve()
    let roundFrom = 0
    let roundTo = 0
    const starter = setTimeout(() => {
      roundFrom = performance.now()
      if (withRound === 'direct') {
        roundDone = (async () => {
          await superviseTick(deps, deps.clock.now(), { pacer: new Pacer(SERVE_TICK_PACE) })
          await drainAssessmentLog(deps, { kinds: [...new Set(kindCatalog.all.map((k) => k.id))], budgetMs: ASSESSMENT_DRAIN_BUDGET_MS, batch: Number(opt['drain-batch']) })
          roundTo = performance.now()
        })()
      } else if (withRound === 'gated') {
        roundDone = new Promise<void>((resolve) => {
          const sch = startScheduler(deps, { everyMs: 3_600_000, onRound: () => void sch.stop().then(() => ((roundTo = performance.now()), resolve())) })
        })
      }
    }, 1_000)
    const res = await inject(supervisor, 'POST', `/api/plans/${planId}/confirm`, {})
    const c1 = performance.now()
    if (res.status !== 200) throw new Error(`confirm: ${res.status}`)
    await new Promise((r) => setTimeout(r, 5_000))
    stop = true
    clearTimeout(starter)
    await Promise.all(loops)
    await roundDone
    const p99 = (xs: number[]): number => { const s2 = [...xs].sort((a2, b2) => a2 - b2); return s2[Math.min(s2.length - 1, Math.floor(s2.length * 0.99))] ?? NaN }
    const within = (from: number, to: number): number[] => samples.filter(([t]) => t >= from && t < to).map(([, ms]) => ms)
    const before = within(0, c0)
    const during = within(c0, c1)
    const after = within(c1, Infinity)
    const ratio = p99(during) / ((p99(before) + p99(after)) / 2)
    const rnd = withRound === 'none' ? '' : `; round ${(roundFrom - c0).toFixed(0)} → ${(roundTo - c0).toFixed(0)} ms after the confirm's start`
    console.log(`${label} [${withRound}]: confirm ${(c1 - c0).toFixed(0)} ms${rnd}; reports p99 before ${p99(before).toFixed(1)} (${before.length}), during ${p99(during).toFixed(1)} (${during.length}), after ${p99(after).toFixed(1)} (${after.length}) ms = ${ratio.toFixed(2)}×; shed before/during/after ${shed.filter((x) => x < c0).length}/${shed.filter((x) => x >= c0 && x < c1).length}/${shed.filter((x) => x >= c1).length}; load ${await loadavg()}`)
  }
  console.log(`confirm-history: ${url ? 'PostgreSQL ' + dbName : 'PGlite'}, ${TASKS} tasks, load ${await loadavg()}`)
  if (opt.stream) {
    // e.g. --stream none,direct,gated,direct,gated: history before each, the same amount.
    for (const [i, mode] of opt.stream.split(',').entries()) {
      await history()
      await streamed(`stream ${i + 1}`, plans[i]!, mode)
    }
  } else {
    if (opt.round) await round('round at start')
    await confirm('fresh', plans[0]!)
    if (opt.round) await round('round after the fresh confirm (its new tasks)')
    await confirm('again', plans[1]!)
    for (let r = 0; r < rounds; r++) {
      await history()
      if (opt.round) await round(`round after history ${r + 1}`)
      await confirm(`after history ${r + 1}`, plans[r + 2]!)
    }
  }
  await sealer?.stop()
  await app.close()
} finally {
  await stats?.end()
  await db.close()
  if (admin && !opt.keep) {
    const c = new pg.Client({ connectionString: admin })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await c.end()
  }
}
