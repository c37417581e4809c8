/**
 * Scores the plan reader against the gold annotations of ../shared/corpus with the project's
 * scorer (../shared/eval/score.mjs). Skipped, with a note, when the shared corpus is absent.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { extractPlan } from './extract.ts'
import { toGold } from './gold-format.ts'

const shared = join(import.meta.dirname, '../../../../shared')
const seeds = join(shared, 'corpus/seeds')
const gold = join(shared, 'corpus/gold')
const scorer = join(shared, 'eval/score.mjs')
const hasCorpus = existsSync(seeds) && existsSync(gold) && existsSync(scorer)
if (!hasCorpus) console.log('skipping corpus scoring: ../shared/corpus is not here')

describe.skipIf(!hasCorpus)('plan reader on the seed corpus', () => {
  const out = hasCorpus ? mkdtempSync(join(tmpdir(), 'duban-gold-')) : ''
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true })
  })

  it('meets the gold thresholds for items, units, paths and deadlines', () => {
    for (const f of readdirSync(seeds).filter((x) => x.endsWith('.txt'))) {
      const result = extractPlan(readFileSync(join(seeds, f), 'utf8'), { file: join(seeds, f), encoding: 'utf-8' })
      writeFileSync(join(out, f.replace(/\.txt$/, '.json')), JSON.stringify(toGold(result)))
    }
    const json = execFileSync(process.execPath, [scorer, '--gold', gold, '--pred', out, '--json'], { encoding: 'utf8' })
    const r = JSON.parse(json) as { items: { f1: number }; units: { f1: number }; paths: { accuracy: number }; deadlines: { accuracy: number } }
    expect(r.items.f1).toBeGreaterThanOrEqual(0.95)
    expect(r.units.f1).toBeGreaterThanOrEqual(0.95)
    expect(r.paths.accuracy).toBeGreaterThanOrEqual(0.95)
    expect(r.deadlines.accuracy).toBeGreaterThanOrEqual(0.95)
  })

  it('gives every document of every seed a line range inside the file', () => {
    for (const f of readdirSync(seeds).filter((x) => x.endsWith('.txt'))) {
      const raw = readFileSync(join(seeds, f), 'utf8')
      const lines = raw.split('\n').length
      const result = extractPlan(raw, { file: f, encoding: 'utf-8' })
      expect(result.documents.length).toBeGreaterThan(0)
      for (const d of result.documents) {
        expect(d.firstLine).toBeGreaterThanOrEqual(1)
        expect(d.lastLine).toBeLessThanOrEqual(lines)
        expect(d.firstLine).toBeLessThanOrEqual(d.lastLine)
      }
    }
  })
})
