/**
 * Held-out fixtures (test/fixtures/plans): documents written for the reader in layouts and dirt
 * the corpus lacks (full-width 分工方案 tags, tags on the next line, `|` and tab tables, hard wraps
 * with page furniture, roles in running text, a GBK page, 第N章/第N节 with `1）` and `⑴`, `一是…；二是…`
 * paragraphs, a Word table saved one cell per line, an HTML `<table>` page with trailing spaces),
 * annotated by hand in gold format. Each
 * is read with extractPlan + toGold and scored like ../shared/eval/score.mjs does: a port of its
 * matching lives here so the test runs in a fresh clone; when the shared scorer is present it is
 * run too and must agree.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { extractPlan } from './extract.ts'
import { toGold, type GoldFile, type GoldItem } from './gold-format.ts'

const fixtures = join(import.meta.dirname, '../../../test/fixtures/plans')
const goldDir = join(fixtures, 'gold')
const scorer = join(import.meta.dirname, '../../../../shared/eval/score.mjs')
const THRESHOLD = 0.95

function decode(bytes: Buffer): { text: string; encoding: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    return { text: iconv.decode(bytes, 'gbk'), encoding: 'gbk' }
  }
}

interface Score {
  items: { tp: number; fp: number; fn: number; f1: number }
  units: { tp: number; fp: number; fn: number; f1: number }
  paths: { ok: number; n: number; accuracy: number }
  deadlines: { ok: number; n: number; accuracy: number }
  misses: string[]
}

const norm = (s: string) => String(s).normalize('NFKC').replace(/\s+/g, '')
const unitsOf = (it: GoldItem) => (['lead', 'responsible', 'cooperating'] as const).flatMap((r) => it[r].map((u) => `${r}:${norm(u)}`))
const datesOf = (it: GoldItem) => [...new Set(it.deadlines.map((d) => `${d.year ?? '-'}/${d.month ?? '-'}/${d.day ?? '-'}`))].sort().join(' ')

/** The matching of score.mjs: items by (file, line) inside each gold document's range. */
function score(gold: readonly GoldFile[], pred: readonly GoldFile[]): Score {
  const t = { items: { tp: 0, fp: 0, fn: 0 }, units: { tp: 0, fp: 0, fn: 0 }, paths: { ok: 0, n: 0 }, deadlines: { ok: 0, n: 0 } }
  const misses: string[] = []
  const countUnits = (g: string[], p: string[]) => {
    const left = new Map<string, number>()
    for (const u of g) left.set(u, (left.get(u) ?? 0) + 1)
    for (const u of p) {
      if ((left.get(u) ?? 0) > 0) {
        left.set(u, left.get(u)! - 1)
        t.units.tp++
      } else t.units.fp++
    }
    for (const n of left.values()) t.units.fn += n
  }
  for (const gf of gold) {
    const predItems = pred.filter((p) => p.file === gf.file).flatMap((p) => p.documents.flatMap((d) => d.items))
    for (const doc of gf.documents) {
      const g = new Map(doc.items.map((it) => [it.line, it]))
      const p = new Map<number, GoldItem>()
      for (const it of predItems) if (it.line >= doc.first_line && it.line <= doc.last_line && !p.has(it.line)) p.set(it.line, it)
      for (const [line, gi] of g) {
        const pi = p.get(line)
        if (!pi) {
          t.items.fn++
          countUnits(unitsOf(gi), [])
          if (datesOf(gi)) t.deadlines.n++
          misses.push(`${gf.file}:${line} missed`)
          continue
        }
        t.items.tp++
        countUnits(unitsOf(gi), unitsOf(pi))
        t.paths.n++
        const mk = (s: string) => norm(s).replace(/（/g, '(').replace(/）/g, ')').replace(/．/g, '.')
        if (gi.path.map(mk).join('>') === pi.path.map(mk).join('>')) t.paths.ok++
        else misses.push(`${gf.file}:${line} path ${JSON.stringify(pi.path)} ≠ ${JSON.stringify(gi.path)}`)
        if (datesOf(gi) || datesOf(pi)) {
          t.deadlines.n++
          if (datesOf(gi) === datesOf(pi)) t.deadlines.ok++
          else misses.push(`${gf.file}:${line} deadlines [${datesOf(pi)}] ≠ [${datesOf(gi)}]`)
        }
        if (unitsOf(gi).sort().join(' ') !== unitsOf(pi).sort().join(' ')) misses.push(`${gf.file}:${line} units [${unitsOf(pi)}] ≠ [${unitsOf(gi)}]`)
      }
      for (const [line, pi] of p) {
        if (g.has(line)) continue
        t.items.fp++
        countUnits([], unitsOf(pi))
        misses.push(`${gf.file}:${line} not an assigned item`)
      }
    }
  }
  const f1 = (x: { tp: number; fp: number; fn: number }) => (x.tp === 0 ? 0 : (2 * x.tp) / (2 * x.tp + x.fp + x.fn))
  const ratio = (x: { ok: number; n: number }) => (x.n === 0 ? 1 : x.ok / x.n)
  return {
    items: { ...t.items, f1: f1(t.items) },
    units: { ...t.units, f1: f1(t.units) },
    paths: { ...t.paths, accuracy: ratio(t.paths) },
    deadlines: { ...t.deadlines, accuracy: ratio(t.deadlines) },
    misses,
  }
}

const goldFiles: GoldFile[] = readdirSync(goldDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(goldDir, f), 'utf8')) as GoldFile)
const predictions: GoldFile[] = goldFiles.map((g) => {
  const { text, encoding } = decode(readFileSync(join(fixtures, g.file)))
  return toGold(extractPlan(text, { file: join(fixtures, g.file), encoding }))
})

describe('plan reader on the held-out fixtures', () => {
  it('has at least six annotated fixtures, one of them GBK', () => {
    expect(goldFiles.length).toBeGreaterThanOrEqual(6)
    expect(goldFiles.some((g) => decode(readFileSync(join(fixtures, g.file))).encoding === 'gbk')).toBe(true)
  })

  it(`scores ≥ ${THRESHOLD} on items, units, paths and deadlines`, () => {
    const s = score(goldFiles, predictions)
    if (s.misses.length > 0) console.log(s.misses.join('\n'))
    expect(s.items.f1).toBeGreaterThanOrEqual(THRESHOLD)
    expect(s.units.f1).toBeGreaterThanOrEqual(THRESHOLD)
    expect(s.paths.accuracy).toBeGreaterThanOrEqual(THRESHOLD)
    expect(s.deadlines.accuracy).toBeGreaterThanOrEqual(THRESHOLD)
  })

  it.each(goldFiles.map((g) => [g.file, g] as const))('%s alone scores ≥ 0.9 on items and units', (_name, g) => {
    const s = score([g], predictions)
    expect(s.items.f1).toBeGreaterThanOrEqual(0.9)
    expect(s.units.f1).toBeGreaterThanOrEqual(0.9)
  })

  describe.skipIf(!existsSync(scorer))('with the shared scorer', () => {
    const out = existsSync(scorer) ? mkdtempSync(join(tmpdir(), 'duban-fixtures-')) : ''
    afterAll(() => {
      if (out) rmSync(out, { recursive: true, force: true })
    })
    it('agrees with the built-in port and meets the thresholds', () => {
      for (const p of predictions) writeFileSync(join(out, p.file.replace(/\.txt$/, '.json')), JSON.stringify(p))
      const json = JSON.parse(execFileSync('node', [scorer, '--gold', goldDir, '--pred', out, '--json'], { encoding: 'utf8' })) as Score
      const mine = score(goldFiles, predictions)
      expect(json.items.f1).toBeCloseTo(mine.items.f1, 9)
      expect(json.units.f1).toBeCloseTo(mine.units.f1, 9)
      expect(json.paths.accuracy).toBeCloseTo(mine.paths.accuracy, 9)
      expect(json.deadlines.accuracy).toBeCloseTo(mine.deadlines.accuracy, 9)
      expect(Math.min(json.items.f1, json.units.f1, json.paths.accuracy, json.deadlines.accuracy)).toBeGreaterThanOrEqual(THRESHOLD)
    })
  })
})
