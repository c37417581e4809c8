/**
 * The issuing offices (发文机关): the 落款 printed under every document duban sends (督办通知单, 通报) and the
 * prefix of 通报 numbers. The top of the unit tree has one (office_profile); every area below it (a district,
 * a county) has its own, so a district's 通报 over its own scope is signed and numbered by the district
 * (domain/units/area-office.ts says which office a 通报 is from). Until an admin sets one, it is derived from
 * the unit's name (云州市 → 云州市人民政府督查室, 云督通; 青龙区 → 青龙区人民政府督查室, 青龙督通), so a
 * document is never sent unsigned.
 */
import { getOfficeProfile, listAreaOffices, rootUnitName, saveAreaOffice, saveOfficeProfile, type AreaOfficeRow } from '../../persistence/office.repo.ts'
import { listUnits } from '../../persistence/units.repo.ts'
import { AREA_LEVELS, TOP_NOTICE_PREFIX, areaNoticePrefix, coveringArea, derivedAreaOffice } from '../../domain/units/area-office.ts'
import type { Queryable } from '../../persistence/db.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'

/**
 * What documents print: the 落款, the 通报 number prefix and the 督办通知单's — the admin's own when set apart
 * (`noticePrefixSet`), else the one that follows from the office (the top's 督办, an area's from its 通报 prefix,
 * area-office.ts); `configured` false when derived.
 */
export interface OfficeProfile {
  readonly issuingOffice: string
  readonly bulletinPrefix: string
  readonly noticePrefix: string
  readonly noticePrefixSet: boolean
  readonly configured: boolean
}

/** What the offices are read from: the database, or a transaction's connection. */
type Reads = { readonly db: Queryable }

/** One office as the admin's list shows it: the top's (`top`) or an area's, with the unit it belongs to. */
export interface AreaOfficeEntry extends OfficeProfile {
  readonly unit: { readonly id: string; readonly name: string; readonly level: string } | null
  readonly top: boolean
}

/** The office a 通报 or 督办通知单 is issued by: `office` '' for the top's, else the area unit's id (each counts its own numbers). */
export interface IssuingOffice extends OfficeProfile {
  readonly office: string
}

/** The top's profile in effect (stored, or derived from the unit tree). */
export async function officeProfile(deps: Reads): Promise<OfficeProfile> {
  const stored = await getOfficeProfile(deps.db)
  if (stored) {
    const { issuingOffice, bulletinPrefix, noticePrefix } = stored
    return { issuingOffice, bulletinPrefix, noticePrefix: noticePrefix ?? TOP_NOTICE_PREFIX, noticePrefixSet: noticePrefix !== null, configured: true }
  }
  const root = (await rootUnitName(deps.db)) ?? ''
  const place = root.replace(/人民政府$/, '')
  return {
    issuingOffice: place ? `${place}人民政府督查室` : '督查室',
    bulletinPrefix: `${place.slice(0, 1)}督通`,
    noticePrefix: TOP_NOTICE_PREFIX,
    noticePrefixSet: false,
    configured: false,
  }
}

/** An area's profile: the admin's row when set, else derived from its name. */
function areaProfile(name: string, stored: AreaOfficeRow | undefined): OfficeProfile {
  const own = stored ? { issuingOffice: stored.issuingOffice, bulletinPrefix: stored.bulletinPrefix, configured: true } : { ...derivedAreaOffice(name), configured: false }
  const set = stored?.noticePrefix ?? null
  return { ...own, noticePrefix: set ?? areaNoticePrefix(own.bulletinPrefix), noticePrefixSet: set !== null }
}

/** Every office: the top's first, then each active area unit below the top (in the directory's order) with its own or derived one. */
export async function areaOffices(deps: Reads): Promise<AreaOfficeEntry[]> {
  const [top, units, stored] = await Promise.all([officeProfile(deps), listUnits(deps.db), listAreaOffices(deps.db)])
  const own = new Map(stored.map((s) => [s.unitId, s]))
  const root = units.filter((u) => u.parentId === null).sort((a, b) => a.name.localeCompare(b.name))[0] ?? null
  const areas = units.filter((u) => u.parentId !== null && AREA_LEVELS.includes(u.level))
  return [
    { ...top, unit: root ? { id: root.id, name: root.name, level: root.level } : null, top: true },
    ...areas.map((u) => ({ ...areaProfile(u.name, own.get(u.id)), unit: { id: u.id, name: u.name, level: u.level }, top: false })),
  ]
}

/**
 * The office that issues a 通报 over `scope` (the reader's units; null = all): the area's below the top that
 * covers the whole scope, else the top's.
 */
export async function issuingOfficeFor(deps: Reads, scope: readonly string[] | null): Promise<IssuingOffice> {
  if (scope === null) return { ...(await officeProfile(deps)), office: '' }
  const area = coveringArea(await listUnits(deps.db, { includeInactive: true }), scope)
  return area ? areaOffice(deps, area) : { ...(await officeProfile(deps)), office: '' }
}

/**
 * An office by the id a document stored ('' the top's, else an area unit's): what a 督办通知单 issued by it prints now
 * (its 落款 as last set). An area unit made inactive still signs with its name; one gone from the directory, the top.
 */
export async function officeById(deps: Reads, office: string): Promise<IssuingOffice> {
  const unit = office === '' ? undefined : (await listUnits(deps.db, { includeInactive: true })).find((u) => u.id === office)
  return unit ? areaOffice(deps, unit) : { ...(await officeProfile(deps)), office: '' }
}

/** An area unit's office: its own row when an admin set one, else derived from its name. */
async function areaOffice(deps: Reads, unit: { readonly id: string; readonly name: string }): Promise<IssuingOffice> {
  return { ...areaProfile(unit.name, (await listAreaOffices(deps.db)).find((o) => o.unitId === unit.id)), office: unit.id }
}

const field = (v: unknown, where: string, max: number): string => {
  if (typeof v !== 'string' || v.trim() === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', `${where} must be a non-empty string`, { where })
  const s = v.trim()
  if ([...s].length > max) throw new DubanError('DUBAN_ERR_VALIDATION', `${where} is longer than ${max} characters`, { where })
  return s
}

/**
 * A 文号 prefix: Chinese characters, letters and digits only (青龙督通, 云政督字): the number is printed after it as
 * 〔2026〕1号, so brackets, spaces or line breaks in it would print a broken 文号.
 */
const prefix = (v: unknown, where: string): string => {
  const s = field(v, where, 12)
  if (!/^[\p{Script=Han}A-Za-z0-9]+$/u.test(s)) {
    throw new DubanError('DUBAN_ERR_VALIDATION', `${where} may hold Chinese characters, letters and digits only (the number follows it as 〔2026〕1号)`, { where })
  }
  return s
}

/** What an admin sends: the 落款, the 通报 prefix and, optionally, a 督办通知单 prefix of its own (absent, null or '': follows). */
export interface OfficeInput {
  readonly issuingOffice?: unknown
  readonly bulletinPrefix?: unknown
  readonly noticePrefix?: unknown
}

/** The admin's input as saved: `noticePrefix` null follows from the office. */
interface CheckedOffice {
  readonly issuingOffice: string
  readonly bulletinPrefix: string
  readonly noticePrefix: string | null
}

/**
 * The admin's input checked: the fields, a 督办通知单 prefix that is not the office's 通报 prefix (a notice and a 通报
 * would both be 青龙督通〔2026〕1号), and prefixes no other office prints, of either kind (two offices would number alike).
 */
async function checkedInput(deps: Reads, unitId: string | null, input: OfficeInput): Promise<CheckedOffice> {
  const issuingOffice = field(input.issuingOffice, 'issuingOffice', 60)
  const bulletinPrefix = prefix(input.bulletinPrefix, 'bulletinPrefix')
  const own = input.noticePrefix === undefined || input.noticePrefix === null || (typeof input.noticePrefix === 'string' && input.noticePrefix.trim() === '')
    ? null
    : prefix(input.noticePrefix, 'noticePrefix')
  const noticePrefix = own ?? (unitId === null ? TOP_NOTICE_PREFIX : areaNoticePrefix(bulletinPrefix))
  if (noticePrefix === bulletinPrefix) {
    throw new DubanError('DUBAN_ERR_VALIDATION', `the 督办通知单 prefix ${noticePrefix} is the office's 通报 prefix too: a notice and a 通报 would print one number`, { where: 'noticePrefix' })
  }
  // The others: for the top, every area; for an area, the top and the other areas.
  const others = (await areaOffices(deps)).filter((o) => (unitId === null ? !o.top : o.top || o.unit?.id !== unitId))
  // The 督办通知单 prefix it gives must be its own too (青龙 and 青龙督通 would both print 青龙督办〔2026〕1号).
  const mine = [
    { prefix: bulletinPrefix, what: `the 通报 prefix ${bulletinPrefix}`, where: 'bulletinPrefix' },
    { prefix: noticePrefix, what: own === null ? `the 督办通知单 prefix ${noticePrefix} it gives` : `the 督办通知单 prefix ${noticePrefix}`, where: own === null ? 'bulletinPrefix' : 'noticePrefix' },
  ]
  for (const m of mine) {
    const clash = others.find((o) => o.bulletinPrefix === m.prefix || o.noticePrefix === m.prefix)
    if (clash) {
      throw new DubanError('DUBAN_ERR_OFFICE_PREFIX_CONFLICT', `${m.what} is already printed by ${clash.top ? 'the top office' : clash.unit?.name ?? ''}`, { where: m.where })
    }
  }
  return { issuingOffice, bulletinPrefix, noticePrefix: own }
}

/** An admin sets the top's 落款, 通报 prefix and (optionally) 督办通知单 prefix; audited. */
export async function setOfficeProfile(deps: AppDeps, actor: Actor, input: OfficeInput): Promise<OfficeProfile> {
  if (actor.role !== 'admin') throw new DubanError('DUBAN_ERR_FORBIDDEN', 'only an admin sets the issuing office', { where: 'role' })
  const saved = await checkedInput(deps, null, input)
  const before = await officeProfile(deps)
  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now()
    await saveOfficeProfile(tx, { ...saved, at })
    await audit(tx, actor, at, { action: 'office.profile.save', entity: 'office_profile', entityId: '1', before, after: saved })
  })
  return officeProfile(deps)
}

/** An admin sets an area's 落款, 通报 prefix and (optionally) 督办通知单 prefix (the top's unit sets the top's); audited. */
export async function setAreaOffice(deps: AppDeps, actor: Actor, unitId: string, input: OfficeInput): Promise<AreaOfficeEntry> {
  if (actor.role !== 'admin') throw new DubanError('DUBAN_ERR_FORBIDDEN', 'only an admin sets the issuing office', { where: 'role' })
  const entry = (await areaOffices(deps)).find((o) => o.unit?.id === unitId)
  if (!entry) {
    throw new DubanError('DUBAN_ERR_NOT_FOUND', `${unitId} is not an active province, city or district unit (only an area has a 督查室 of its own)`, { where: 'unitId' })
  }
  if (entry.top) return { ...(await setOfficeProfile(deps, actor, input)), unit: entry.unit, top: true }
  const saved = await checkedInput(deps, unitId, input)
  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now()
    await saveAreaOffice(tx, { unitId, ...saved, at })
    await audit(tx, actor, at, {
      action: 'office.area.save',
      entity: 'area_office',
      entityId: unitId,
      before: { issuingOffice: entry.issuingOffice, bulletinPrefix: entry.bulletinPrefix, noticePrefix: entry.noticePrefixSet ? entry.noticePrefix : null, configured: entry.configured },
      after: saved,
    })
  })
  // What it prints now, by the same rule as every read (areaProfile).
  return { ...areaProfile(entry.unit?.name ?? '', { unitId, ...saved, updatedAt: '' }), unit: entry.unit, top: false }
}
