/**
 * Carrying out the effects of many new items' first events (确认, 交办) without a round trip per notification:
 * carryOutEffects runs unchanged against a recorder in place of the transaction, which answers the two reads the
 * notify handler makes (which units and users exist) from sets read once, and keeps the notifications it
 * writes; the caller writes them all in one statement. Any other statement (an effect this does not know, e.g. a
 * 督办单) is refused with `UnrecordedEffect`, and the caller carries out that item's effects on the real
 * transaction instead: slower, never wrong.
 */
import type { Queryable } from '../../persistence/db.ts'
import type { NewNotification } from '../../persistence/supervision.repo.ts'

/** Thrown by the recorder for a statement it cannot stand in for. */
export class UnrecordedEffect extends Error {}

const UNIT_READ = /^SELECT id FROM unit WHERE id = ANY\(\$1::text\[\]\)$/
const USER_READ = /^SELECT id FROM app_user WHERE id = ANY\(\$1::text\[\]\)$/
const NOTIFY = /^INSERT INTO notification \(id, dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at\)\s+VALUES \(\$1,\$2,\$3,\$4,\$5,\$6,\$7,\$8,\$9,\$10\) ON CONFLICT \(dedupe_key\) DO NOTHING RETURNING id$/

/** A stand-in transaction for carryOutEffects; `notifications` holds what it would have written, in order. */
export function effectsRecorder(units: ReadonlySet<string>, users: ReadonlySet<string>): { q: Queryable; notifications: NewNotification[] } {
  const notifications: NewNotification[] = []
  const keys = new Set<string>()
  const q: Queryable = {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<{ rows: T[] }> {
      const text = sql.trim()
      if (UNIT_READ.test(text) || USER_READ.test(text)) {
        const known = UNIT_READ.test(text) ? units : users
        return { rows: (params[0] as string[]).filter((id) => known.has(id)).map((id) => ({ id }) as T) }
      }
      if (NOTIFY.test(text)) {
        const [id, dedupeKey, userId, unitId, role, itemId, type, title, body, at] = params as [string, string, string | null, string | null, string | null, string | null, string, string, string, string]
        if (keys.has(dedupeKey)) return { rows: [] }
        keys.add(dedupeKey)
        notifications.push({ id, dedupeKey, userId, unitId, role, itemId, type, title, body, at: new Date(at) })
        return { rows: [{ id } as T] }
      }
      throw new UnrecordedEffect(text.slice(0, 80))
    },
  }
  return { q, notifications }
}
