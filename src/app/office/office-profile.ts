/**
 * The issuing office (发文单位): the 落款 printed under every document duban sends (督办通知单, 通报) and
 * the prefix of 通报 numbers. One per installation; until an admin sets it, the 落款 is derived from the top
 * of the unit tree (云州市 → 云州市人民政府督查室) so a document is never sent unsigned.
 */
import { getOfficeProfile, rootUnitName, saveOfficeProfile } from '../../persistence/office.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from '../items/audit.port.ts'

/** What documents print: the 落款 and the 通报 number prefix; `configured` false when derived. */
export interface OfficeProfile {
  readonly issuingOffice: string
  readonly bulletinPrefix: string
  readonly configured: boolean
}

/** The profile in effect (stored, or derived from the unit tree). */
export async function officeProfile(deps: Pick<AppDeps, 'db'>): Promise<OfficeProfile> {
  const stored = await getOfficeProfile(deps.db)
  if (stored) return { issuingOffice: stored.issuingOffice, bulletinPrefix: stored.bulletinPrefix, configured: true }
  const root = (await rootUnitName(deps.db)) ?? ''
  const place = root.replace(/人民政府$/, '')
  return { issuingOffice: place ? `${place}人民政府督查室` : '督查室', bulletinPrefix: `${place.slice(0, 1)}督通`, configured: false }
}

const field = (v: unknown, where: string, max: number): string => {
  if (typeof v !== 'string' || v.trim() === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', `${where} must be a non-empty string`, { where })
  const s = v.trim()
  if ([...s].length > max) throw new DubanError('DUBAN_ERR_VALIDATION', `${where} is longer than ${max} characters`, { where })
  return s
}

/** An admin sets the 落款 and 通报 prefix; audited. */
export async function setOfficeProfile(deps: AppDeps, actor: Actor, input: { issuingOffice?: unknown; bulletinPrefix?: unknown }): Promise<OfficeProfile> {
  if (actor.role !== 'admin') throw new DubanError('DUBAN_ERR_FORBIDDEN', 'only an admin sets the issuing office', { where: 'role' })
  const issuingOffice = field(input.issuingOffice, 'issuingOffice', 60)
  const bulletinPrefix = field(input.bulletinPrefix, 'bulletinPrefix', 12)
  const before = await officeProfile(deps)
  await deps.db.transaction(async (tx) => {
    const at = deps.clock.now()
    await saveOfficeProfile(tx, { issuingOffice, bulletinPrefix, at })
    await audit(tx, actor, at, { action: 'office.profile.save', entity: 'office_profile', entityId: '1', before, after: { issuingOffice, bulletinPrefix } })
  })
  return { issuingOffice, bulletinPrefix, configured: true }
}
