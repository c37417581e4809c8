/**
 * The service catalogue (服务目录): three levels of categories (城乡建设 › 市容环境 › 占道经营), each with
 * handling time limits by tier (inherited from the parent level when missing), the function (职能) of the
 * units that handle it, and whether it is a 乡镇(街道)履职事项. Versioned: an edit writes a new version
 * row and retires the old one, both kept, so a ticket can always name the version it started with.
 * Every change is audited.
 */
import type { Queryable } from '../../persistence/db.ts'
import {
  deactivateCategory,
  findCurrentCategory,
  findCurrentCategoriesIn,
  insertCategory,
  lastCategoryVersion,
  listCategoryVersions,
  listCurrentCategories,
  type CategoryRow,
} from '../../persistence/catalogue.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { parseTimeLimits, resolveTimeLimits, TIERS, type TimeLimitsByTier } from '../../domain/tickets/time-limits.ts'
import { isTicketFunction, TICKET_FUNCTIONS } from '../../domain/tickets/unit-functions.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

export type { CategoryRow }

/** A level-3 category as intake uses it: path of names, limits resolved through the parents. */
export interface CurrentCategory {
  readonly code: string
  readonly version: number
  /** Names of levels 1..3, e.g. ['城乡建设', '市容环境', '占道经营']. */
  readonly path: readonly string[]
  readonly name: string
  readonly level: 1 | 2 | 3
  readonly timeLimits: TimeLimitsByTier
  readonly function: string | null
  readonly townshipDuty: boolean
}

/** A node of the current catalogue tree. */
export interface CategoryNode {
  readonly code: string
  readonly version: number
  readonly parentCode: string | null
  readonly level: 1 | 2 | 3
  readonly name: string
  readonly description: string
  /** Limits by tier after inheritance from the parents (what a new ticket would get, before defaults). */
  readonly timeLimits: TimeLimitsByTier
  /** The category's own limits; null = all inherited. */
  readonly ownTimeLimits: TimeLimitsByTier | null
  readonly function: string | null
  readonly townshipDuty: boolean
  /** The category's own 群众常说的说法 (欠薪, 讨薪 for 拖欠工资) that the desk's category search matches. */
  readonly keywords: readonly string[]
  readonly children: CategoryNode[]
}

/** What an admin sends to create a category or write its new version. */
export interface CategoryInput {
  readonly code: string
  readonly name: string
  readonly description?: string
  readonly timeLimits?: unknown
  readonly function?: string | null
  readonly townshipDuty?: boolean
  /** 群众常说的说法; omitted keeps the current version's (none for a new category), [] clears them. */
  readonly keywords?: readonly unknown[]
}

/** Code of a category: 1–3 dot-separated segments of letters and digits, a child's code extending its parent's. */
const CODE_RE = /^[A-Za-z0-9]{1,8}(\.[A-Za-z0-9]{1,8}){0,2}$/

function fieldInvalid(where: string, detail: string): DubanError {
  return new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}: ${detail}`, { where })
}

/** At most this many keywords per category, each of 1..KEYWORD_MAX_CHARS characters. */
export const KEYWORDS_MAX = 30
export const KEYWORD_MAX_CHARS = 20

/**
 * Checks and trims a category's keywords: strings of 1–20 characters after trimming, at most 30, no two the same.
 * Throws DUBAN_ERR_FIELD_INVALID naming `keywords` and the offending entry otherwise.
 */
export function parseKeywords(input: readonly unknown[]): string[] {
  if (!Array.isArray(input)) throw fieldInvalid('keywords', 'must be a list of words')
  if (input.length > KEYWORDS_MAX) throw fieldInvalid('keywords', `${input.length} keywords; at most ${KEYWORDS_MAX}`)
  const out: string[] = []
  input.forEach((raw, i) => {
    if (typeof raw !== 'string') throw fieldInvalid('keywords', `keywords[${i}] is not text`)
    const word = raw.trim()
    const chars = [...word].length
    if (chars === 0) throw fieldInvalid('keywords', `keywords[${i}] is empty`)
    if (chars > KEYWORD_MAX_CHARS) throw fieldInvalid('keywords', `keywords[${i}] "${word}" has ${chars} characters; at most ${KEYWORD_MAX_CHARS}`)
    if (out.includes(word)) throw fieldInvalid('keywords', `keywords[${i}] "${word}" is listed twice`)
    out.push(word)
  })
  return out
}

/** The parent code a code implies ('03.02.05' → '03.02'), null at level 1. */
export function parentCodeOf(code: string): string | null {
  const i = code.lastIndexOf('.')
  return i < 0 ? null : code.slice(0, i)
}

/** True when a rule's category code (a code or a prefix of codes) covers a code. */
export function codeCovers(prefix: string, code: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`)
}

/** The chain of current rows from a code up to level 1 (the code first), or null when any link is missing. */
async function chainOf(q: Queryable, code: string, byCode?: ReadonlyMap<string, CategoryRow>): Promise<CategoryRow[] | null> {
  const chain: CategoryRow[] = []
  for (let c: string | null = code; c; c = parentCodeOf(c)) {
    const row = byCode ? (byCode.get(c) ?? null) : await findCurrentCategory(q, c)
    if (!row) return null
    chain.push(row)
  }
  return chain
}

function resolvedOf(chain: readonly CategoryRow[]): CurrentCategory {
  const self = chain[0] as CategoryRow
  return {
    code: self.code,
    version: self.version,
    path: [...chain].reverse().map((r) => r.name),
    name: self.name,
    level: self.level,
    timeLimits: resolveTimeLimits(chain.map((r) => r.timeLimits)),
    function: chain.find((r) => r.function)?.function ?? null,
    townshipDuty: chain.some((r) => r.townshipDuty),
  }
}

/** A current category of any level, resolved, or null when unknown, retired or under a retired parent. */
export async function findCategory(q: Queryable, code: string): Promise<CurrentCategory | null> {
  const chain = await chainOf(q, code)
  return chain ? resolvedOf(chain) : null
}

/**
 * Current categories of several codes, each resolved as findCategory does, reading every code of their chains in
 * one statement (a ticket list's page shows up to 20 categories: not three statements each).
 */
export async function findCategories(q: Queryable, codes: readonly string[]): Promise<Map<string, CurrentCategory>> {
  const all = new Set<string>()
  for (const code of codes) for (let c: string | null = code; c; c = parentCodeOf(c)) all.add(c)
  const byCode = new Map((await findCurrentCategoriesIn(q, [...all])).map((r) => [r.code, r]))
  const out = new Map<string, CurrentCategory>()
  for (const code of new Set(codes)) {
    const chain = await chainOf(q, code, byCode)
    if (chain) out.set(code, resolvedOf(chain))
  }
  return out
}

/**
 * The current level-3 category a ticket can be filed under. Throws DUBAN_ERR_FIELD_INVALID naming
 * `categoryCode` when the code is unknown, retired or not of level 3.
 */
export async function currentCategory(q: Queryable, code: string): Promise<CurrentCategory> {
  const found = await findCategory(q, code)
  if (!found) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `categoryCode: no current category ${code}`, { where: 'categoryCode' })
  if (found.level !== 3) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `categoryCode: ${code} (${found.name}) is a level-${found.level} grouping; choose a level-3 category`, { where: 'categoryCode' })
  return found
}

/** The current catalogue as a tree (level 1 roots), limits resolved through the parents. */
export async function currentCategories(q: Queryable): Promise<CategoryNode[]> {
  const rows = await listCurrentCategories(q)
  const byCode = new Map(rows.map((r) => [r.code, r]))
  const nodes = new Map<string, CategoryNode>()
  const roots: CategoryNode[] = []
  for (const r of rows) {
    const chain = await chainOf(q, r.code, byCode)
    if (!chain) continue // under a retired parent: not offered
    const resolved = resolvedOf(chain)
    nodes.set(r.code, {
      code: r.code,
      version: r.version,
      parentCode: r.parentCode,
      level: r.level,
      name: r.name,
      description: r.description,
      timeLimits: resolved.timeLimits,
      ownTimeLimits: r.timeLimits,
      function: resolved.function,
      townshipDuty: resolved.townshipDuty,
      keywords: r.keywords,
      children: [],
    })
  }
  // Rows come ordered by code, so a parent is placed before its children.
  for (const n of nodes.values()) {
    const parent = n.parentCode ? nodes.get(n.parentCode) : undefined
    if (parent) parent.children.push(n)
    else if (!n.parentCode) roots.push(n)
  }
  return roots
}

/** Every version of a code, oldest first; DUBAN_ERR_NOT_FOUND when the code never existed. */
export async function categoryVersions(q: Queryable, code: string): Promise<CategoryRow[]> {
  const rows = await listCategoryVersions(q, code)
  if (rows.length === 0) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no category ${code}`, { where: 'code' })
  return rows
}

/** Time limits in a fixed tier order (jsonb does not keep the order of keys). */
function limitsKey(limits: TimeLimitsByTier | null): string {
  return limits === null ? 'null' : JSON.stringify(TIERS.map((t) => (limits[t] ? [limits[t].unit, limits[t].amount] : null)))
}

function sameContent(a: CategoryRow, b: Omit<CategoryRow, 'version' | 'active' | 'createdBy' | 'createdAt'>): boolean {
  return (
    a.name === b.name &&
    a.description === b.description &&
    a.function === b.function &&
    a.townshipDuty === b.townshipDuty &&
    a.keywords.join('\n') === b.keywords.join('\n') &&
    limitsKey(a.timeLimits) === limitsKey(b.timeLimits)
  )
}

/**
 * Creates a category (mode `create`: refused with DUBAN_ERR_CONFLICT when the code is current), writes a
 * new version of a current one (mode `update`: DUBAN_ERR_NOT_FOUND when it is not), or either (`upsert`,
 * the default, e.g. for seeding). A version identical to the current one is not written again.
 */
export async function saveCategory(
  deps: AppDeps,
  actor: Actor | null,
  input: CategoryInput,
  opts: { mode?: 'create' | 'update' | 'upsert'; tx?: Queryable } = {},
): Promise<CategoryRow> {
  const mode = opts.mode ?? 'upsert'
  if (!CODE_RE.test(input.code)) throw fieldInvalid('code', 'one to three dot-separated segments of letters and digits, e.g. 03.02.05')
  const name = input.name.trim()
  if (!name) throw fieldInvalid('name', 'must not be empty')
  const timeLimits = parseTimeLimits(input.timeLimits ?? null)
  const fn = input.function ?? null
  if (fn !== null && !isTicketFunction(fn)) throw fieldInvalid('function', `must be one of ${TICKET_FUNCTIONS.join('、')}`)
  const keywords = input.keywords === undefined ? null : parseKeywords(input.keywords)
  const parentCode = parentCodeOf(input.code)
  const level = (input.code.split('.').length as 1 | 2 | 3)
  const run = async (q: Queryable): Promise<CategoryRow> => {
    if (parentCode && !(await findCurrentCategory(q, parentCode))) throw fieldInvalid('code', `the parent category ${parentCode} does not exist or is retired`)
    const current = await findCurrentCategory(q, input.code, true)
    if (mode === 'create' && current) throw new DubanError('DUBAN_ERR_CONFLICT', `category ${input.code} already exists; write a new version with PUT`, { where: 'code' })
    if (mode === 'update' && !current) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no current category ${input.code}`, { where: 'code' })
    const content = {
      code: input.code,
      parentCode,
      level,
      name,
      description: input.description?.trim() ?? '',
      timeLimits,
      function: fn,
      townshipDuty: input.townshipDuty ?? false,
      keywords: keywords ?? current?.keywords ?? [],
    }
    if (current && sameContent(current, content)) return current
    const at = deps.clock.now()
    const version = (await lastCategoryVersion(q, input.code)) + 1
    await deactivateCategory(q, input.code)
    await insertCategory(q, { ...content, version, active: true, createdBy: actor?.userId ?? null, createdAt: at })
    const after = (await findCurrentCategory(q, input.code)) as CategoryRow
    await appendAudit(q, {
      actorId: actor?.userId ?? null,
      action: current ? 'catalogue.update' : 'catalogue.create',
      entity: 'service_category',
      entityId: input.code,
      before: current,
      after,
      at,
    })
    return after
  }
  return opts.tx ? run(opts.tx) : deps.db.transaction(run)
}

/** Retires a current category (its rows are kept); refused while it has current children. */
export async function retireCategory(deps: AppDeps, actor: Actor | null, code: string): Promise<CategoryRow> {
  return deps.db.transaction(async (q) => {
    const current = await findCurrentCategory(q, code, true)
    if (!current) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no current category ${code}`, { where: 'code' })
    const { rows } = await q.query<{ code: string }>(`SELECT code FROM service_category WHERE active AND parent_code = $1 ORDER BY code LIMIT 1`, [code])
    if (rows[0]) throw new DubanError('DUBAN_ERR_CONFLICT', `category ${code} still has the current sub-category ${rows[0].code}; retire that first`, { where: 'code' })
    await deactivateCategory(q, code)
    const at = deps.clock.now()
    const after = { ...current, active: false }
    await appendAudit(q, { actorId: actor?.userId ?? null, action: 'catalogue.retire', entity: 'service_category', entityId: code, before: current, after, at })
    return after
  })
}
