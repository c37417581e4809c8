/**
 * Held-out task tables (test/fixtures/tables): one fixture per input form — .xlsx (merged
 * section rows, two sheets; a two-row header repeated mid-sheet), .xls, GBK .csv, .docx (vMerge
 * lead, 分管领导 names), .doc, HTML (rowspan/colspan), a ruled PDF table and the four flat text shapes — with gold
 * written by hand before the reader ran. Read through fromBytes + extractPlan, as `duban
 * extract` does. Items are matched by path (../shared/corpus/README.md: "for .xlsx/.docx, whose
 * lines are not the gold's, items are compared by path"); where the gold gives a line (text
 * fixtures), the line must match too.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { extractPlan } from '../../domain/text/extract.ts'
import { toGold, type GoldFile, type GoldItem } from '../../domain/text/gold-format.ts'
import { fromBytes } from './read-input.ts'

const dir = join(import.meta.dirname, '../../../test/fixtures/tables')
const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '')
const key = (it: GoldItem) => it.path.map(norm).join('>')
const unitsOf = (it: GoldItem) => (['lead', 'responsible', 'cooperating'] as const).flatMap((r) => it[r].map((u) => `${r}:${norm(u)}`))
const datesOf = (it: GoldItem) => [...new Set(it.deadlines.map((d) => `${d.year ?? '-'}/${d.month ?? '-'}/${d.day ?? '-'}`))].sort().join(' ')

export interface TableScore {
  items: { tp: number; fp: number; fn: number; f1: number }
  units: { tp: number; fp: number; fn: number; f1: number }
  deadlines: { ok: number; n: number; accuracy: number }
  misses: string[]
}

/** Items matched by (file, path); units by role as score.mjs counts them; deadlines as sets. */
export function scoreByPath(gold: readonly GoldFile[], pred: readonly GoldFile[]): TableScore {
  const t = { items: { tp: 0, fp: 0, fn: 0 }, units: { tp: 0, fp: 0, fn: 0 }, deadlines: { ok: 0, n: 0 } }
  const misses: string[] = []
  for (const gf of gold) {
    const g = new Map(gf.documents.flatMap((d) => d.items).map((it) => [key(it), it]))
    const p = new Map<string, GoldItem>()
    for (const it of pred.filter((x) => x.file === gf.file).flatMap((x) => x.documents.flatMap((d) => d.items))) if (!p.has(key(it))) p.set(key(it), it)
    for (const [k, gi] of g) {
      const pi = p.get(k)
      if (!pi || (gi.line > 0 && pi.line !== gi.line)) {
        t.items.fn++
        t.units.fn += unitsOf(gi).length
        if (datesOf(gi)) t.deadlines.n++
        misses.push(`${gf.file} ${k} ${pi ? `on line ${pi.line}, not ${gi.line}` : 'missed'}`)
        continue
      }
      t.items.tp++
      const left = new Map<string, number>()
      for (const u of unitsOf(gi)) left.set(u, (left.get(u) ?? 0) + 1)
      for (const u of unitsOf(pi)) {
        if ((left.get(u) ?? 0) > 0) {
          left.set(u, left.get(u)! - 1)
          t.units.tp++
        } else t.units.fp++
      }
      for (const n of left.values()) t.units.fn += n
      if (unitsOf(gi).sort().join(' ') !== unitsOf(pi).sort().join(' ')) misses.push(`${gf.file} ${k} units [${unitsOf(pi)}] ≠ [${unitsOf(gi)}]`)
      if (datesOf(gi) || datesOf(pi)) {
        t.deadlines.n++
        if (datesOf(gi) === datesOf(pi)) t.deadlines.ok++
        else misses.push(`${gf.file} ${k} deadlines [${datesOf(pi)}] ≠ [${datesOf(gi)}]`)
      }
    }
    for (const [k, pi] of p) {
      if (g.has(k)) continue
      t.items.fp++
      t.units.fp += unitsOf(pi).length
      misses.push(`${gf.file} ${k} not an assigned item`)
    }
  }
  const f1 = (x: { tp: number; fp: number; fn: number }) => (x.tp === 0 ? 0 : (2 * x.tp) / (2 * x.tp + x.fp + x.fn))
  return {
    items: { ...t.items, f1: f1(t.items) },
    units: { ...t.units, f1: f1(t.units) },
    deadlines: { ...t.deadlines, accuracy: t.deadlines.n === 0 ? 1 : t.deadlines.ok / t.deadlines.n },
    misses,
  }
}

const goldFiles: GoldFile[] = readdirSync(join(dir, 'gold'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, 'gold', f), 'utf8')) as GoldFile)

async function predict(g: GoldFile): Promise<GoldFile> {
  const input = await fromBytes(readFileSync(join(dir, g.file)), g.file)
  return toGold(extractPlan(input.text, { file: g.file, encoding: input.encoding, ...(input.rows ? { rows: input.rows } : {}) }))
}

describe('task tables in every input form (held-out, hand gold)', () => {
  it('has at least ten fixtures covering xlsx, xls, csv, docx, doc, html, pdf and text', () => {
    expect(goldFiles.length).toBeGreaterThanOrEqual(10)
    const exts = new Set(goldFiles.map((g) => g.file.split('.').pop()))
    for (const e of ['xlsx', 'xls', 'csv', 'docx', 'doc', 'html', 'txt', 'pdf']) expect(exts).toContain(e)
  })

  it('reads every task row with its units by role and due dates', async () => {
    const preds = await Promise.all(goldFiles.map(predict))
    const s = scoreByPath(goldFiles, preds)
    if (s.misses.length > 0) console.log(s.misses.join('\n'))
    console.log(
      `tables: items F1 ${s.items.f1.toFixed(3)} · units F1 ${s.units.f1.toFixed(3)} · deadlines ${s.deadlines.accuracy.toFixed(3)} (${s.items.tp + s.items.fn} gold items, ${goldFiles.length} files)`,
    )
    expect(s.items.f1).toBeGreaterThanOrEqual(0.95)
    expect(s.units.f1).toBeGreaterThanOrEqual(0.95)
    expect(s.deadlines.accuracy).toBeGreaterThanOrEqual(0.95)
  })

  it.each(goldFiles.map((g) => [g.file, g] as const))('%s alone reads every row', async (_name, g) => {
    const s = scoreByPath([g], [await predict(g)])
    expect(s.misses).toEqual([])
  })
})
