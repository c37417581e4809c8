/**
 * One place written with and without the city's divisions (并单's "same place"): 青龙区建设路12号, 建设路12号 and
 * 云州市青龙区河滨街道建设路12号 name one door, but their address keys (ticket.address_key: lower case, full-width digits
 * made ASCII, everything but digits, Latin letters and Han dropped) differ. A ticket's key is compared with every way
 * its own divisions could be written before the same street address — the divisions being those of the ticket's
 * place (its 属地 unit and the units above it) and those its address starts with — so that the candidates' read stays
 * an equality on the indexed key (a handful of probes), and no stored key changes.
 *
 * Only names of this deployment's divisions (city, district, township, community units) are taken off, never a
 * guess from suffixes: 工业区8号 or 城市花园 stay as written. A short form — a division's alias (云州 for 云州市), its
 * name less its level (青龙 for 青龙区), a name of two characters (沛县), a province's name (广西壮族自治区) — is taken
 * off only where a division below it follows (云州青龙区…, 广西壮族自治区云州市…): 云州大道 stays whole. An address
 * that names no division and a ticket with no place match as written only.
 */
import { nameLessLevel } from '../units/division-name.ts'

/** A division as the directory holds it (unit rows at the city, district, township or community level). */
export interface Division {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  /** Other names the directory knows it by (unit.aliases: 云州 for 云州市). */
  readonly aliases?: readonly string[]
}

/** At most this many divisions in a chain: 2^4 = 16 ways to write them (32 with the top's short forms). */
const MAX_CHAIN = 4
/** The top of a chain is also written by at most this many short forms (云州 for 云州市): 8 × 4 = 32 keys at most. */
const MAX_TOP_SHORT = 2

/**
 * The provincial-level divisions (省级行政区), whose names an address may start with before the city's own: taken
 * off when a division of the directory follows. Written in full; the short forms (广西, 内蒙古) are too often a
 * street's or a company's name to take off.
 */
const PROVINCES: readonly string[] = [
  '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省',
  '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市',
  '四川省', '贵州省', '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区',
  '台湾省', '香港特别行政区', '澳门特别行政区',
]

/** The address key of a division name or an address, as migration 101's generated column computes it. */
export function addressKeyText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[^0-9a-z\u4e00-\u9fff]/g, '')
}

/**
 * A way a division may be written at the start of an address. `guarded`: taken off only where a division below it
 * follows (`id` null: a province, above every division).
 */
interface DivisionForm {
  readonly key: string
  readonly id: string | null
  readonly guarded: boolean
}

/** The directory's divisions, ready to find in an address key: by id, and every way each is written. */
export interface DivisionIndex {
  readonly byId: ReadonlyMap<string, Division>
  /** The ways of writing a division, by their first character, longest first (an open form before a guarded one). */
  readonly byFirst: ReadonlyMap<string, readonly DivisionForm[]>
  /** Each division's short forms, as keys (云州 for 云州市): the top of a chain is written with them too. */
  readonly short: ReadonlyMap<string, readonly string[]>
}

/** A division's short forms as keys: its aliases and its name less its level, ≥ 2 characters, not the name itself. */
function shortForms(d: Division): string[] {
  const name = addressKeyText(d.name)
  const bare = nameLessLevel(d.name)
  const out = new Set<string>()
  for (const f of [bare === d.name ? '' : bare, ...(d.aliases ?? [])]) {
    const k = addressKeyText(f)
    if (k.length >= 2 && k !== name) out.add(k)
  }
  return [...out]
}

export function divisionIndex(divisions: readonly Division[]): DivisionIndex {
  const byId = new Map(divisions.map((d) => [d.id, d]))
  const short = new Map(divisions.map((d) => [d.id, shortForms(d)]))
  // One form per key and division; an open writing wins over a guarded one of the same key.
  const forms = new Map<string, DivisionForm>()
  const add = (f: DivisionForm): void => {
    const k = `${f.key}\u0000${f.id ?? ''}`
    if (!forms.get(k) || forms.get(k)!.guarded) forms.set(k, f)
  }
  for (const d of divisions) {
    const key = addressKeyText(d.name)
    // A name of two characters (沛县) is too likely to begin a street's own name to take off unguarded.
    if (key.length >= 2) add({ key, id: d.id, guarded: key.length < 3 })
    for (const k of short.get(d.id)!) add({ key: k, id: d.id, guarded: true })
  }
  for (const p of PROVINCES) add({ key: addressKeyText(p), id: null, guarded: true })
  const byFirst = new Map<string, DivisionForm[]>()
  for (const f of forms.values()) {
    const list = byFirst.get(f.key[0]!) ?? []
    list.push(f)
    byFirst.set(f.key[0]!, list)
  }
  for (const list of byFirst.values()) {
    list.sort((a, b) => b.key.length - a.key.length || Number(a.guarded) - Number(b.guarded) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }
  return { byId, byFirst, short }
}

/** The ids of a place and the divisions above it that the index holds, the top first; [] for a unit it does not hold. */
export function placeLine(index: DivisionIndex, id: string | null): string[] {
  return id ? lineOf(index, id).map((d) => d.id) : []
}

/**
 * Where a ticket is, as a line of division ids: its place's, or, when it has none the directory holds, that of the
 * deepest division its address starts with (东湖区南湖路7号 is in 东湖区, not in 西山县); [] when neither says.
 */
export function ticketPlaceLine(index: DivisionIndex, placeId: string | null, key: string): string[] {
  const placed = placeLine(index, placeId)
  if (placed.length) return placed
  let deepest: string[] = []
  for (const id of leadingDivisions(index, key, undefined).ids) {
    const line = placeLine(index, id)
    if (line.length > deepest.length) deepest = line
  }
  return deepest
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
 * it) and the line of every division the key starts with — top first, the top by its name or a short form, at most
 * 32 keys. A key that starts with no division and has no place gives itself alone.
 */
export function addressKeyVariants(index: DivisionIndex, key: string, placeId: string | null): string[] {
  if (!key) return []
  const chain = new Map<string, Division>()
  const placed = placeId ? lineOf(index, placeId) : []
  for (const d of placed) chain.set(d.id, d)
  // The divisions the key starts with, one after another (云州市青龙区河滨街道…), each with those above it.
  const { street, ids } = leadingDivisions(index, key, placed[0]?.id)
  for (const id of ids) for (const d of lineOf(index, id)) chain.set(d.id, d)
  if (chain.size === 0) return [key]
  // Top first (a division's line puts its parents before it); the nearest MAX_CHAIN kept.
  const depth = (d: Division): number => lineOf(index, d.id).length
  const line = [...chain.values()].sort((a, b) => depth(a) - depth(b)).slice(-MAX_CHAIN)
  // The top is written by its name or a short form (云州青龙区…); those below it by their names.
  const tops = [addressKeyText(line[0]!.name), ...(index.short.get(line[0]!.id) ?? []).slice(0, MAX_TOP_SHORT)]
  const below = line.slice(1).map((d) => addressKeyText(d.name))
  const out = new Set<string>([key])
  for (let mask = 0; mask < 1 << below.length; mask++) {
    let rest = ''
    for (const [i, n] of below.entries()) if (mask & (1 << i)) rest += n
    out.add(rest + street)
    for (const top of tops) out.add(top + rest + street)
  }
  return [...out]
}

/** The divisions `key` starts with, one after another (云州市青龙区…), and the street address after them. */
function leadingDivisions(index: DivisionIndex, key: string, placeTop: string | undefined): { street: string; ids: string[] } {
  const ids: string[] = []
  let street = key
  for (let n = leadingForm(index, street, placeTop); n; n = leadingForm(index, street, placeTop)) {
    if (n.id) ids.push(n.id)
    street = street.slice(n.key.length)
  }
  return { street, ids }
}

/**
 * The longest way of writing a division that `street` starts with and that can be taken off: an open form leaving
 * something after it, or a guarded one followed by a division below it that can be taken off itself (any division,
 * for a province) or naming the top of the ticket's place (`placeTop`: 云州建设路12号 filed in 河滨街道 of 云州市).
 * Only the top's: were every short form of the place's line taken off, 青龙路3号 and 河滨路3号 in 河滨街道 would both
 * be 路3号.
 */
function leadingForm(index: DivisionIndex, street: string, placeTop: string | undefined, depth = 0): DivisionForm | undefined {
  for (const n of startingForms(index, street)) {
    if (!n.guarded || (placeTop !== undefined && n.id === placeTop)) return n
    // What follows must itself be taken off (青龙河滨路3号 keeps 青龙: 河滨 before 路3号 is not); looked for no deeper
    // than a chain of divisions goes, so that 云州云州云州… typed ten thousand times is not a recursion as deep.
    if (depth >= MAX_CHAIN) continue
    const next = leadingForm(index, street.slice(n.key.length), placeTop, depth + 1)
    if (next?.id && (n.id === null || (next.id !== n.id && lineOf(index, next.id).some((d) => d.id === n.id)))) return n
  }
  return undefined
}

/** The forms `text` starts with that leave something after them, longest first. */
function startingForms(index: DivisionIndex, text: string): DivisionForm[] {
  return (index.byFirst.get(text[0] ?? '') ?? []).filter((f) => text.length > f.key.length && text.startsWith(f.key))
}
