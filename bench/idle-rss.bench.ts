/**
 * Idle server memory on PGlite (issue 7: idle server RSS ≤ 400 MB on PGlite). Starts `duban serve` as its own
 * process on a fresh data directory, waits until it serves and then IDLE_RSS_WAIT_S seconds (default 20) idle,
 * reads VmRSS and VmHWM (the peak) from /proc, stops it with SIGTERM, and starts it again on the same directory
 * (a restart); then the same with --demo. One sample per case (each start takes a minute on a loaded machine):
 * the figure is a level, not a distribution. Linux only (/proc).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Benchmark } from './bench.types.ts'

const repo = fileURLToPath(new URL('..', import.meta.url))
const LIMIT_MB = 400

type Sample = { case: string; rssMb: number; peakMb: number; startS: number; load1m: number }

/** kB figure of one /proc/<pid>/status field, in MB. */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`)
  return Math.round(Number(m[1]) / 1024)
}

/** One start of `duban serve` on `dir`: RSS after it has served and idled `idleMs`. */
async function idleServer(dir: string, demo: boolean, idleMs: number, label: string): Promise<Sample> {
  const env = { ...process.env }
  delete env.DATABASE_URL // PGlite is what is measured
  const args = ['bin/duban.js', 'serve', '--port', '0', '--data', dir, ...(demo ? ['--demo'] : [])]
  const child = spawn(process.execPath, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const t0 = Date.now()
  let out = ''
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString()
        if (out.includes('serving on')) resolve()
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', (b: Buffer) => (out += b.toString()))
      child.once('exit', (code) => reject(new Error(`duban serve exited (${code}) before serving:\n${out.slice(-2000)}`)))
    })
    const startS = (Date.now() - t0) / 1000
    await new Promise((r) => setTimeout(r, idleMs))
    const pid = child.pid as number
    return { case: label, rssMb: statusMb(pid, 'VmRSS'), peakMb: statusMb(pid, 'VmHWM'), startS: Math.round(startS), load1m: Math.round(loadavg()[0]! * 10) / 10 }
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
}

/** The `idle-rss` benchmark. */
export const benchmark: Benchmark = {
  name: 'idle-rss',
  description: `idle \`duban serve\` RSS on PGlite, fresh data directory and after a restart, with and without --demo (goal ≤ ${LIMIT_MB} MB)`,
  async run({ log }) {
    const idleMs = Number(process.env.IDLE_RSS_WAIT_S ?? 20) * 1000
    const samples: Sample[] = []
    for (const demo of [false, true]) {
      const dir = join(mkdtempSync(join(tmpdir(), 'duban-idle-rss-')), 'data')
      try {
        for (const phase of ['fresh', 'restart']) {
          const s = await idleServer(dir, demo, idleMs, `${phase}${demo ? ' --demo' : ''}`)
          samples.push(s)
          log(`idle-rss: ${s.case}: RSS ${s.rssMb} MB (peak ${s.peakMb} MB), served after ${s.startS} s, load average ${s.load1m}`)
        }
      } finally {
        rmSync(join(dir, '..'), { recursive: true, force: true })
      }
    }
    const worst = Math.max(...samples.map((s) => s.rssMb))
    return {
      summary: `idle RSS ${samples.map((s) => `${s.case} ${s.rssMb} MB`).join(', ')}; worst ${worst} MB (goal ≤ ${LIMIT_MB} MB)`,
      data: { idleSeconds: idleMs / 1000, limitMb: LIMIT_MB, samples },
    }
  },
}
