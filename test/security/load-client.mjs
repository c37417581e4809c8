// A load generator for the overload check (issue 11), run as its own process: `node load-client.mjs '<json>'`.
// Opens `connections` keep-alive TCP connections to `url` (all of them before the first request), then sends
// `GET path` on each, back to back, for `warmupMs` (not recorded) and then `durationMs` (or `requests` in all
// after `warmup` requests); every answer is timed from the moment its request is written to its last byte.
// Plain sockets and a minimal HTTP/1.1 reader keep the client's own cost per request small.
// On 503/429 a connection sends its next request at once (`retry: 'at-once'`, a client that ignores the
// answer) or after the Retry-After seconds (`retry: 'after'`, what Retry-After asks for).
// Prints one JSON line: { samples: [[status, ms], …], errors, connects }.
import net from 'node:net'

const opts = JSON.parse(process.argv[2] ?? '{}')
const { url, path = '/api/units', token = '', connections = 1, durationMs = 0, warmupMs = 0, requests = 0, warmup = 0, retry = 'at-once' } = opts
const target = new URL(url)
const head = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${target.host}\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}Accept: application/json\r\n\r\n`)
const samples = []
let errors = 0
let connects = 0
let sent = 0
let recordFrom = Number.POSITIVE_INFINITY
let deadline = Number.POSITIVE_INFINITY
const more = () => performance.now() < deadline && (!requests || sent < requests + warmup)

function open() {
  return new Promise((resolve) => {
    connects++
    const s = net.connect({ host: target.hostname, port: Number(target.port) })
    s.setNoDelay(true)
    s.once('connect', () => resolve(s))
    s.once('error', () => {
      errors++
      resolve(null)
    })
  })
}

function run(socket) {
  return new Promise((done) => {
    let buf = Buffer.alloc(0)
    let t0 = 0
    let record = false
    const attach = (s) => {
      s.on('data', onData)
      s.on('error', () => {})
      s.on('close', () => {
        if (s !== socket || !t0) return
        errors++ // closed before the answer was whole
        t0 = 0
        socket = null
        if (more()) setTimeout(next, 10)
        else done()
      })
    }
    const next = async () => {
      if (!more()) {
        socket?.destroy()
        return done()
      }
      if (!socket || socket.destroyed || socket.closing) {
        socket = await open()
        if (!socket) return setTimeout(next, 10)
        attach(socket)
      }
      sent++
      record = requests ? sent > warmup : performance.now() >= recordFrom
      buf = Buffer.alloc(0)
      t0 = performance.now()
      socket.write(head)
    }
    const onData = (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      const headers = buf.subarray(0, end).toString('latin1')
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0)
      if (buf.length < end + 4 + length) return
      const ms = performance.now() - t0
      t0 = 0
      const status = Number(headers.slice(9, 12))
      const retryAfter = Number(/\r\nretry-after:\s*(\d+)/i.exec(headers)?.[1] ?? 0)
      if (record) samples.push([status, Math.round(ms * 1000) / 1000, retryAfter])
      if (/\r\nconnection:\s*close/i.test(headers)) {
        socket.closing = true
        socket.end()
      }
      if ((status === 503 || status === 429) && retry === 'after' && retryAfter > 0) setTimeout(next, retryAfter * 1000)
      else setImmediate(next)
    }
    if (socket) attach(socket)
    next()
  })
}

const sockets = await Promise.all(Array.from({ length: connections }, open))
const start = performance.now()
recordFrom = start + warmupMs
if (durationMs) deadline = start + warmupMs + durationMs
await Promise.all(sockets.map(run))
process.stdout.write(JSON.stringify({ samples, errors, connects }) + '\n')
