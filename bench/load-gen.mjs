#!/usr/bin/env node
/**
 * A load generator in its own process (for bench/tickets-intake.bench.ts): reads one JSON job on stdin,
 * `{base, path, token, count, workers, maxMs, contentPrefix, body}`, sends up to `count` POST requests to base + path with
 * `workers` requests in flight (fetch, keep-alive), each body = `body` with `content` = contentPrefix + n,
 * none started after `maxMs`, and prints `{wallMs, samples: [[ms, status], …]}` as JSON on stdout. No dependencies: plain Node.
 */
import { performance } from 'node:perf_hooks'

let input = ''
for await (const chunk of process.stdin) input += chunk
const job = JSON.parse(input)
const samples = []
let next = 0
const t0 = performance.now()
await Promise.all(
  Array.from({ length: job.workers }, async () => {
    while (next < job.count && !(job.maxMs && performance.now() - t0 > job.maxMs)) {
      const n = ++next
      const body = JSON.stringify({ ...job.body, content: `${job.contentPrefix}${n}` })
      const s = performance.now()
      const res = await fetch(`${job.base}${job.path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` }, body })
      await res.arrayBuffer()
      samples.push([performance.now() - s, res.status])
    }
  }),
)
process.stdout.write(JSON.stringify({ wallMs: performance.now() - t0, samples }))
