/**
 * `duban dispatch duplicates-evaluate`: run as a user runs it (a child process), it prints precision and recall on
 * the labelled sets that agree with the in-process evaluation, takes --threshold and --json, and refuses a bad file
 * or argument with a non-zero exit and a message naming the problem.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jiebaTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { evaluateDuplicates } from '../../src/app/tickets/duplicates-evaluate.ts'
import { DUPLICATE_DEFAULTS, parsePairs } from '../../src/domain/tickets/duplicates.ts'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(repo, 'bin', 'duban.js')

function duban(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env }
  delete env['DATABASE_URL']
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

const figures = (stdout: string): { precision: number; recall: number } => {
  const m = /^precision ([\d.]+)\s+recall ([\d.]+)/m.exec(stdout)
  if (!m) throw new Error(`no figures in: ${stdout}`)
  return { precision: Number(m[1]), recall: Number(m[2]) }
}

describe('duban dispatch duplicates-evaluate', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'duban-dup-'))
  }, 300_000)
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  for (const set of ['dev', 'test']) {
    it(`prints precision and recall on ${set}.jsonl as the evaluation in process gives them`, async () => {
      const file = join(repo, 'test', 'fixtures', 'duplicates', `${set}.jsonl`)
      const { pairs } = parsePairs(await readFile(file, 'utf8'))
      const want = evaluateDuplicates(jiebaTokenize, pairs)
      const r = await duban(['dispatch', 'duplicates-evaluate', file])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`pairs ${pairs.length} (duplicates ${want.positives}, unrelated ${pairs.length - want.positives}), threshold ${DUPLICATE_DEFAULTS.threshold}`)
      expect(figures(r.stdout)).toEqual({ precision: Number(want.precision!.toFixed(3)), recall: Number(want.recall!.toFixed(3)) })
    }, 120_000)
  }

  it('takes --threshold and --json', async () => {
    const file = join(repo, 'test', 'fixtures', 'duplicates', 'test.jsonl')
    const r = await duban(['dispatch', 'duplicates-evaluate', file, '--threshold', '0.9', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as { threshold: number; truePositives: number; falsePositives: number; precision: number | null }
    expect(out.threshold).toBe(0.9)
    // Nothing in the set is that alike: no pair is said to be a duplicate, so precision has no value.
    expect(out).toMatchObject({ truePositives: 0, falsePositives: 0, precision: null })
  }, 120_000)

  it('refuses a bad line, a missing file and a bad threshold', async () => {
    const bad = join(dir, 'bad.jsonl')
    await writeFile(bad, '{"a":"路灯不亮","b":"照明坏了","duplicate":true}\n{"a":"x"}\n')
    const r1 = await duban(['dispatch', 'duplicates-evaluate', bad])
    expect(r1.code).toBe(1)
    expect(r1.stderr).toContain('line 2')
    const r2 = await duban(['dispatch', 'duplicates-evaluate', join(dir, 'none.jsonl')])
    expect(r2.code).toBe(1)
    expect(r2.stderr).toContain('cannot read')
    const r3 = await duban(['dispatch', 'duplicates-evaluate', bad, '--threshold', '2'])
    expect(r3.code).toBe(2)
    expect(r3.stderr).toContain('--threshold')
  }, 120_000)
})
