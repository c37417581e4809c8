/**
 * Resolves unit strings found in a plan (单位匹配) to unit ids: a remembered mapping, else an exact
 * name or alias. Interim until the platform's unit resolution lands in src/app/units.
 */
import type { Queryable } from '../../adapters/db/db.ts'

/** raw → unit id or null, for every raw string given. */
export async function resolveUnitStrings(q: Queryable, raws: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>()
  if (raws.length === 0) return out
  const list = [...new Set(raws)]
  const mapped = await q.query<{ raw: string; unit_id: string }>(`SELECT raw, unit_id FROM unit_mapping WHERE raw = ANY($1::text[])`, [list])
  for (const r of mapped.rows) out.set(r.raw, r.unit_id)
  const named = await q.query<{ id: string; name: string; aliases: string[] }>(
    `SELECT id, name, aliases FROM unit WHERE active AND (name = ANY($1::text[]) OR aliases && $1::text[])`,
    [list],
  )
  for (const raw of list) {
    if (out.has(raw)) continue
    const hit = named.rows.find((u) => u.name === raw) ?? named.rows.find((u) => (u.aliases ?? []).includes(raw))
    out.set(raw, hit?.id ?? null)
  }
  return out
}

/** True when every id names an active unit. */
export async function unitsExist(q: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const { rows } = await q.query<{ id: string }>(`SELECT id FROM unit WHERE id = ANY($1::text[]) AND active`, [[...new Set(ids)]])
  const found = new Set(rows.map((r) => r.id))
  return [...new Set(ids)].filter((id) => !found.has(id))
}
