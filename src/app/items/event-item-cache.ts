/**
 * The items events were last taken on, kept by this process (事项缓存) so that the next event on one of them skips
 * its read: a progress report is then ONE statement (writeEventRows). Sound because an event writes its item only at
 * the version it read (`WHERE id = $1 AND version = $2`) and every change to an item moves its version (every
 * UPDATE of item in src does; a hand-made UPDATE must too, or an event within EVENT_ITEM_CACHE_MS of a read may
 * write over it): a kept item that another process, the supervision tick, a correction or a plan changed meanwhile
 * writes nothing, and the event is taken again from a fresh read (take-event.ts). What does not move
 * an item's version and is in the answer — its units' names — is announced by the `unit` topic (DbMemo), which
 * drops every kept item; another process's unit rename shows in an event's answer within EVENT_ITEM_CACHE_MS.
 * The scope is checked here against the kept units (as findItemForEvent's EXISTS does); an item outside the actor's
 * scope is read from the database, which answers 404 as before.
 */
import type { DbMemo, Queryable } from '../../persistence/db.ts'
import type { ItemRow, ItemUnit } from '../../persistence/items.repo.ts'

/** How long a kept item is used (and so how late another process's unit rename may show in an answer). */
export const EVENT_ITEM_CACHE_MS = 5_000

/** At most this many items are kept; past it the oldest are forgotten. */
const EVENT_ITEM_CACHE_MAX = 5_000

/** `shared`: whether the read found two or more share rows (findItemForEvent); unknown (read when needed) if absent. */
export type EventItem = ItemRow & { units: ItemUnit[]; shared?: boolean }

/** A kept item and until when it is used: EVENT_ITEM_CACHE_MS after it was READ (an event taken on it does not extend it). */
export interface Kept {
  readonly item: EventItem
  readonly until: number
}

interface Slot {
  unitVersion: number
  readonly items: Map<string, Kept>
}

const slotOf = (memo: DbMemo): Slot => memo.slot<Slot>('event-items', () => ({ unitVersion: memo.version('unit'), items: new Map() }))

/** The `unit` topic's version now: pass it to keepEventItem for an item read after this call. */
export function unitStamp(q: Queryable): number | null {
  return q.memo ? q.memo.version('unit') : null
}

/** The kept item, if this process took an event on it within EVENT_ITEM_CACHE_MS and the actor's scope covers one of its units. */
export function keptEventItem(q: Queryable, id: string, scope: readonly string[] | null): Kept | null {
  const memo = q.memo
  if (!memo) return null
  const slot = slotOf(memo)
  if (slot.unitVersion !== memo.version('unit')) {
    slot.items.clear()
    slot.unitVersion = memo.version('unit')
    return null
  }
  const kept = slot.items.get(id)
  if (!kept) return null
  if (performance.now() >= kept.until) {
    slot.items.delete(id)
    return null
  }
  if (scope && !kept.item.units.some((u) => scope.includes(u.unitId))) return null
  return kept
}

/**
 * Keeps an item as read (stamp: unitStamp before the read; `until` left out) or as an event left it (`until` of the
 * read it came from); not when a unit changed since the stamp (its names may be old), nor over a later version kept.
 */
export function keepEventItem(q: Queryable, item: EventItem, stamp: number | null, until = performance.now() + EVENT_ITEM_CACHE_MS): void {
  const memo = q.memo
  if (!memo || stamp === null || memo.version('unit') !== stamp) return
  const slot = slotOf(memo)
  if (slot.unitVersion !== stamp) {
    slot.items.clear()
    slot.unitVersion = stamp
  }
  const kept = slot.items.get(item.id)
  if (kept && kept.item.version > item.version) return
  slot.items.delete(item.id)
  if (slot.items.size >= EVENT_ITEM_CACHE_MAX) slot.items.delete(slot.items.keys().next().value as string)
  slot.items.set(item.id, { item, until })
}

/** Forgets a kept item (its write found another version). */
export function forgetEventItem(q: Queryable, id: string): void {
  if (q.memo) slotOf(q.memo).items.delete(id)
}
