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

/** A read in flight, for the version of its topic it started at. */
interface Reading<T> {
  readonly version: number
  readonly promise: Promise<T>
}

interface IntakeSlot {
  units: Kept<ReadonlyMap<string, UnitRow>> | null
  unitsReading: Reading<ReadonlyMap<string, UnitRow>> | null
  readonly categories: Map<string, Kept<CurrentCategory>>
  readonly categoriesReading: Map<string, Reading<CurrentCategory>>
}

const slotOf = (q: Queryable): IntakeSlot | null =>
  q.memo?.slot<IntakeSlot>('ticket-intake-lookups', () => ({ units: null, unitsReading: null, categories: new Map(), categoriesReading: new Map() })) ?? null

/**
 * One read for every caller that misses at once (a burst of intakes admitted together when a value went stale: each
 * read the whole unit list or catalogue itself before, 16 reads where one does). A caller whose topic moved since the
 * read started reads again.
 */
function readOnce<T>(version: number, get: () => Reading<T> | null | undefined, set: (r: Reading<T> | null) => void, read: () => Promise<T>): Promise<T> {
  const have = get()
  if (have && have.version === version) return have.promise
  const promise = read().finally(() => {
    if (get()?.promise === promise) set(null)
  })
  set({ version, promise })
  return promise
}

/** The active units by id. */
export async function activeUnits(q: Queryable): Promise<ReadonlyMap<string, UnitRow>> {
  const slot = slotOf(q)
  const version = q.memo?.version('unit') ?? 0
  const now = performance.now()
  const have = slot?.units
  if (have && have.version === version && now - have.at < RECHECK_MS) return have.value
  const read = async (): Promise<ReadonlyMap<string, UnitRow>> => {
    const value = new Map((await listUnits(q)).map((u) => [u.id, u]))
    // A write announced while the units were read may not be in them: keep the result only if none was.
    if (slot && (q.memo?.version('unit') ?? 0) === version) slot.units = { value, version, at: now }
    return value
  }
  if (!slot) return read()
  return readOnce(version, () => slot.unitsReading, (r) => void (slot.unitsReading = r), read)
}

/** The current level-3 category of a code, as currentCategory answers (and refuses: nothing is kept then). */
export async function intakeCategory(q: Queryable, code: string): Promise<CurrentCategory> {
  const slot = slotOf(q)
  const version = q.memo?.version('catalogue') ?? 0
  const now = performance.now()
  const have = slot?.categories.get(code)
  if (have && have.version === version && now - have.at < RECHECK_MS) return have.value
  const read = async (): Promise<CurrentCategory> => {
    const value = await currentCategory(q, code)
    if (slot && (q.memo?.version('catalogue') ?? 0) === version) {
      if (slot.categories.size > 10_000) slot.categories.clear()
      slot.categories.set(code, { value, version, at: now })
    }
    return value
  }
  if (!slot) return read()
  // A refusal (no such category) is shared by the callers of that code too: it is the same answer for each.
  return readOnce(version, () => slot.categoriesReading.get(code), (r) => void (r ? slot.categoriesReading.set(code, r) : slot.categoriesReading.delete(code)), read)
}
