/**
 * Item extraction (事项提取): for every outline item of a document its title, text, units by
 * role, due dates and targets; unnumbered paragraphs that carry a tag are items too. A tag on a
 * line of its own belongs to the item just above it, unless that item is the last of two or more
 * sibling sub-items none of which has a tag: then it belongs to their parent.
 */
import type { Deadline, ExtractedItem, SubItem } from '../extraction.types.ts'
import type { OutlineNode } from '../structure/outline.ts'
import type { Paragraph } from '../structure/paragraphs.ts'
import { distinctDeadlines, readDeadlines, readDueSegment } from './deadlines.ts'
import { emptyTag, mergeTag, readTags, TAG_LINE_RE, type TagContent } from './tags.ts'
import { readTargets } from './targets.ts'
import { joinColumns, readColumns, rowFields, sameHeader, serialMarker, type TableColumns } from './table.ts'
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
  /** Set for a row of a task table. */
  row?: TableRow
}

interface TableState {
  cols: TableColumns
  headerAt: number
  headerOnly: boolean
  last: number
}

interface TableRow {
  readonly number: string
  readonly task: string
  readonly people: string[]
  readonly notes: string
  readonly fields: Record<string, string>
  readonly table: string
  readonly rows: number[]
  readonly cells: Record<string, string>
  readonly sub: SubItem[]
}

/** Where a table row came from, as the input adapter knows it (sheet, row, cell references). */
export interface RowSource {
  readonly table: string
  readonly row: number
  /** Reference of each column's cell (`B7`, `表1!R3C2`). */
  readonly refs: readonly string[]
}

/** Options of extractItems. */
export interface ItemOptions {
  /** The document's year: applied to table rows' due dates that give none. */
  readonly year?: number | null
  /** Rows of structured tables by the line they were written on. */
  readonly rows?: ReadonlyMap<number, RowSource>
  /** Receives notes on table columns the reader could not place. */
  readonly warnings?: string[]
}

/** Names in a people column: `张三、李四` → two names. */
function splitPeople(s: string): string[] {
  return s.split(/[、,，;；/\s]+/).map((x) => x.trim()).filter(Boolean)
}

const DATEISH = /\d{1,2}月|年底|年内|年末|20\d\d年|20xx年/i

/** Moves unit entries that are really dates (`2018年底前完成`) to the due list. */
function tidy(tag: TagContent): TagContent {
  const due = [...tag.due]
  const keep = (us: string[]): string[] => us.filter((u) => (DATEISH.test(u) ? (due.push(u), false) : true))
  return { lead: keep(tag.lead), responsible: keep(tag.responsible), cooperating: keep(tag.cooperating), due }
}

/** Extracts the items of paragraphs [start, end) given their outline. */
export function extractItems(
  ps: readonly Paragraph[],
  start: number,
  end: number,
  outline: readonly OutlineNode[],
  opts: ItemOptions = {},
): ExtractedItem[] {
  const drafts: Draft[] = []
  const draftOfNode = new Map<number, number>() // outline node index → draft index
  const nodeAt = new Map<number, number>() // paragraph index → outline node index
  outline.forEach((n, k) => nodeAt.set(n.index, k))
  let current = -1 // current numbered draft
  let last = -1 // last draft of any kind
  let table: TableState | null = null
  let lastTable: string | null = null
  for (let i = start; i < end; i++) {
    const p = ps[i]!
    // A table flattened into `|` lines: a header naming roles, then one item per row.
    if (p.text.includes('|')) {
      const cells = p.text.replace(/^\||\|$/g, '').split('|').map((c) => c.trim())
      const header = readColumns(cells)
      if (header) {
        if (table && sameHeader(table.cols, cells)) continue // the header repeated on a new page
        // A table of another sheet or Word table starts outside the sections of the one before.
        const from = opts.rows?.get(p.line)?.table
        if (from !== undefined && lastTable !== null && from !== lastTable) current = -1
        if (from !== undefined) lastTable = from
        const open = table as TableState | null
        if (open && open.headerOnly && i === open.headerAt + 1) {
          open.cols = joinColumns(open.cols, header)
          open.headerAt = i
        } else table = { cols: header, headerAt: i, headerOnly: true, last: -1 }
        if (opts.warnings) for (const u of header.unplaced) opts.warnings.push(`line ${p.line}: column ${u.column + 1} 「${u.header}」 is not a column the reader knows; kept as a field`)
        continue
      }
      if (table && cells.length >= 2) {
        table.headerOnly = false
        const f = rowFields(table.cols, cells)
        const source = opts.rows?.get(p.line)
        const refOf = (col: number | undefined) => (col === undefined ? '' : (source?.refs[col] ?? `L${p.line}C${col + 1}`))
        const cellRefs: Record<string, string> = {}
        for (const [k, col] of Object.entries(f.columnOf)) cellRefs[k] = refOf(col)
        const prev = table.last >= 0 ? drafts[table.last] : undefined
        // A task spread over several rows: no number and no task of its own, or the same
        // number and task carried down by a merged cell: a sub-item of the row above.
        if (prev && prev.row && ((!f.number && (!f.task || f.task === prev.row.task)) || (f.number && f.number === prev.row.number && f.task === prev.row.task))) {
          const tag = emptyTag()
          mergeTag(tag, { ...emptyTag(), lead: f.lead.flatMap(splitUnits), responsible: f.responsible.flatMap(splitUnits), cooperating: f.cooperating.flatMap(splitUnits), due: f.due })
          mergeTag(prev.tag, tidy(tag))
          const sub = [f.measures, f.task !== prev.row.task ? f.task : ''].filter(Boolean).join(' ')
          if (sub) {
            prev.texts.push(sub)
            prev.plain.push(sub)
          }
          prev.row.sub.push({ line: p.line, text: sub, source: source ? { table: source.table, rows: [source.row], cells: cellRefs } : { table: 'text', rows: [p.line], cells: cellRefs } })
          prev.row.rows.push(source ? source.row : p.line)
          continue
        }
        const marker = serialMarker(f.number)
        const tag = emptyTag()
        mergeTag(tag, { ...emptyTag(), lead: f.lead.flatMap(splitUnits), responsible: f.responsible.flatMap(splitUnits), cooperating: f.cooperating.flatMap(splitUnits), due: f.due })
        const body = [f.task, f.measures].filter(Boolean).join('\n')
        const ctx = current >= 0 ? drafts[current]!.path : []
        drafts.push({
          line: p.line, marker, path: marker ? [...ctx, marker] : ctx, parent: current, numbered: false,
          texts: [body || p.text], plain: [body], tag: tidy(tag), tagged: true,
          row: {
            number: f.number, task: f.task, people: f.people.flatMap(splitPeople), notes: f.notes, fields: f.fields,
            table: source?.table ?? 'text', rows: [source ? source.row : p.line], cells: cellRefs, sub: [],
          },
        })
        table.last = last = drafts.length - 1
        continue
      }
    } else if (!(p.marker && p.text.length <= 40 && !/[。;]/.test(p.text))) table = null // a section row (`一、…`) keeps the table open
    else if (table) table.last = -1
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
  return drafts.map((d) => toItem(d, opts.year ?? null))
}

function toItem(d: Draft, year: number | null): ExtractedItem {
  const text = d.texts.join('\n')
  const plain = d.plain.join('\n')
  let deadlines: Deadline[] = distinctDeadlines([...d.tag.due.flatMap(readDueSegment), ...readDeadlines(plain)])
  // In a table the document's year applies to `年底前`, `6月底前` (../shared/corpus/README.md).
  if (d.row && year !== null) deadlines = distinctDeadlines(deadlines.map((x) => (x.year === null && x.month !== null && !/[xX×]{2}/.test(x.text) ? { ...x, year } : x)))
  if (d.row) {
    const r = d.row
    const title = cut(r.task || d.texts[0]!)
    return {
      line: d.line, marker: d.marker, path: d.path, title, text, lead: d.tag.lead, responsible: d.tag.responsible, cooperating: d.tag.cooperating,
      deadlines, targets: readTargets(plain), assigned: d.tag.lead.length + d.tag.responsible.length + d.tag.cooperating.length > 0 || deadlines.length > 0,
      table: {
        number: r.number, people: r.people, notes: r.notes, fields: r.fields,
        source: { table: r.table, rows: r.rows, cells: r.cells },
        subItems: r.sub,
      },
    }
  }
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

/** A title from a task cell: up to the first sentence end, at most 80 characters. */
function cut(s: string): string {
  const stop = s.search(/[。;]/)
  return (stop >= 0 && stop <= 80 ? s.slice(0, stop) : s.slice(0, 80)).trim()
}

function markerLength(p: string, marker: string): number {
  const at = p.indexOf(marker.slice(-1))
  return at >= 0 && at < 8 ? at + 1 : 0
}
