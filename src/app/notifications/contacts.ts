/** Contact details (联系方式) the channels send to: an admin sets a person's e-mail and mobile; audited. */
import { listAllDeliveries, listContacts, saveContact, type DeliveryRow, type UserContact } from '../../persistence/channel-delivery.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { Actor, AppDeps } from '../deps.ts'

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/
const PHONE = /^\+?[0-9]{5,20}$/

const admin = (actor: Actor): void => {
  if (actor.role !== 'admin') throw new DubanError('DUBAN_ERR_FORBIDDEN', 'only an administrator manages contacts and deliveries')
}

/** Every user's e-mail and mobile (admin). */
export async function listUserContacts(deps: AppDeps, actor: Actor): Promise<UserContact[]> {
  admin(actor)
  return listContacts(deps.db)
}

/** Sets a user's e-mail and mobile; empty or null clears one (admin). */
export async function setUserContact(deps: AppDeps, actor: Actor, userId: string, input: { email?: string | null; phone?: string | null }): Promise<UserContact> {
  admin(actor)
  const email = input.email?.trim() || null
  const phone = input.phone?.replace(/[\s-]/g, '') || null
  if (email !== null && (email.length > 254 || !EMAIL.test(email))) throw new DubanError('DUBAN_ERR_VALIDATION', 'not an e-mail address', { where: 'email' })
  if (phone !== null && !PHONE.test(phone)) throw new DubanError('DUBAN_ERR_VALIDATION', 'not a phone number', { where: 'phone' })
  return deps.db.transaction(async (tx) => {
    const before = (await listContacts(tx)).find((c) => c.userId === userId)
    const saved = await saveContact(tx, userId, { email, phone })
    if (!saved || !before) throw new DubanError('DUBAN_ERR_NOT_FOUND', `user ${userId}`, { where: userId })
    await appendAudit(tx, { actorId: actor.userId, action: 'user.contact', entity: 'user', entityId: userId, before: { email: before.email, phone: before.phone }, after: { email, phone }, at: deps.clock.now() })
    return saved
  })
}

/** Deliveries over every channel (e-mail, SMS, webhooks), newest first (admin). */
export async function listDeliveries(deps: AppDeps, actor: Actor, q: { channel?: string; status?: string; limit?: number }): Promise<DeliveryRow[]> {
  admin(actor)
  return listAllDeliveries(deps.db, { ...(q.channel ? { channel: q.channel } : {}), ...(q.status ? { status: q.status } : {}), limit: Math.min(Math.max(q.limit ?? 200, 1), 1000) })
}
