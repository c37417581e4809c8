/**
 * `duban bench [NAME…|all] [--runs N]`: runs the benchmarks (基准测试) found in bench/ — every
 * `bench/<name>.bench.ts` exporting `benchmark` — prints their numbers and writes each to
 * bench/results/<name>.json with the date, Node version and machine.
 */
import { randomBytes } from 'node:crypto'
import { arch, cpus, loadavg, platform } from 'node:os'
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { Benchmark } from '../../../bench/bench.types.ts'

const benchDir = fileURLToPath(new URL('../../../bench/', import.meta.url))

const USAGE = `usage: duban bench [NAME…|all] [--runs N]

Runs benchmarks from bench/<name>.bench.ts (all of them by default) and writes
bench/results/<name>.json with the date, Node version, machine and the load average
before and after. Each reports the median of N timed runs after a warm-up; the load
benchmarks (peer) run for BENCH_SECONDS per load instead (default 5).

options:
  --runs N     timed runs per benchmark (default 7, at least 5)
  -h, --help   show this help`

/** Runs `duban bench`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { runs: { type: 'string', default: '7' }, help: { type: 'boolean', short: 'h', default: false } } })
  } catch (e) {
    process.stderr.write(`duban bench: ${(e as Error).message}\n\n${USAGE}\n`)
    return 2
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  const runs = Number(parsed.values.runs)
  if (!Number.isInteger(runs) || runs < 5) {
    process.stderr.write(`duban bench: --runs must be an integer of at least 5\n`)
    return 2
  }
  const available = await discover()
  const wanted = parsed.positionals.length === 0 || parsed.positionals.includes('all') ? [...available.keys()] : parsed.positionals
  const unknown = wanted.filter((n) => !available.has(n))
  if (unknown.length) {
    process.stderr.write(`duban bench: unknown benchmark ${unknown.join(', ')}; available: ${[...available.keys()].join(', ') || 'none'}\n`)
    return 2
  }

  let failed = 0
  for (const name of wanted) {
    const mod = (await import(pathToFileURL(available.get(name)!).href)) as { benchmark?: Benchmark }
    const bench = mod.benchmark
    if (!bench) {
      process.stderr.write(`duban bench: ${name}: the module exports no 'benchmark'\n`)
      failed++
      continue
    }
    process.stdout.write(`== ${bench.name}: ${bench.description}\n`)
    // The load before the run says how far other work on the machine may have skewed it.
    const loadBefore = loadavg()
    try {
      const report = await bench.run({ runs, log: (line) => process.stdout.write(line + '\n') })
      const record = {
        benchmark: bench.name,
        date: new Date().toISOString(),
        command: `npm run bench -- ${bench.name}`,
        node: process.version,
        machine: {
          cores: cpus().length,
          cpu: cpus()[0]?.model ?? 'unknown',
          platform: platform(),
          arch: arch(),
          loadAverage1mBefore: round2(loadBefore[0]!),
          // 1, 5 and 15 minutes, before and after: other work on the machine shows in all three.
          loadAverageBefore: loadBefore.map(round2),
          loadAverageAfter: loadavg().map(round2),
        },
        runs,
        summary: report.summary,
        ...report.data,
      }
      const out = join(benchDir, 'results', `${bench.name}.json`)
      await writeAtomic(out, JSON.stringify(record, null, 2) + '\n')
      process.stdout.write(`${bench.name}: ${report.summary}\n   written to bench/results/${bench.name}.json\n`)
    } catch (e) {
      // The stack, not only the message: a benchmark is a developer's tool, and "Maximum call stack size exceeded" alone says nowhere.
      process.stderr.write(`duban bench: ${name}: ${(e as Error).stack ?? (e as Error).message}\n`)
      failed++
    }
  }
  return failed ? 1 : 0
}

/** Benchmark modules in bench/: `api.bench.ts` → `api`. */
async function discover(): Promise<Map<string, string>> {
  const names = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts')).sort()
  return new Map(names.map((f) => [f.slice(0, -'.bench.ts'.length), join(benchDir, f)]))
}

const round2 = (x: number): number => Math.round(x * 100) / 100

async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, content)
  await rename(tmp, path)
}
