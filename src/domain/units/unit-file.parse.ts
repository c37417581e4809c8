/**
 * Reading a unit list (单位清单) from table rows: columns id, name, parent_id, level, function,
 * aliases (separated by `;` or `；`). Every problem is reported with its line and field; the caller
 * writes nothing unless the list is clean. Pure: rows in, records or problems out.
 */

/** Levels a unit can have. */
export const UNIT_FILE_LEVELS = ['province', 'city', 'district', 'township', 'community', 'department', 'office'] as const

/** Chinese level words accepted in the level column as well. */
const LEVEL_WORDS: Readonly<Record<string, (typeof UNIT_FILE_LEVELS)[number]>> = {
  省: 'province',
  市: 'city',
  区: 'district',
  县: 'district',
  区县: 'district',
  乡镇: 'township',
  街道: 'township',
  乡镇街道: 'township',
  社区: 'community',
  村: 'community',
  部门: 'department',
  科室: 'office',
}

/** One unit read from the file, with the line it came from. */
export interface UnitRecord {
  readonly line: number
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly level: (typeof UNIT_FILE_LEVELS)[number]
  readonly function: string | null
  readonly aliases: readonly string[]
}

/** A problem at a line (1-based, the header is line 1) and field. */
export interface UnitFileProblem {
  readonly line: number
  readonly field: string
  readonly message: string
}

const COLUMNS = ['id', 'name', 'parent_id', 'level', 'function', 'aliases'] as const
const REQUIRED = ['id', 'name', 'parent_id', 'level'] as const

/** The limits POST /api/units holds a unit to (units.schema.ts), held here for every row of a file too. */
export const UNIT_FUNCTION_MAX = 50
export const UNIT_ALIASES_MAX = 50
export const UNIT_ALIAS_MAX = 100

/**
 * What makes a cell's text unstorable or corrupt, or null: a NUL (PostgreSQL cannot store it), a lone UTF-16
 * surrogate, or U+FFFD, which a decoder leaves for bytes that were not valid in the file's encoding.
 */
function badCellText(s: string): string | null {
  if (s.includes('\u0000')) return 'holds a NUL character (U+0000)'
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) return 'holds a lone UTF-16 surrogate (not valid Unicode)'
  if (s.includes('\uFFFD')) return 'holds U+FFFD, left where bytes were not valid text in the file\'s encoding; save the file as UTF-8'
  return null
}

/**
 * Reads rows (the first is the header) into unit records, checking ids, levels and parents.
 * existingIds are units already in the database, which parents may refer to. Records come out
 * parents first, so they can be inserted in order.
 */
export function readUnitRows(rows: readonly (readonly string[])[], existingIds: ReadonlySet<string> = new Set()): { records: UnitRecord[]; problems: UnitFileProblem[] } {
  const problems: UnitFileProblem[] = []
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase())
  if (rows.length === 0) return { records: [], problems: [{ line: 1, field: 'header', message: 'the file is empty' }] }
  for (const col of REQUIRED) if (!header.includes(col)) problems.push({ line: 1, field: col, message: `column ${col} is missing` })
  header.forEach((h, i) => {
    if (h && !(COLUMNS as readonly string[]).includes(h)) problems.push({ line: 1, field: h, message: `unknown column ${h} (expected ${COLUMNS.join(',')})` })
    if (h && header.indexOf(h) !== i) problems.push({ line: 1, field: h, message: `column ${h} appears twice` })
  })
  if (problems.length > 0) return { records: [], problems }
  const at = (row: readonly string[], col: string) => (row[header.indexOf(col)] ?? '').trim()

  const records: UnitRecord[] = []
  const lineOf = new Map<string, number>()
  const parentRefs: { line: number; parent: string }[] = []
  rows.slice(1).forEach((row, i) => {
    const line = i + 2
    if (row.every((c) => c.trim() === '')) return
    const id = at(row, 'id')
    const name = at(row, 'name')
    const parent = at(row, 'parent_id')
    const levelRaw = at(row, 'level')
    const before = problems.length
    header.forEach((h, c) => {
      const problem = h ? badCellText(row[c] ?? '') : null
      if (problem) problems.push({ line, field: h, message: `${h} ${problem}` })
    })
    if (!id) problems.push({ line, field: 'id', message: 'id is empty' })
    else if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) problems.push({ line, field: 'id', message: `id '${id}' may hold only letters, digits, _ . - (at most 64)` })
    else if (lineOf.has(id)) problems.push({ line, field: 'id', message: `id '${id}' already used on line ${lineOf.get(id)}` })
    if (!name) problems.push({ line, field: 'name', message: 'name is empty' })
    else if (name.length > 100) problems.push({ line, field: 'name', message: 'name is longer than 100 characters' })
    const level = (UNIT_FILE_LEVELS as readonly string[]).includes(levelRaw.toLowerCase()) ? (levelRaw.toLowerCase() as UnitRecord['level']) : LEVEL_WORDS[levelRaw]
    if (!level) problems.push({ line, field: 'level', message: `level '${levelRaw}' is not one of ${UNIT_FILE_LEVELS.join(', ')}` })
    if (parent && parent === id) problems.push({ line, field: 'parent_id', message: 'a unit cannot be its own parent' })
    if (id && !lineOf.has(id)) lineOf.set(id, line)
    if (parent && parent !== id) parentRefs.push({ line, parent })
    const fn = at(row, 'function')
    if ([...fn].length > UNIT_FUNCTION_MAX) problems.push({ line, field: 'function', message: `function is longer than ${UNIT_FUNCTION_MAX} characters` })
    const aliases = at(row, 'aliases')
      .split(/[;；]/)
      .map((a) => a.trim())
      .filter((a) => a !== '')
    if (aliases.length > UNIT_ALIASES_MAX) problems.push({ line, field: 'aliases', message: `${aliases.length} aliases; at most ${UNIT_ALIASES_MAX}` })
    const long = aliases.find((a) => [...a].length > UNIT_ALIAS_MAX)
    if (long !== undefined) problems.push({ line, field: 'aliases', message: `alias '${[...long].slice(0, 20).join('')}…' is longer than ${UNIT_ALIAS_MAX} characters` })
    if (problems.length > before || !level) return
    records.push({ line, id, name, parentId: parent || null, level, function: fn || null, aliases: [...new Set(aliases)] })
  })

  const inFile = new Map(records.map((r) => [r.id, r]))
  for (const { line, parent } of parentRefs) {
    if (!existingIds.has(parent) && !lineOf.has(parent)) {
      problems.push({ line, field: 'parent_id', message: `parent '${parent}' is neither in the file nor an existing unit` })
    }
  }
  // Parents first; a cycle inside the file leaves units that never become ready.
  const ordered: UnitRecord[] = []
  const placed = new Set<string>()
  let pending = records
  while (pending.length > 0) {
    const ready = pending.filter((r) => !r.parentId || placed.has(r.parentId) || !inFile.has(r.parentId))
    if (ready.length === 0) {
      for (const r of pending) problems.push({ line: r.line, field: 'parent_id', message: `parent chain of '${r.id}' loops back to itself` })
      break
    }
    for (const r of ready) (ordered.push(r), placed.add(r.id))
    pending = pending.filter((r) => !placed.has(r.id))
  }
  problems.sort((a, b) => a.line - b.line)
  return { records: problems.length > 0 ? [] : ordered, problems }
}

/** Splits CSV text into rows of fields (RFC 4180: quotes, doubled quotes, CRLF, newlines in quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const src = text.replace(/^\uFEFF/, '')
  for (let i = 0; i < src.length; i++) {
    const c = src[i]
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') (row.push(field), (field = ''))
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) (row.push(field), rows.push(row))
  return rows
}
