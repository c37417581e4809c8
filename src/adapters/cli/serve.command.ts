/**
 * `duban serve`: opens the database (DATABASE_URL, else PGlite in --data), migrates it, serves the
 * API (and /docs) until SIGINT/SIGTERM, then closes the server and the database cleanly.
 */
import { jiebaSearchTokenize } from '../text/jieba.tokenize.ts'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildServer } from '../http/server.ts'
import { startScheduler, tickPaceFromEnv } from '../../app/supervision/scheduler.ts'
import { parseAllowNets } from '../../app/supervision/webhook-target.ts'
import { indexPendingTickets, START_INDEX_TICKETS } from '../../app/tickets/ticket-search.ts'
import { soleLeader } from '../../persistence/leadership.ts'
import { pgLeadership } from '../../persistence/supervision-leader.repo.ts'
import { listenRoundSoon } from '../../persistence/round-soon.channel.ts'
import { ROUND_AFTER_CONFIRM_MS } from '../../app/supervision/round-soon.ts'
import { calendarCoverage } from '../../app/calendar/calendar-coverage.ts'
import { startSealer } from '../../app/audit/seal-audit.ts'
import type { AppDeps } from '../../app/deps.ts'
import { DEFAULT_DATA_DIR, openCliDb } from './cli-db.ts'
import { collectStartGarbage } from './start-gc.ts'
import { isPrepareOnly, prepareInChild } from './prepare-child.ts'

const USAGE = `usage: duban serve [--port N] [--host H] [--data DIR] [--demo]

Serves the duban API under /api and its documentation at /docs.
With DATABASE_URL set the data lives in that PostgreSQL database; otherwise in an embedded
PGlite database in DIR (default ${DEFAULT_DATA_DIR}). Migrations run at start.

options:
  -p, --port N     port to listen on (default 3000; 0 picks a free one)
      --host H     address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
      --data DIR   PGlite data directory (ignored with DATABASE_URL)
      --demo       seed the demo city 云州市, its users and sample data when missing
      --trust-proxy V  trust X-Forwarded-For/-Proto/-Host from a reverse proxy: 'true', or its
                   addresses/CIDRs comma-separated (env DUBAN_TRUST_PROXY; default off)
      --secure-cookie M  Secure on the session cookie: auto (when the request is HTTPS), always,
                   never (env DUBAN_SECURE_COOKIE; default auto)
  -h, --help       show this help

Several processes may serve one PostgreSQL: the supervision tick, webhook delivery and the NATS publisher
run in the one holding the leader lock (docs/scaling.md). DUBAN_NATS_URL (e.g. nats://127.0.0.1:4222)
publishes every item change to NATS JetStream; DUBAN_NATS_UNITS (unit ids, or *) creates their consumers.`

/**
 * A numeric setting from the environment: unset or blank gives undefined (off); otherwise a finite number > 0
 * (or exactly 0, meaning off, when `zeroIsOff`), else an error naming the setting.
 */
export function positiveSetting(name: string, text: string | undefined, zeroIsOff: boolean): number | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const n = Number(text)
  if (zeroIsOff && n === 0) return undefined
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number above 0${zeroIsOff ? ' (or 0 for off)' : ''}, got ${text}`)
  return n
}

/** The server log's levels (pino's); another LOG_LEVEL made Fastify throw a stack trace after the database was opened. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Runs `duban serve`; resolves with the exit code after a signal stops it. */
export async function run(args: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args,
      options: {
        port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
        host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
        data: { type: 'string', default: process.env.DUBAN_DATA ?? DEFAULT_DATA_DIR },
        demo: { type: 'boolean', default: false },
        'trust-proxy': { type: 'string', default: process.env.DUBAN_TRUST_PROXY ?? '' },
        'secure-cookie': { type: 'string', default: process.env.DUBAN_SECURE_COOKIE ?? 'auto' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values
  } catch (e) {
    process.stderr.write(`duban serve: ${(e as Error).message}\n${USAGE}\n`)
    return 2
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`duban serve: --port must be 0–65535, not '${values.port}'\n`)
    return 2
  }

  const secure = values['secure-cookie'] as string
  if (!['auto', 'always', 'never'].includes(secure)) {
    process.stderr.write(`duban serve: --secure-cookie must be auto, always or never, not '${secure}'\n`)
    return 2
  }
  let tickPace
  try {
    tickPace = tickPaceFromEnv()
  } catch (e) {
    process.stderr.write(`duban serve: ${(e as Error).message}\n`)
    return 2
  }
  // Numeric settings are read here, at start: a malformed one (NaN, negative) would otherwise turn the feature off
  // silently, or with DUBAN_MAX_LAG_MS=0 shed every limited request.
  let maxLagMs: number | undefined
  const logLevel = process.env.LOG_LEVEL?.trim() || 'warn'
  let memoryLogS: number
  try {
    maxLagMs = positiveSetting('DUBAN_MAX_LAG_MS', process.env.DUBAN_MAX_LAG_MS, false)
    memoryLogS = positiveSetting('DUBAN_MEMORY_LOG_S', process.env.DUBAN_MEMORY_LOG_S, true) ?? 0
    parseAllowNets(process.env.DUBAN_WEBHOOK_ALLOW_NETS)
    if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`)
  } catch (e) {
    process.stderr.write(`duban serve: ${(e as Error).message}\n`)
    return 2
  }
  const trust = (values['trust-proxy'] as string).trim()
  const trustProxy = trust === '' || trust === 'false' ? false : trust === 'true' ? true : trust

  const dataDir = values.data as string
  // (An in-memory PGlite, ':memory:', would lose its data on a reopen.)
  const onPglite = !process.env.DATABASE_URL && dataDir !== ':memory:'
  // A fresh PGlite directory runs initdb and every migration; --demo seeds data: both grow PGlite's wasm heap,
  // which never shrinks.
  const heavyStart = onPglite && (values.demo || !existsSync(join(dataDir, 'PG_VERSION')))
  // So that heap and what the seed loads stay out of the server, they happen in a child `duban serve` that prepares
  // the directory and exits (prepare-child.ts); this process then opens it as a restart does.
  const prepareOnly = isPrepareOnly()
  const inChild = heavyStart && !prepareOnly
  if (inChild) {
    try {
      await prepareInChild(args)
    } catch (e) {
      process.stderr.write(`duban serve: ${(e as Error).message}\n`)
      return 1
    }
  }
  // The server's PGlite backend runs in a worker thread (two writes in flight share the two cores; security.plugin.ts
  // DEFAULT_CONCURRENCY 'pglite-worker'); the child that only prepares the directory keeps it on its own thread.
  const db = await openCliDb(dataDir, prepareOnly ? 'main' : 'worker')
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
  if (values.demo && !inChild) {
    // Loaded only with --demo: the corpus drafts read documents (jszip, xlsx) that a plain server never needs at start.
    const { seedDemo } = await import('../../app/demo/seed-demo.ts')
    const { seedCorpusDrafts } = await import('./seed-corpus.ts')
    for (const line of await seedDemo(deps, { searchTokenize: jiebaSearchTokenize })) process.stdout.write(line + '\n')
    for (const line of await seedCorpusDrafts(deps)) process.stdout.write(line + '\n')
  }

  if (prepareOnly) {
    await db.close()
    return 0
  }
  // Start-up leaves hundreds of MB of garbage (PGlite's initdb and bundles, the closed instance, the demo seed):
  // freed before serving (docs/scaling.md, idle memory).
  collectStartGarbage()
  const app = await buildServer(deps, {
    logger: { level: logLevel },
    trustProxy,
    security: { cookieSecure: secure === 'auto' ? 'auto' : secure === 'always', ...(maxLagMs !== undefined ? { maxEventLoopLagMs: maxLagMs } : {}) },
  })
  await app.listen({ port, host: values.host as string })
  // Supervision (督办巡查) and webhook delivery once a minute, while the server runs.
  // Several processes on one PostgreSQL (docs/scaling.md): scheduled jobs run in the one holding the leader lock.
  const leader = process.env.DATABASE_URL ? pgLeadership(process.env.DATABASE_URL) : soleLeader
  // A confirm in another process asks this one's scheduler for an early round too (NOTIFY/LISTEN, round-soon.channel.ts):
  // the round runs only in the leader, which may be this process or another.
  const pgUrl = process.env.DATABASE_URL
  const asks = pgUrl
    ? (soon: (delayMs: number) => void) =>
        listenRoundSoon(pgUrl, soon, { fallbackMs: ROUND_AFTER_CONFIRM_MS, onError: (e) => process.emitWarning(`round-soon listener: ${(e as Error).message}`) })
    : undefined
  const scheduler = startScheduler(deps, { leader, tickPace, ...(asks ? { asks } : {}) })
  // Every item change to NATS JetStream (全量数据推送) when DUBAN_NATS_URL is set.
  const nats = process.env.DUBAN_NATS_URL ? await (await import('../nats/nats-events.start.ts')).startNatsEvents(deps, process.env.DUBAN_NATS_URL, leader) : null
  // The audit sealer (docs/audit.md): links new audit rows into the hash chain every second.
  const sealer = startSealer(db, { onError: (e) => process.emitWarning(`audit sealer: ${(e as Error).message}`) })
  // DUBAN_MEMORY_LOG_S=N: the process's memory every N seconds on stderr (what an RSS peak is made of: V8's heap,
  // buffers outside it, PGlite's wasm memory in rss only; docs/scaling.md section 5).
  const memoryLog = memoryLogS > 0 ? setInterval(() => process.stderr.write(memoryLine() + '\n'), memoryLogS * 1000).unref() : null
  const addr = app.server.address()
  const boundPort = typeof addr === 'object' && addr ? addr.port : port
  const shownHost = values.host === '0.0.0.0' || values.host === '::' ? 'localhost' : (values.host as string)
  const where = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${values.data}, backend ${db.thread === 'worker' ? 'in a worker thread' : 'on the main thread'}`
  process.stdout.write(`duban: serving on http://${shownHost}:${boundPort} (API /api, docs /docs; data: ${where})\n`)
  // Due dates in a year with no State Council notice are unverified: say so where the admin looks first.
  const coverage = await calendarCoverage(deps)
  if (coverage.message) process.stderr.write(`duban: warning: ${coverage.message}\n`)
  // Chinese ticket search (工单检索): tickets received before migration 103, or by another process, get their words
  // in the background, bounded; a search also indexes a bounded batch of what is left before it runs.
  let backfillStopped = false
  const backfill = indexPendingTickets(db, jiebaSearchTokenize, START_INDEX_TICKETS, () => backfillStopped)
    .then((n) => (n ? process.stdout.write(`duban: indexed ${n} tickets for search\n`) : undefined))
    .catch((e: unknown) => process.emitWarning(`ticket search index: ${(e as Error).message}`))

  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      process.stdout.write(`duban: ${signal}, shutting down\n`)
      app
        .close()
        .then(() => scheduler.stop())
        .then(() => nats?.stop())
        .then(() => sealer.stop())
        .then(() => leader.release())
        .then(() => ((backfillStopped = true), backfill))
        .then(() => db.close())
        .then(() => (memoryLog ? clearInterval(memoryLog) : undefined))
        .then(() => resolve(0))
        .catch((e: unknown) => {
          process.stderr.write(`duban: shutdown failed: ${(e as Error).message}\n`)
          resolve(1)
        })
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
}

/** One line of process.memoryUsage() in MB (DUBAN_MEMORY_LOG_S). */
function memoryLine(): string {
  const m = process.memoryUsage()
  const mb = (x: number): string => (x / 1048576).toFixed(0)
  return `duban: memory rss ${mb(m.rss)} MB, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB (array buffers ${mb(m.arrayBuffers)} MB)`
}
