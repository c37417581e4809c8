/**
 * Responsibility tags (责任分工): `(牵头单位:…;配合单位:…。完成时间:…)`, `[牵头单位:…]`,
 * `(牵头处室:…,协同处室:…)`, a `责任单位:…` line, and untitled tags such as
 * `(新区民政局等有关部门落实)` or `(市发改委牵头,市财政局配合)`.
 */
import type { UnitRole } from '../extraction.types.ts'
import { normText, squeeze } from '../structure/normalize.ts'
import { splitUnits, stripFillers, UNIT_END } from './units.ts'

/** What one or more tags say. */
export interface TagContent {
  readonly lead: string[]
  readonly responsible: string[]
  readonly cooperating: string[]
  /** Texts of `完成时间:` segments, read loosely as due dates. */
  readonly due: string[]
}

const LEAD_T = ['牵头单位', '牵头部门', '牵头处室', '牵头科室', '牵头股室', '牵头责任单位', '主办单位', '牽頭單位', '牽頭部門', '牽頭處室', '牵头']
const RESP_T = ['责任单位', '主责单位', '主责部门', '责任主体', '实施主体', '承办单位', '主體責任', '主責單位', '责任科室', '责任部门', '责任处室', '责任股室', '负责单位', '负责部门', '实施单位', '責任單位', '責任科室', '責任部門', '負責單位']
const COOP_T = ['配合单位', '协助单位', '协作单位', '参与部门', '协办部门', '配合部门', '配合处室', '配合科室', '协同处室', '协同单位', '协同部门', '协办单位', '参与单位', '参加单位', '配合單位', '協同處室', '協辦單位', '參與單位']
/** People, not units: `责任领导:王某某` is read and dropped. */
const PERSON_T = ['责任领导', '分管领导', '牵头领导', '联系领导', '督办领导', '包保领导', '分管市领导', '分管区领导', '分管县领导', '责任市领导', '责任区领导', '牵头市领导', '责任人', '联系人', '責任領導', '分管領導']
const TIME_T = ['完成时间', '完成时限', '完成期限', '时间节点', '时限要求', '时间要求', '完成時間', '時間節點']

const roleOf = new Map<string, UnitRole | 'due' | 'person'>()
for (const t of LEAD_T) roleOf.set(t, 'lead')
for (const t of RESP_T) roleOf.set(t, 'responsible')
for (const t of COOP_T) roleOf.set(t, 'cooperating')
for (const t of TIME_T) roleOf.set(t, 'due')
for (const t of PERSON_T) roleOf.set(t, 'person')
const ALL_T = [...roleOf.keys()].sort((a, b) => b.length - a.length)
const TITLE_SRC = `(${ALL_T.join('|')})\\s*:`
/** A role title followed by a colon. */
export const TITLE_RE = new RegExp(TITLE_SRC)
const TITLE_G = new RegExp(TITLE_SRC, 'g')
const TITLE_AFTER_BREAK = new RegExp(`(^|[。;.\\s])${TITLE_SRC}`)
/** A paragraph that is a tag on its own (`责任单位:办公室`, `(牵头处室:…)`). */
export const TAG_LINE_RE = new RegExp(`^[(\\[]?\\s*${TITLE_SRC}`)

/** An empty tag content. */
export function emptyTag(): TagContent {
  return { lead: [], responsible: [], cooperating: [], due: [] }
}

function add(into: string[], units: readonly string[]): void {
  for (const u of units) if (!into.includes(u)) into.push(u)
}

/** Reads `titled` content: `牵头单位:A;配合单位:B、C。完成时间:…`. */
function readTitled(content: string, into: TagContent): void {
  const re = TITLE_G
  re.lastIndex = 0
  const hits: { title: string; start: number; end: number }[] = []
  for (let m = re.exec(content); m; m = re.exec(content)) hits.push({ title: m[1]!, start: m.index, end: m.index + m[0].length })
  const before = content.slice(0, hits[0]?.start ?? content.length).replace(/[;,。.\s]+$/, '')
  if (before.length > 0) readUntitled(before, into)
  for (let k = 0; k < hits.length; k++) {
    const h = hits[k]!
    const seg = content.slice(h.end, k + 1 < hits.length ? hits[k + 1]!.start : content.length).replace(/[;,。.\s]+$/, '')
    const role = roleOf.get(h.title)!
    if (role === 'due') into.due.push(seg)
    else if (role !== 'person') add(into[role], splitUnits(seg))
  }
}

const VERB_ROLE: readonly [RegExp, UnitRole][] = [
  [/牵头(?:负责|落实|实施|推进)?$/, 'lead'],
  [/(配合|协助|协同|参与)$/, 'cooperating'],
  [/(负责|落实|实施|承办|分别落实|按职责分工分别落实)$/, 'responsible'],
]

/** Reads an untitled tag: `A、B等有关部门落实`, `A牵头,B配合`. */
function readUntitled(content: string, into: TagContent): void {
  const clauses = content.split(/[;,]/)
  const hasRoleVerbs = clauses.some((c) => /牵头(?:负责|落实|实施|推进)?$|配合$/.test(c.trim()))
  if (!hasRoleVerbs) {
    add(into.responsible, splitUnits(content))
    return
  }
  let pending: string[] = []
  for (const c of clauses) {
    const clause = c.trim()
    pending.push(clause)
    const hit = VERB_ROLE.find(([re]) => re.test(clause))
    if (hit) {
      add(into[hit[1]], splitUnits(pending.join('、').replace(/(牵头(?:负责|落实|实施|推进)?|配合|协助|协同|参与)$/, '')))
      pending = []
    }
  }
  if (pending.length > 0) add(into.responsible, splitUnits(pending.join('、')))
}

const NOTE_HEAD = /^(?:以下简称|以下称|简称|下称|含|包含|包括|不含|不包括|除|即|如|例如|下同|详见|见|其中)/

/** True when bracket content reads as a list of units, optionally followed by a verb. */
export function looksLikeUnitList(content: string): boolean {
  const c = squeeze(content)
  if (c.length < 2 || c.length > 200 || /\d|[《》"“”]/.test(c)) return false
  // `(以下简称综合示范区)`, `(含经济技术开发区)`: a note, not a tag.
  if (NOTE_HEAD.test(c)) return false
  const withVerb = /(落实|负责|牵头|配合|实施|承办)$/.test(c)
  const units = splitUnits(c.replace(/牵头|配合/g, '、'))
  // `县(市、区)`: bare level names are no units.
  if (units.length === 0 || units.some((u) => u.length > 30 || u.length < 2)) return false
  const unitLike = units.filter((u) => UNIT_END.test(u) || /^各/.test(u)).length
  return withVerb ? unitLike >= 1 : unitLike === units.length
}

const DUE_WORDS = /(?:完成时间|完成时限|时限|时间)|:|(?:之|以)?前|完成|底|末|内|份|全部|任务|基本|年|月|日|号|上旬|中旬|下旬|季度|第|[上下]半|[一二三四]/g
const ONGOING = /^(?:持续推进|长期坚持|长期推进|持续开展|常态化推进|长期|持续|常态化)$/

/**
 * Splits the clauses of an untitled tag into the unit part and its due dates:
 * `A牵头,B配合,2026年11月底前完成` → units `A牵头,B配合`, due [`2026年11月底前完成`].
 * A clause is a due date when, without its date words, nothing of it is left.
 */
function splitDueClauses(content: string): { units: string; due: string[] } {
  if (!/\d|年|持续|长期|常态/.test(content)) return { units: content, due: [] }
  const keep: string[] = []
  const due: string[] = []
  for (const clause of content.split(/[,;。]/)) {
    const c = clause.trim()
    if (c === '') continue
    if (ONGOING.test(c)) continue
    if (/\d|年/.test(c) && c.replace(/\d+|[xX]{2,4}/g, '').replace(DUE_WORDS, '').trim() === '') due.push(c)
    else keep.push(c)
  }
  return { units: keep.join(','), due }
}

/** Top-level bracket groups of a paragraph: [start, end) including the brackets. */
function bracketGroups(p: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = []
  let depth = 0
  let start = -1
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]
    if (ch === '(' || ch === '[') {
      if (depth === 0) start = i
      depth++
    } else if ((ch === ')' || ch === ']') && depth > 0) {
      depth--
      if (depth === 0) out.push({ start, end: i + 1 })
    }
  }
  return out
}

/**
 * Finds the tags in a normalised paragraph. Returns their content and the paragraph with the
 * tags cut out (for titles, deadlines and targets of the text itself), or null when none.
 */
export function readTags(paragraph: string): { tag: TagContent; rest: string } | null {
  // Every tag has a bracket, a colon or 牵头; most body paragraphs have none of them.
  if (!MAY_TAG.test(paragraph)) return null
  const p = squeeze(normText(paragraph))
  const tag = emptyTag()
  let found = false
  let rest = p
  const groups = bracketGroups(p)
  for (let g = groups.length - 1; g >= 0; g--) {
    const { start, end } = groups[g]!
    const content = p.slice(start + 1, end - 1)
    const atEnd = /^[\s。.;,]*$/.test(p.slice(end))
    if (TITLE_RE.test(content)) readTitled(content, tag)
    else if (atEnd && start > 0) {
      // `(A牵头,B配合,2026年11月底前完成)`: roles in running form with the due date inside.
      const { units, due } = splitDueClauses(content)
      if (!looksLikeUnitList(units)) continue
      readUntitled(units, tag)
      tag.due.push(...due)
    } else continue
    found = true
    rest = rest.slice(0, start) + rest.slice(end)
  }
  // An unbracketed tag at the start of the paragraph or after a sentence: `责任单位:办公室`.
  const m = rest.includes(':') ? TITLE_AFTER_BREAK.exec(rest) : null
  if (m && !insideBrackets(rest, m.index)) {
    readTitled(rest.slice(m.index + m[1]!.length), tag)
    rest = rest.slice(0, m.index + m[1]!.length)
    found = true
  }
  // A tag that named only people (`联系人:张三`) assigns nothing.
  if (found && tag.lead.length + tag.responsible.length + tag.cooperating.length + tag.due.length === 0) found = false
  if (!found) {
    const said = readRunningText(rest, tag)
    if (said !== null) return { tag, rest: said }
  }
  return found ? { tag, rest } : null
}

const MAY_TAG = /[(\[（［〔【:：]|牵头|牽頭/
/** Words of running text that never stand in a unit's name (`特别是由我局`). */
const NOT_A_UNIT = /特别是|尤其是|其中|同时|并且|以及|由|通过|已经|目前|积极|主动/
const CLAUSE_LEAD = /^(?:由|请)?(.{2,60}?)牵头$/
const CLAUSE_COOP = /^(.{2,80}?)(?:配合|参与|协助|协同配合|共同参与)$/

/** True when every piece of a unit list reads as a unit (`市发改委`, `各县(市、区)政府`). */
function allUnits(list: string): boolean {
  const units = splitUnits(list)
  return units.length > 0 && units.every((u) => u.length >= 2 && u.length <= 30 && !NOT_A_UNIT.test(u) && (UNIT_END.test(u) || /^各/.test(u)))
}

/**
 * Roles said in running text without a bracket: `市发改委牵头,市财政局、市商务局配合` (also
 * `由市发改委牵头`). The clause must be a unit list ending in 牵头; a following clause ending in
 * 配合 / 参与 / 协助 names the cooperating units. Returns the text without those clauses, or null.
 */
function readRunningText(p: string, into: TagContent): string | null {
  if (!p.includes('牵头')) return null
  const parts = p.split(/([,;。])/)
  for (let k = 0; k < parts.length; k += 2) {
    const lead = CLAUSE_LEAD.exec(parts[k]!)
    if (!lead || !allUnits(lead[1]!)) continue
    add(into.lead, splitUnits(lead[1]!))
    let last = k
    const coop = k + 2 < parts.length ? CLAUSE_COOP.exec(parts[k + 2]!) : null
    if (coop && allUnits(coop[1]!)) {
      add(into.cooperating, splitUnits(coop[1]!))
      last = k + 2
    }
    return [...parts.slice(0, k), ...parts.slice(last + 1)].join('')
  }
  return null
}

function insideBrackets(s: string, at: number): boolean {
  let depth = 0
  for (let i = 0; i < at; i++) {
    const ch = s[i]
    if (ch === '(' || ch === '[') depth++
    else if ((ch === ')' || ch === ']') && depth > 0) depth--
  }
  return depth > 0
}

/** Merges tag contents into the first. */
export function mergeTag(into: TagContent, from: TagContent): void {
  add(into.lead, from.lead)
  add(into.responsible, from.responsible)
  add(into.cooperating, from.cooperating)
  into.due.push(...from.due)
}

export { stripFillers }
