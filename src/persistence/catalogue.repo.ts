/**
 * The service catalogue (服务目录, service_category) and the dispatch catalogue (派单目录, dispatch_rule):
 * versioned rows, the current version of a code (or rule id) being its one active row.
 */
import type { TimeLimitsByTier } from '../domain/tickets/time-limits.ts'
import type { Queryable } from './db.ts'

/** One version of a category as stored. */
export interface CategoryRow {
  readonly code: string
  readonly version: number
  readonly parentCode: string | null
  readonly level: 1 | 2 | 3
  readonly name: string
  readonly description: string
  readonly timeLimits: TimeLimitsByTier | null
  readonly function: string | null
  readonly townshipDuty: boolean
  /** 群众常说的说法 the desk's category search also matches (欠薪 for 拖欠工资); empty when none. */
  readonly keywords: readonly string[]
  readonly active: boolean
  readonly createdBy: string | null
  readonly createdAt: string
}

const CATEGORY_COLS = `code, version, parent_code AS "parentCode", level, name, description, time_limits AS "timeLimits",
  function, township_duty AS "townshipDuty", keywords, active, created_by AS "createdBy", created_at AS "createdAt"`

type RawDates<T> = Omit<T, 'createdAt'> & { createdAt: string | Date }

function iso(v: string | Date): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString()
}

function category(r: RawDates<CategoryRow>): CategoryRow {
  return { ...r, createdAt: iso(r.createdAt) }
}

/** Every current (active) category, by code. */
export async function listCurrentCategories(q: Queryable): Promise<CategoryRow[]> {
  const { rows } = await q.query<RawDates<CategoryRow>>(`SELECT ${CATEGORY_COLS} FROM service_category WHERE active ORDER BY code`)
  return rows.map(category)
}

/** The current version of a code, or null (unknown or retired); `lock` takes a row lock for a new version. */
export async function findCurrentCategory(q: Queryable, code: string, lock = false): Promise<CategoryRow | null> {
  const { rows } = await q.query<RawDates<CategoryRow>>(
    `SELECT ${CATEGORY_COLS} FROM service_category WHERE code = $1 AND active${lock ? ' FOR UPDATE' : ''}`,
    [code],
  )
  return rows[0] ? category(rows[0]) : null
}

/** The current versions of several codes in one statement (unknown or retired codes are absent). */
export async function findCurrentCategoriesIn(q: Queryable, codes: readonly string[]): Promise<CategoryRow[]> {
  if (codes.length === 0) return []
  const { rows } = await q.query<RawDates<CategoryRow>>(`SELECT ${CATEGORY_COLS} FROM service_category WHERE code = ANY($1::text[]) AND active`, [[...codes]])
  return rows.map(category)
}

/** Every version of a code, oldest first. */
export async function listCategoryVersions(q: Queryable, code: string): Promise<CategoryRow[]> {
  const { rows } = await q.query<RawDates<CategoryRow>>(`SELECT ${CATEGORY_COLS} FROM service_category WHERE code = $1 ORDER BY version`, [code])
  return rows.map(category)
}

/** One version of a code, or null. */
export async function findCategoryVersion(q: Queryable, code: string, version: number): Promise<CategoryRow | null> {
  const { rows } = await q.query<RawDates<CategoryRow>>(`SELECT ${CATEGORY_COLS} FROM service_category WHERE code = $1 AND version = $2`, [code, version])
  return rows[0] ? category(rows[0]) : null
}

/** The highest version a code has had (0 when never). */
export async function lastCategoryVersion(q: Queryable, code: string): Promise<number> {
  const { rows } = await q.query<{ v: number | null }>(`SELECT max(version)::int AS v FROM service_category WHERE code = $1`, [code])
  return rows[0]?.v ?? 0
}

/** Marks every version of a code inactive (retire, or before a new version is inserted). */
export async function deactivateCategory(q: Queryable, code: string): Promise<void> {
  // Ticket intake keeps current categories in this process (app/tickets/intake-lookups.ts).
  q.memo?.changed('catalogue')
  await q.query(`UPDATE service_category SET active = false WHERE code = $1 AND active`, [code])
}

/** Inserts a version row. */
export async function insertCategory(q: Queryable, r: Omit<CategoryRow, 'createdAt'> & { createdAt: Date }): Promise<void> {
  q.memo?.changed('catalogue')
  await q.query(
    `INSERT INTO service_category (code, version, parent_code, level, name, description, time_limits, function, township_duty, keywords, active, created_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb,$8,$9,$10::text[],$11,$12,$13)`,
    [r.code, r.version, r.parentCode, r.level, r.name, r.description, r.timeLimits === null ? null : JSON.stringify(r.timeLimits), r.function, r.townshipDuty, [...r.keywords], r.active, r.createdBy, r.createdAt.toISOString()],
  )
}

/** One version of a dispatch rule as stored. */
export interface DispatchRuleRow {
  readonly id: string
  readonly version: number
  readonly categoryCode: string
  readonly placeUnitId: string | null
  readonly unitId: string | null
  readonly byFunction: string | null
  readonly priority: number
  readonly basis: string
  readonly active: boolean
  readonly createdBy: string | null
  readonly createdAt: string
}

const RULE_COLS = `id, version, category_code AS "categoryCode", place_unit_id AS "placeUnitId", unit_id AS "unitId",
  by_function AS "byFunction", priority, basis, active, created_by AS "createdBy", created_at AS "createdAt"`

function rule(r: RawDates<DispatchRuleRow>): DispatchRuleRow {
  return { ...r, createdAt: iso(r.createdAt) }
}

/** Every current rule, or every version of every rule with `all`. */
export async function listDispatchRules(q: Queryable, opts: { all?: boolean } = {}): Promise<DispatchRuleRow[]> {
  const where = opts.all ? '' : 'WHERE active'
  const { rows } = await q.query<RawDates<DispatchRuleRow>>(`SELECT ${RULE_COLS} FROM dispatch_rule ${where} ORDER BY category_code, id, version`)
  return rows.map(rule)
}

/** The current version of a rule, or null. */
export async function findCurrentRule(q: Queryable, id: string, lock = false): Promise<DispatchRuleRow | null> {
  const { rows } = await q.query<RawDates<DispatchRuleRow>>(`SELECT ${RULE_COLS} FROM dispatch_rule WHERE id = $1 AND active${lock ? ' FOR UPDATE' : ''}`, [id])
  return rows[0] ? rule(rows[0]) : null
}

/** The highest version a rule id has had (0 when never). */
export async function lastRuleVersion(q: Queryable, id: string): Promise<number> {
  const { rows } = await q.query<{ v: number | null }>(`SELECT max(version)::int AS v FROM dispatch_rule WHERE id = $1`, [id])
  return rows[0]?.v ?? 0
}

/** Marks every version of a rule inactive. */
export async function deactivateRule(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE dispatch_rule SET active = false WHERE id = $1 AND active`, [id])
}

/** Inserts a rule version. */
export async function insertRule(q: Queryable, r: Omit<DispatchRuleRow, 'createdAt'> & { createdAt: Date }): Promise<void> {
  await q.query(
    `INSERT INTO dispatch_rule (id, version, category_code, place_unit_id, unit_id, by_function, priority, basis, active, created_by, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
    [r.id, r.version, r.categoryCode, r.placeUnitId, r.unitId, r.byFunction, r.priority, r.basis, r.active, r.createdBy, r.createdAt.toISOString()],
  )
}
