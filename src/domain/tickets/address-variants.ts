/**
 * One place written with and without the city's divisions (并单's "same place"): 青龙区建设路12号, 建设路12号 and
 * 云州市青龙区河滨街道建设路12号 name one door, but their address keys (ticket.address_key: lower case, full-width digits
 * made ASCII, everything but digits, Latin letters and Han dropped) differ. A ticket's key is compared with every way
 * its own divisions could be written before the same street address — the divisions being those of the ticket's
 * place (its 属地 unit and the units above it) and those its address starts with — so that the candidates' read stays
 * an equality on the indexed key (a handful of probes), and no stored key changes.
 *
 * Only names of this deployment's divisions (city, district, township, community units) are taken off, never a
 * guess from suffixes: 工业区8号 or 城市花园 stay as written. An address that names no division and a ticket with no
 * place match as written only.
 */

/** A division as the directory holds it (unit rows at the city, district, township or community level). */
export interface Division {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
}

/** At most this many divisions in a chain: 2^4 = 16 ways to write them, 16 keys to probe. */
const MAX_CHAIN = 4

/** The address key of a division name or an address, as migration 101's generated column computes it. */
export function addressKeyText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[^0-9a-z\u4e00-\u9fff]/g, '')
}

/** The directory's divisions, ready to find in an address key: by id, and by name key, longest first. */
export interface DivisionIndex {
  readonly byId: ReadonlyMap<string, Division>
  readonly names: readonly { readonly key: string; readonly id: string }[]
}

export function divisionIndex(divisions: readonly Division[]): DivisionIndex {
  const byId = new Map(divisions.map((d) => [d.id, d]))
  // A name of two characters or fewer (a one-character county, 沛县) is too likely to begin a street's own name.
  const names = divisions
    .map((d) => ({ key: addressKeyText(d.name), id: d.id }))
    .filter((n) => n.key.length >= 3)
    .sort((a, b) => b.key.length - a.key.length || (a.key < b.key ? -1 : 1))
  return { byId, names }
}

/** The ids of a place and the divisions above it that the index holds, the top first; [] for a unit it does not hold. */
export function placeLine(index: DivisionIndex, id: string | null): string[] {
  return id ? lineOf(index, id).map((d) => d.id) : []
}

/**
 * Whether two tickets' places can be one place: either has none, or one's line holds the other (河滨街道 within
 * 青龙区), not two places side by side (青龙区 and 白虎区).
 */
export function placesAgree(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a?.length || !b?.length) return true
  return a.includes(b[b.length - 1]!) || b.includes(a[a.length - 1]!)
}

/** A division and those above it that the index holds, the top first. */
function lineOf(index: DivisionIndex, id: string): Division[] {
  const out: Division[] = []
  const seen = new Set<string>()
  for (let d = index.byId.get(id); d && !seen.has(d.id); d = d.parentId ? index.byId.get(d.parentId) : undefined) {
    seen.add(d.id)
    out.unshift(d)
  }
  return out
}

/**
 * The keys `key` may be written as: the key itself, and its street address (the key less the divisions it starts
 * with) after every ordered choice of the divisions that apply — the place's line (`placeId`, when the directory holds
 * it) and the line of every division the key starts with — top first, at most 16 keys. A key that starts with no
 * division and has no place gives itself alone.
 */
export function addressKeyVariants(index: DivisionIndex, key: string, placeId: string | null): string[] {
  if (!key) return []
  const chain = new Map<string, Division>()
  if (placeId) for (const d of lineOf(index, placeId)) chain.set(d.id, d)
  // The divisions the key starts with, one after another (云州市青龙区河滨街道…), each with those above it.
  let street = key
  for (let found = true; found; ) {
    found = false
    for (const n of index.names) {
      if (street.length > n.key.length && street.startsWith(n.key)) {
        for (const d of lineOf(index, n.id)) chain.set(d.id, d)
        street = street.slice(n.key.length)
        found = true
        break
      }
    }
  }
  if (chain.size === 0) return [key]
  // Top first (a division's line puts its parents before it); the nearest MAX_CHAIN kept.
  const depth = (d: Division): number => lineOf(index, d.id).length
  const names = [...chain.values()].sort((a, b) => depth(a) - depth(b)).slice(-MAX_CHAIN).map((d) => addressKeyText(d.name))
  const out = new Set<string>([key])
  for (let mask = 0; mask < 1 << names.length; mask++) {
    let prefix = ''
    for (const [i, n] of names.entries()) if (mask & (1 << i)) prefix += n
    out.add(prefix + street)
  }
  return [...out]
}
