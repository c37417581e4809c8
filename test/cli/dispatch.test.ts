/**
 * `duban dispatch` end to end, in a child process on the demo city's files (no database): `evaluate` prints
 * top-1 and top-3 by function on the held-out evaluation sets of test/fixtures/dispatch (see its README), above
 * floors a little under what the model reaches today; `suggest` writes one JSON line per input line.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(repo, 'bin/duban.js')
const sets = 'test/fixtures/dispatch'

function duban(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Always PGlite in --data: a DATABASE_URL in the test's environment must not receive the demo units.
    const { DATABASE_URL: _ignored, ...env } = process.env
    const child = execFile(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    })
    child.stdin?.end(input ?? '')
  })
}

/** The overall figures from the printed summary line `top-1 0.583  top-3 0.708  (…)`. */
function overall(stdout: string): { top1: number; top3: number } {
  const m = /^top-1 ([\d.]+)\s+top-3 ([\d.]+)/m.exec(stdout)
  if (!m) throw new Error(`no summary line in:\n${stdout}`)
  return { top1: Number(m[1]), top3: Number(m[2]) }
}

describe('duban dispatch', () => {
  it('evaluates the held-out demo requests by function after training on the other half', async () => {
    const r = await duban(['dispatch', 'evaluate', `${sets}/demo-heldout.jsonl`, '--train', `${sets}/demo-train.jsonl`, '--demo'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // One row per function in the set: top-1 (its recall), top-3, precision of being first (— if never), times first, n.
    expect(r.stdout).toMatch(/^\s*[\d.]+%\s+[\d.]+%\s+(?:[\d.]+%|—)\s+\d+\s+\d+\s+城市管理$/m)
    expect(r.stdout).toMatch(/^\s*[\d.]+%\s+[\d.]+%\s+(?:[\d.]+%|—)\s+\d+\s+\d+\s+街道乡镇$/m)
    const o = overall(r.stdout)
    expect(o.top1).toBeGreaterThanOrEqual(0.5)
    expect(o.top3).toBeGreaterThanOrEqual(0.65)
  }, 60_000)

  it('evaluates real plan items from another source (corpus lead units) by function', async () => {
    const r = await duban(['dispatch', 'evaluate', `${sets}/corpus-plans.jsonl`, '--train', `${sets}/demo-train.jsonl`, '--demo', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { overall: { n: number; top1: number; top3: number }; units: { top1: number }; byFunction: Record<string, { n: number }> }
    expect(report.overall.n).toBe(Object.values(report.byFunction).reduce((a, f) => a + f.n, 0))
    expect(report.byFunction['生态环境']?.n).toBeGreaterThan(0)
    // Plan items name no place: by the units suggested (no 街道乡镇 unit without one), and by the functions ranked.
    expect(report.units.top1).toBeGreaterThanOrEqual(0.5)
    expect(report.overall.top3).toBeGreaterThanOrEqual(0.75)
  }, 60_000)

  it('evaluates real requests from other cities (public letters, test half) by function on a cold start', async () => {
    const r = await duban(['dispatch', 'evaluate', `${sets}/public-letters-test.jsonl`, '--demo', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { overall: { n: number; top1: number; top3: number }; units: { top1: number; top3: number } }
    expect(report.overall.n).toBe(42)
    // 29 of 42 since the function model's smoothing went from 0.1 to 1 (was 30 of 42, 0.714): a letter lost here; 30 of
    // 42 (0.714) just before the dispatch catalogue per function, 31 (0.738) with it (2026-12-02 13:05 UTC).
    expect(report.overall.top1).toBeGreaterThanOrEqual(0.69)
    expect(report.overall.top3).toBeGreaterThanOrEqual(0.85)
    // The units suggested miss every 街道乡镇 letter: their places are not in the demo city.
    expect(report.units.top3).toBeLessThan(report.overall.top3)
  }, 60_000)

  it('evaluates requests from cities it was never taught (letters split by city) and reports the calibration', async () => {
    const r = await duban(['dispatch', 'evaluate', `${sets}/cities-test.jsonl`, '--demo', '--train', `${sets}/cities-train.jsonl`, '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as {
      trained: number
      overall: { n: number; top1: number; top3: number }
      calibration: { bands: { n: number }[]; expectedError: number }
      calibrationByRank: { bands: { n: number; meanConfidence: number }[]; expectedError: number }[]
    }
    expect(report.trained).toBe(87)
    expect(report.overall.n).toBe(98)
    // Floors under today's 0.633 / 0.847 (with the dispatch catalogue per function, 2026-12-02 13:05 UTC; 0.643 / 0.827
    // before it, 0.643 / 0.837 before the generic-word stop list; one letter is about 0.01; 0.653 / 0.816 before the
    // smoothing of 1, word pairs and the township raised only from fifth place; before the township was always among the three
    // 0.653 / 0.837, before the generic function responsibilities 0.633 / 0.806).
    expect(report.overall.top1).toBeGreaterThanOrEqual(0.6)
    expect(report.overall.top3).toBeGreaterThanOrEqual(0.78)
    expect(report.calibration.bands.reduce((a, b) => a + b.n, 0)).toBe(98)
    expect(report.calibration.expectedError).toBeLessThan(0.3)
    // Every shown rank is calibrated (CALIBRATION_RANKS_TAUGHT): the second and third are scored like the first.
    expect(report.calibrationByRank).toHaveLength(3)
    expect(report.calibrationByRank[0]).toEqual(report.calibration)
    for (const k of [1, 2]) {
      expect(report.calibrationByRank[k]!.bands.reduce((a, b) => a + b.n, 0)).toBe(98)
      expect(report.calibrationByRank[k]!.expectedError).toBeLessThan(0.15)
    }
    const text = await duban(['dispatch', 'evaluate', `${sets}/cities-test.jsonl`, '--demo'])
    expect(text.stdout).toMatch(/^confidence of the first function: .*calibration error [\d.]+\)$/m)
    expect(text.stdout).toMatch(/^confidence of the second function: .*calibration error [\d.]+\)$/m)
    expect(text.stdout).toMatch(/^calibration error by rank: 1st [\d.]+ {2}2nd [\d.]+ {2}3rd [\d.]+$/m)
    // Two evaluations in child processes: at load average 35–45 on 2 cores they took over 60 s together.
  }, 180_000)

  it('cross-validates a file: every line is scored once, by a model that was not taught it', async () => {
    const r = await duban(['dispatch', 'evaluate', `${sets}/demo-train.jsonl`, '--folds', '4', '--demo', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { folds: number; overall: { n: number; top1: number; top3: number } }
    expect(report.folds).toBe(4)
    expect(report.overall.n).toBe(59)
    expect(report.overall.top3).toBeGreaterThanOrEqual(report.overall.top1)
    expect(report.overall.top3).toBeGreaterThan(0.5)
  }, 60_000)

  it('writes one JSON line per input line, an error line for a bad one', async () => {
    const input = ['{"text":"楼道里闻到很浓的燃气味","address":"青龙区河滨路128号"}', 'not json', '{"text":"路口流动摊贩占道经营","address":"白虎区东城大道218号"}', ''].join('\n')
    const r = await duban(['dispatch', 'suggest', '--demo'], input)
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { suggestions?: { unit: { id: string; function: string }; confidence: number }[]; error?: string })
    expect(lines).toHaveLength(3)
    expect(lines[0]?.suggestions?.[0]?.unit).toMatchObject({ id: 'yz-rq', function: '燃气' })
    expect(lines[1]?.error).toMatch(/line 2/)
    expect(lines[2]?.suggestions?.[0]?.unit).toMatchObject({ id: 'bh-cgj', function: '城市管理' })
    expect(lines[2]?.suggestions?.length).toBeLessThanOrEqual(3)
  }, 60_000)

  it('suggests from a database whose units got their duties from a file', async () => {
    const data = await mkdtemp(join(tmpdir(), 'duban-dispatch-'))
    try {
      const env = ['--data', data]
      expect((await duban(['units', 'import', 'demo/units.csv', ...env])).code).toBe(0)
      const duties = await duban(['dispatch', 'duties', 'demo/hotline/duties.json', ...env])
      expect(duties.stdout).toContain('duties written for 60 units')
      const r = await duban(['dispatch', 'suggest', ...env], '{"text":"小区燃气管道漏气，闻到燃气味","address":"白虎区东城街道"}\n')
      expect(r.code).toBe(0)
      const first = (JSON.parse(r.stdout) as { suggestions: { unit: { id: string } }[] }).suggestions[0]
      expect(first?.unit.id).toBe('yz-rq')
      // The database's model evaluates too: functions ranked, then the units suggested.
      const e = await duban(['dispatch', 'evaluate', `${sets}/public-letters-test.jsonl`, ...env, '--json'])
      expect(e.code).toBe(0)
      const report = JSON.parse(e.stdout) as { overall: { n: number; top1: number; top3: number }; units: { n: number; top3: number } }
      expect(report.overall.n).toBe(42)
      expect(report.units.n).toBe(42)
      expect(report.overall.top3).toBeGreaterThan(report.units.top3)
    } finally {
      await rm(data, { recursive: true, force: true })
    }
  }, 240_000)

  it('names a missing file', async () => {
    const r = await duban(['dispatch', 'evaluate', `${sets}/no-such.jsonl`, '--demo'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no-such.jsonl')
  }, 60_000)
})
