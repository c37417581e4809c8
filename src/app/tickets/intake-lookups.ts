/**
 * What ticket intake looks up on every request and what changes rarely — the active units (by id) and the current
 * categories it files under — kept in this process per database (DbMemo), so that an intake reads none of them.
 * A write in this process is seen at once (the `unit` and `catalogue` topics); one in another process within
 * RECHECK_MS, after which the values are read again. Without a DbMemo they are read every time.
 */
import type { Queryable } from '../../persistence/db.ts'
import { listUnits, type UnitRow } from '../../persistence/units.repo.ts'
import { currentCategory, type CurrentCategory } from './catalogue.ts'

/** How long a value read here is used before it is read again (another process's writes are seen within this). */
export const RECHECK_MS = 5_000

interface Kept<T> {
  readonly value: T
  readonly version: number
  readonly at: number
}

interface IntakeSlot {
  units: Kept<ReadonlyMap<string, UnitRow>> | null
  readonly categories: Map<string, Kept<CurrentCategory>>
}

const slotOf = (q: Queryable): IntakeSlot | null => q.memo?.slot<IntakeSlot>('ticket-intake-lookups', () => ({ units: null, categories: new Map() })) ?? null

/** The active units by id. */
export async function activeUnits(q: Queryable): Promise<ReadonlyMap<string, UnitRow>> {
  const slot = slotOf(q)
  const version = q.memo?.version('unit') ?? 0
  const now = performance.now()
  const have = slot?.units
  if (have && have.version === version && now - have.at < RECHECK_MS) return have.value
  const value = new Map((await listUnits(q)).map((u) => [u.id, u]))
  // A write announced while the units were read may not be in them: keep the result only if none was.
  if (slot && (q.memo?.version('unit') ?? 0) === version) slot.units = { value, version, at: now }
  return value
}

/** The current level-3 category of a code, as currentCategory answers (and refuses: nothing is kept then). */
export async function intakeCategory(q: Queryable, code: string): Promise<CurrentCategory> {
  const slot = slotOf(q)
  const version = q.memo?.version('catalogue') ?? 0
  const now = performance.now()
  const have = slot?.categories.get(code)
  if (have && have.version === version && now - have.at < RECHECK_MS) return have.value
  const value = await currentCategory(q, code)
  if (slot && (q.memo?.version('catalogue') ?? 0) === version) {
    if (slot.categories.size > 10_000) slot.categories.clear()
    slot.categories.set(code, { value, version, at: now })
  }
  return value
}
