/**
 * Task tables (任务分解表): the columns of a table header read by meaning, not by exact words,
 * and one row read into the fields of an item. Pure; the rows reach here as `|` lines (every
 * input form — spreadsheet, Word, HTML, the flat text shapes — is turned into them first).
 *
 * Roles: number (序号/编号), task (重点工作/工作任务/目标任务/任务内容/主要内容), measures
 * (具体要求/工作措施/具体举措), lead (牵头单位/牵头责任单位/主办单位/主责单位), responsible (责任单位/
 * 主要责任单位/责任科室/责任部门), cooperating (配合单位/协同配合单位/协办单位/参与单位), due (完成时限/
 * 时限要求/完成时间/时间节点/进度安排), people (分管领导/责任领导/责任人/联系人 — never units), notes
 * (备注). Any other header is kept as a field of the item and reported with its column.
 */

export type ColumnRole =
  | 'number' | 'task' | 'measures' | 'lead' | 'responsible' | 'cooperating' | 'due' | 'people' | 'notes' | 'field'

/** A recognised header row. */
export interface TableColumns {
  /** Role of each column (same length as the header). */
  readonly roles: readonly ColumnRole[]
  /** The header text of each column, cleaned. */
  readonly names: readonly string[]
  /** Columns whose header the reader could not place (kept as fields). */
  readonly unplaced: readonly { readonly column: number; readonly header: string }[]
}

const clean = (s: string): string =>
  s.normalize('NFKC').replace(/\s+/g, '').replace(/[(（][^()（）]*[)）]/g, '').replace(/[:：*＊]/g, '')

const ROLE_RULES: readonly [ColumnRole, RegExp][] = [
  ['number', /^(?:序号|编号|序|号|项目编号|任务编号|No\.?)$/i],
  // People before units: 责任领导 / 牵头领导 / 责任人 are names, not units.
  ['people', /(?:领导|负责人|责任人|联系人|经办人|联络员|联系电话|包保人|挂点)/],
  ['lead', /^(?:牵头(?:责任|负责)?|主办|主责|牵头落实)(?:单位|部门|处室|科室|处|科)?$/],
  ['cooperating', /^(?:配合|协同配合|协同|协办|参与|协助|配合责任|协作)(?:单位|部门|处室|科室|处|科)?$/],
  ['responsible', /^(?:主要)?(?:责任|负责|承办|落实|实施|执行)(?:单位|部门|处室|科室|主体|处|科)$|^责任单位及责任人$/],
  ['due', /^(?:完成|办结|计划完成|预计完成)(?:时限|时间|期限|时间节点|日期)|^时限(?:要求)?$|^时间(?:节点|安排|要求|进度|期限)?$|^进度(?:安排|要求|计划)$|^完成时限及要求$|^截止(?:时间|日期)$/],
  ['notes', /^(?:备注|说明|附注)$/],
  ['measures', /(?:要求|措施|举措|步骤|目标|标准|成效|路径|任务分解|工作内容分解)$/],
  ['task', /^(?:重点|主要|具体|目标|年度|改革|整治|建设|民生)?(?:工作|任务|事项|内容|项目|实事)(?:任务|内容|名称|事项)?$|^(?:重点|主要)?(?:工作)?任务(?:内容|名称|事项)?$|^重点工作任务$|^事项名称$/],
]

/** The role a header cell names, or null when it is not a header word the reader knows. */
export function roleOfHeader(header: string): ColumnRole | null {
  const h = clean(header)
  if (h === '' || h.length > 16) return null
  for (const [role, re] of ROLE_RULES) if (re.test(h)) return role
  return null
}

const UNIT_ROLES = new Set<ColumnRole>(['lead', 'responsible', 'cooperating'])

/**
 * Reads a header row: at least two recognised columns, one of them a unit column or the
 * task column next to a number or due column, and no cell that reads like data.
 */
export function readColumns(cells: readonly string[]): TableColumns | null {
  // Cheap refusal first: a data row has a long cell or a number (most rows of a big table).
  if (cells.some((c) => c.length > 40 || /^\s*\d+\s*$/.test(c))) return null
  const names = cells.map(clean)
  const roles: ColumnRole[] = []
  const unplaced: { column: number; header: string }[] = []
  let known = 0
  for (let c = 0; c < names.length; c++) {
    const n = names[c]!
    const role = roleOfHeader(n)
    if (n !== '' && n.length > 16) return null
    if (/^\d+$/.test(n)) return null
    if (role) {
      known++
      roles.push(role)
    } else {
      roles.push('field')
      if (n !== '') unplaced.push({ column: c, header: n })
    }
  }
  if (known < 2) return null
  const units = roles.some((r) => UNIT_ROLES.has(r))
  const task = roles.includes('task') && (roles.includes('number') || roles.includes('due') || roles.includes('people'))
  if (!units && !task) return null
  // A header is mostly header words: a row of data with one word that happens to match is not.
  if (unplaced.length > known) return null
  return { roles, names, unplaced }
}

/**
 * Joins a two-row header: the upper row's merged cell (`责任单位` over `牵头单位 | 配合单位`) is
 * named by the lower row where it says something, by the upper row elsewhere.
 */
export function joinColumns(upper: TableColumns, lower: TableColumns): TableColumns {
  const n = Math.max(upper.names.length, lower.names.length)
  const names: string[] = []
  const roles: ColumnRole[] = []
  for (let c = 0; c < n; c++) {
    const lo = lower.names[c] ?? ''
    const up = upper.names[c] ?? ''
    const useLower = lo !== '' && lo !== up && lower.roles[c] !== 'field'
    names.push(useLower ? lo : up || lo)
    roles.push(useLower ? lower.roles[c]! : upper.roles[c] ?? lower.roles[c] ?? 'field')
  }
  const unplaced = names.flatMap((h, column) => (roles[column] === 'field' && h !== '' ? [{ column, header: h }] : []))
  return { roles, names, unplaced }
}

/** True when `cells` repeats the header `cols` (a header repeated on every page). */
export function sameHeader(cols: TableColumns, cells: readonly string[]): boolean {
  const names = cells.map(clean)
  let same = 0
  for (let c = 0; c < names.length; c++) if (names[c] !== '' && names[c] === cols.names[c]) same++
  return same >= 2 && same >= names.filter((x) => x !== '').length - 1
}

/** The cells of one data row sorted by role. */
export interface RowFields {
  readonly number: string
  readonly task: string
  readonly measures: string
  readonly lead: string[]
  readonly responsible: string[]
  readonly cooperating: string[]
  readonly due: string[]
  readonly people: string[]
  readonly notes: string
  /** Unknown columns by header name. */
  readonly fields: Record<string, string>
  /** Column index of each role or field that had a value. */
  readonly columnOf: Record<string, number>
}

/** Sorts a row's cells by the roles of `cols`. */
export function rowFields(cols: TableColumns, cells: readonly string[]): RowFields {
  const out = {
    number: '', task: '', measures: '', lead: [] as string[], responsible: [] as string[], cooperating: [] as string[],
    due: [] as string[], people: [] as string[], notes: '', fields: {} as Record<string, string>, columnOf: {} as Record<string, number>,
  }
  const loose: string[] = []
  cells.forEach((raw, c) => {
    const v = raw.trim()
    if (v === '') return
    const role = cols.roles[c] ?? 'field'
    switch (role) {
      case 'number':
        out.number ||= v
        break
      case 'task':
        out.task = out.task ? `${out.task} ${v}` : v
        break
      case 'measures':
        out.measures = out.measures ? `${out.measures} ${v}` : v
        break
      case 'lead':
      case 'responsible':
      case 'cooperating':
      case 'due':
      case 'people':
        out[role].push(v)
        break
      case 'notes':
        out.notes = v
        break
      case 'field': {
        const name = cols.names[c] || `第${c + 1}列`
        out.fields[name] = v
        if (!cols.names[c]) loose.push(v)
        out.columnOf[name] = c
        return
      }
    }
    out.columnOf[role] ??= c
  })
  // No task column: the first long unnamed cell is the task.
  if (!out.task) {
    const guess = Object.entries(out.fields).sort((a, b) => b[1].length - a[1].length)[0]
    if (guess && guess[1].length >= 4) {
      out.task = guess[1]
      out.columnOf.task = out.columnOf[guess[0]]!
    } else if (out.measures) {
      out.task = out.measures
      out.measures = ''
      out.columnOf.task = out.columnOf.measures!
    }
  }
  return out
}

/** The item marker of a 序号 cell: `80` → `80.`; other serials (`(1)`, `一`) as written. */
export function serialMarker(number: string): string {
  const n = number.normalize('NFKC').replace(/\s+/g, '').replace(/[.、]$/, '')
  if (/^\d{1,4}$/.test(n)) return `${Number(n)}.`
  if (/^[(]?\d{1,3}[)]$|^[一二三四五六七八九十]{1,3}$|^\d{1,3}(?:[.-]\d{1,3})+$/.test(n)) return n
  return ''
}
