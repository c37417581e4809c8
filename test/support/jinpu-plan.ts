/**
 * The 金普新区2018年政务公开工作要点 (corpus 000, 第五篇) as a test input: from ../shared/corpus when it is
 * there, else from the copy in test/fixtures/plans/jinpu-2018.txt (the same lines, so a fresh clone runs
 * the same test), and as a .docx built from it, as a clerk would receive it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Document, Packer, Paragraph, TextRun } from 'docx'
import { ROOT } from './browser.ts'

/** The corpus file holding the plan (lines 347–397). */
export const CORPUS_000 = join(ROOT, '../shared/corpus/seeds/000_27848f10c241bed3.txt')
export const hasCorpus000 = existsSync(CORPUS_000)
/** The demo unit directory of 金普新区 the repository ships. */
export const JINPU_UNITS_CSV = join(ROOT, 'demo/jinpu/units.csv')

/** The plan's text and where it came from. */
export function jinpuPlanText(): { text: string; source: 'corpus' | 'fixture' } {
  if (hasCorpus000) {
    const lines = readFileSync(CORPUS_000, 'utf8').split(/\r?\n/)
    return { text: lines.slice(346, 397).join('\n'), source: 'corpus' }
  }
  return { text: readFileSync(join(ROOT, 'test/fixtures/plans/jinpu-2018.txt'), 'utf8'), source: 'fixture' }
}

/** The plan as a .docx: its title centred, one paragraph per line of text. */
export async function jinpuPlanDocx(): Promise<{ bytes: Buffer; source: 'corpus' | 'fixture' }> {
  const { text, source } = jinpuPlanText()
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const doc = new Document({
    sections: [{ children: lines.map((l, i) => new Paragraph({ children: [new TextRun({ text: l, bold: i === 0, size: i === 0 ? 36 : 24 })], ...(i === 0 ? { alignment: 'center' as const } : {}) })) }],
  })
  return { bytes: await Packer.toBuffer(doc), source }
}
