/**
 * Item extraction (事项提取): for every outline item of a document its title, text, units by
 * role, due dates and targets; unnumbered paragraphs that carry a tag are items too. A tag on a
 * line of its own belongs to the item just above it, unless that item is the last of two or more
 * sibling sub-items none of which has a tag: then it belongs to their parent.
 */
import type { Deadline, ExtractedItem } from '../extraction.types.ts'
import type { OutlineNode } from '../structure/outline.ts'
import type { Paragraph } from '../structure/paragraphs.ts'
import { distinctDeadlines, readDeadlines, readDueSegment } from './deadlines.ts'
import { emptyTag, mergeTag, readTags, TAG_LINE_RE, type TagContent } from './tags.ts'
import { readTargets } from './targets.ts'
import { splitUnits } from './units.ts'

interface Draft {
  readonly line: number
  readonly marker: string
  readonly path: readonly string[]
  /** Index of the parent draft (marked items only), -1 at the top. */
  readonly parent: number
  readonly numbered: boolean
  texts: string[]
  /** Text without its tags, for deadlines and targets. */
  plain: string[]
  tag: TagContent
  tagged: boolean
}

const DATEISH = /\d{1,2}月|年底|年内|年末|20\d\d年|20xx年/i

/** Moves unit entries that are really dates (`2018年底前完成`) to the due list. */
function tidy(tag: TagContent): TagContent {
  const due = [...tag.due]
  const keep = (us: string[]): string[] => us.filter((u) => (DATEISH.test(u) ? (due.push(u), false) : true))
  return { lead: keep(tag.lead), responsible: keep(tag.responsible), cooperating: keep(tag.cooperating), due }
}

/** Extracts the items of paragraphs [start, end) given their outline. */
export function extractItems(ps: readonly Paragraph[], start: number, end: number, outline: readonly OutlineNode[]): ExtractedItem[] {
  const drafts: Draft[] = []
  const draftOfNode = new Map<number, number>() // outline node index → draft index
  const nodeAt = new Map<number, number>() // paragraph index → outline node index
  outline.forEach((n, k) => nodeAt.set(n.index, k))
  let current = -1 // current numbered draft
  let last = -1 // last draft of any kind
  let table: TableHeader | null = null
  for (let i = start; i < end; i++) {
    const p = ps[i]!
    // A table flattened into `|` lines: a header naming roles, then one item per row.
    if (p.text.includes('|')) {
      const cells = p.text.replace(/^\||\|$/g, '').split('|').map((c) => c.trim())
      const header = readHeader(cells)
      if (header) {
        table = header
        continue
      }
      if (table && cells.length >= 2) {
        const serial = table.serial >= 0 ? (cells[table.serial] ?? '') : ''
        const marker = /^\d{1,3}$/.test(serial) ? serial : ''
        const tag = emptyTag()
        cells.forEach((c, col) => {
          const role = table!.roles.get(col)
          if (role === 'due') tag.due.push(c)
          else if (role) mergeTag(tag, { ...emptyTag(), [role]: splitUnits(c) })
        })
        const plain = cells.filter((_, col) => !table!.roles.has(col) && col !== table!.serial).join(' ')
        const ctx = current >= 0 ? drafts[current]!.path : []
        drafts.push({
          line: p.line, marker, path: marker ? [...ctx, marker] : ctx, parent: current, numbered: false,
          texts: [p.text], plain: [plain], tag: tidy(tag), tagged: true,
        })
        last = drafts.length - 1
        continue
      }
    } else if (!(p.marker && p.text.length <= 40 && !/[。;]/.test(p.text))) table = null // a section row (`一、…`) keeps the table open
    const k = nodeAt.get(i)
    if (k !== undefined) {
      const node = outline[k]!
      const parent = node.parent >= 0 ? (draftOfNode.get(node.parent) ?? -1) : -1
      const found = readTags(p.text)
      drafts.push({
        line: p.line, marker: node.marker, path: node.path, parent, numbered: true,
        texts: [p.text], plain: [found ? found.rest : p.text],
        tag: found ? tidy(found.tag) : emptyTag(), tagged: found !== null,
      })
      draftOfNode.set(k, drafts.length - 1)
      current = last = drafts.length - 1
      continue
    }
    if (TAG_LINE_RE.test(p.text)) {
      const found = readTags(p.text)
      if (!found || last < 0) continue
      let target = last
      const d = drafts[target]!
      if (d.numbered && !d.tagged && d.parent >= 0) {
        const siblings = drafts.filter((x) => x.numbered && x.parent === d.parent)
        if (siblings.length >= 2 && siblings.every((x) => !x.tagged)) target = d.parent
      }
      const t = drafts[target]!
      mergeTag(t.tag, tidy(found.tag))
      t.tagged = true
      continue
    }
    const found = readTags(p.text)
    if (found) {
      const ctx = current >= 0 ? drafts[current]!.path : []
      drafts.push({
        line: p.line, marker: '', path: ctx, parent: current, numbered: false,
        texts: [p.text], plain: [found.rest], tag: tidy(found.tag), tagged: true,
      })
      last = drafts.length - 1
      continue
    }
    // Body text belongs to the numbered item it stands under, until a tag or a tagged
    // paragraph has closed that item.
    if (current >= 0 && last === current && !drafts[current]!.tagged) {
      drafts[current]!.texts.push(p.text)
      drafts[current]!.plain.push(p.text)
    }
  }
  return drafts.map(toItem)
}

interface TableHeader {
  readonly roles: Map<number, 'lead' | 'responsible' | 'cooperating' | 'due'>
  readonly serial: number
}

/** Reads a table header row (`序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时间`), or null. */
function readHeader(cells: readonly string[]): TableHeader | null {
  const roles = new Map<number, 'lead' | 'responsible' | 'cooperating' | 'due'>()
  let serial = -1
  cells.forEach((c, col) => {
    const t = c.replace(/\s+/g, '')
    if (/^(序号|编号|序)$/.test(t)) serial = col
    else if (/^牵头(单位|部门|处室|科室)?$/.test(t)) roles.set(col, 'lead')
    else if (/^(责任(单位|部门|科室|处室|主体)|负责单位)$/.test(t)) roles.set(col, 'responsible')
    else if (/^(配合|协同|协办|参与)(单位|部门|处室|科室)?$/.test(t)) roles.set(col, 'cooperating')
    else if (/^(完成(时间|时限|期限)|时间(节点|安排|要求)?|时限)$/.test(t)) roles.set(col, 'due')
  })
  return [...roles.values()].some((r) => r !== 'due') ? { roles, serial } : null
}

function toItem(d: Draft): ExtractedItem {
  const text = d.texts.join('\n')
  const plain = d.plain.join('\n')
  const deadlines: Deadline[] = distinctDeadlines([...d.tag.due.flatMap(readDueSegment), ...readDeadlines(plain)])
  const body = d.texts[0]!.slice(d.numbered ? markerLength(d.texts[0]!, d.marker) : 0).trim()
  // A heading that shares its line with the first paragraph ends at the sentence or at a gap.
  const stop = body.search(/[。;]|(?<=.{6})\s+/)
  const title = (stop >= 0 && stop <= 80 ? body.slice(0, stop) : body.slice(0, 80)).trim()
  const assigned = d.tag.lead.length + d.tag.responsible.length + d.tag.cooperating.length > 0 || deadlines.length > 0
  return {
    line: d.line,
    marker: d.marker,
    path: d.path,
    title,
    text,
    lead: d.tag.lead,
    responsible: d.tag.responsible,
    cooperating: d.tag.cooperating,
    deadlines,
    targets: readTargets(plain),
    assigned,
  }
}

function markerLength(p: string, marker: string): number {
  const at = p.indexOf(marker.slice(-1))
  return at >= 0 && at < 8 ? at + 1 : 0
}
