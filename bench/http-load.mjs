#!/usr/bin/env node
/**
 * An HTTP load generator in its own process (for bench/peer.bench.ts), driving autocannon (pinned in
 * package.json). Reads one JSON job as the first line of stdin:
 *   {base, connections, durationS, amount?, requests: [{method, path, token?, body?}]}
 * Each connection keeps one request in flight; every request takes the next entry of `requests` in turn
 * (round robin over all connections), and a body's `{n}` becomes a counter, so bodies can differ. With
 * `amount` it sends at most that many requests (then each entry is used at most once when amount ≤ the
 * list's length), and still stops after durationS. A line `stop` on stdin ends the run early.
 * Prints `started <epoch ms>` when the load starts, then `result <json>` with every request as
 * [startedAt epoch ms, ms, status] (status 0: abandoned — timed out after 30 s or its connection failed; -1: still unanswered when the run
 * stopped, with the time it had waited), the first three non-2xx answers, autocannon's own totals, and this
 * process's CPU (user + system ms) from the load's start to its end: on a machine whose cores the server shares
 * with its load, the load's CPU is part of what a request costs.
 */
import autocannon from 'autocannon'
import { createInterface } from 'node:readline'

/** A request unanswered this long counts as timed out (status 0); its connection is opened again. */
const TIMEOUT_S = 30

const lines = createInterface({ input: process.stdin })
let instance = null
let job = null
lines.on('line', (line) => {
  if (!job) {
    job = JSON.parse(line)
    start(job)
  } else if (line.trim() === 'stop' && instance) {
    instance.stop()
  }
})

function start(job) {
  const list = job.requests.map((r) => ({
    method: r.method,
    path: r.path,
    headers: { ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(r.token ? { authorization: `Bearer ${r.token}` } : {}) },
    body: r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
  }))
  let next = 0
  const samples = []
  const errors = []
  const inFlight = new Map()
  const opts = {
    url: job.base,
    connections: job.connections,
    pipelining: 1,
    timeout: TIMEOUT_S,
    // Each connection's request in flight, so a timeout, or a request still unanswered when the run stops,
    // is recorded too (status 0 and -1, with the time it had waited) instead of vanishing from the figures.
    // autocannon reconnects after a timeout or a connection error and sends the next request before it emits
    // 'timeout', so a new request on a connection whose last one got no answer is how an abandoned one shows.
    setupClient(client) {
      client.on('request', () => {
        const now = Date.now()
        const t = inFlight.get(client)
        if (t !== undefined) samples.push([t, now - t, 0])
        inFlight.set(client, now)
      })
    },
    duration: job.durationS,
    ...(job.amount ? { amount: job.amount } : {}),
    requests: [
      {
        setupRequest(req) {
          const n = next++
          const r = list[n % list.length]
          req.method = r.method
          req.path = r.path
          req.headers = { ...r.headers }
          if (r.body !== undefined) req.body = r.body.includes('{n}') ? r.body.replaceAll('{n}', String(n)) : r.body
          else delete req.body
          return req
        },
        // The first few answers that are not 2xx, so a failing route says why.
        onResponse(status, body) {
          if ((status < 200 || status > 299) && errors.length < 3) errors.push({ status, body: String(body).slice(0, 300) })
        },
      },
    ],
  }
  instance = autocannon(opts, (err, result) => {
    if (err) {
      process.stderr.write(`http-load: ${err.message}\n`)
      process.exit(1)
    }
    const endedAt = Date.now()
    const cpu = process.cpuUsage(cpuAtStart)
    for (const t of inFlight.values()) samples.push([t, endedAt - t, -1])
    const out = {
      startedAt,
      endedAt,
      samples,
      errors,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      autocannon: {
        total: result.requests.total,
        sent: result.requests.sent,
        averagePerSecond: result.requests.average,
        durationS: result.duration,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
        statusCodeStats: result.statusCodeStats,
      },
    }
    process.stdout.write(`result ${JSON.stringify(out)}\n`, () => process.exit(0))
  })
  instance.on('response', (client, statusCode, _bytes, responseTime) => {
    inFlight.delete(client)
    const end = Date.now()
    samples.push([Math.round((end - responseTime) * 100) / 100, Math.round(responseTime * 100) / 100, statusCode])
  })
  // With `amount`, autocannon ignores the duration: stop it ourselves when the time is up.
  if (job.amount) setTimeout(() => instance.stop(), job.durationS * 1000).unref()
  const startedAt = Date.now()
  const cpuAtStart = process.cpuUsage()
  process.stdout.write(`started ${startedAt}\n`)
}
