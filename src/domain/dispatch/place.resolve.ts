/**
 * Place decides the level (属地): which district or township an address lies in, and which unit of a
 * function serves that place — the place's township for 街道乡镇 (乡镇(街道)履职事项), else the district's unit
 * of the function, else the city's. Mirrors the dispatch catalogue's by-function rule (src/app/tickets/dispatch-rules.ts),
 * in pure form over a list of units.
 */
import { TOWNSHIP_FUNCTION } from '../tickets/unit-functions.ts'
import type { DispatchUnit } from './dispatch-unit.types.ts'
import { ancestry } from '../units/ancestry.ts'

const PLACE_LEVELS = new Set(['province', 'city', 'district', 'township', 'community'])
const SUFFIXES = ['街道办事处', '办事处', '街道', '社区', '镇', '乡', '村', '区', '县']

/** A name that points at a place unit. */
export interface PlaceName {
  readonly name: string
  readonly unitId: string
}

/** The unit tree, indexed once per suggester. */
export interface UnitDirectory {
  readonly byId: ReadonlyMap<string, DispatchUnit>
  /** Place names, longest first, so that 河滨街道 wins over 河滨. */
  readonly placeNames: readonly PlaceName[]
}

/** Indexes the units: ids, and the names (full, alias, and without 街道/镇/社区… when two characters remain) of places. */
export function unitDirectory(units: readonly DispatchUnit[]): UnitDirectory {
  const byId = new Map(units.map((u) => [u.id, u]))
  const names = new Map<string, string>()
  const add = (name: string, unitId: string): void => {
    if (name.length >= 2 && !names.has(name)) names.set(name, unitId)
  }
  // Deeper places first: a community named like its township should not hide it, and the first name kept wins.
  const depth = (u: DispatchUnit): number => ancestry(byId, u.id).length
  const places = units.filter((u) => PLACE_LEVELS.has(u.level)).sort((a, b) => depth(a) - depth(b))
  for (const u of places) {
    for (const n of [u.name, ...u.aliases]) {
      add(n, u.id)
      for (const s of SUFFIXES) if (n.endsWith(s) && n.length - s.length >= 2) add(n.slice(0, -s.length), u.id)
    }
  }
  const placeNames = [...names].map(([name, unitId]) => ({ name, unitId })).sort((a, b) => b.name.length - a.name.length || a.name.localeCompare(b.name))
  return { byId, placeNames }
}

/** The deepest place named in the text (an address, or the request itself), or null. */
export function resolvePlace(dir: UnitDirectory, text: string): string | null {
  let best: { unitId: string; depth: number; at: number } | null = null
  for (const p of dir.placeNames) {
    const at = text.indexOf(p.name)
    if (at < 0) continue
    const depth = ancestry(dir.byId, p.unitId).length
    if (!best || depth > best.depth) best = { unitId: p.unitId, depth, at }
  }
  return best?.unitId ?? null
}

/**
 * The text without the address and the place names in it: where a request is says nothing of what it is
 * about, and a model that learnt 解放社区 from one ticket would send the next one from there the same way.
 */
export function withoutPlaces(dir: UnitDirectory, text: string, address?: string): string {
  const cut = (t: string, names: readonly string[]): string => names.reduce((acc, n) => (n.length >= 2 && acc.includes(n) ? acc.split(n).join(' ') : acc), t)
  const places = dir.placeNames.map((p) => p.name)
  // The address minus its place names leaves the street, the building, the landmark (汽车站旁): cut those too.
  const rest = address ? cut(address, places).split(/\s+/).filter((x) => x.length >= 2) : []
  return cut(cut(text, address ? [address] : []), [...rest, ...places])
}

/** True for a township or community, or a unit inside one. */
export function isTownshipLevel(dir: UnitDirectory, unitId: string): boolean {
  for (const u of ancestry(dir.byId, unitId)) {
    if (u.level === 'township' || u.level === 'community') return true
    if (u.level === 'district' || u.level === 'city' || u.level === 'province') return false
  }
  return false
}

/**
 * The units that handle a function at a place, best level first: the place's township for 街道乡镇 (none when
 * the place is unknown); otherwise the units of the function directly under the place's district, else under
 * the city. Several units can share a function (three carriers for 通信); all are returned.
 */
export function unitsForFunction(dir: UnitDirectory, fn: string, placeUnitId: string | null): DispatchUnit[] {
  const chain = placeUnitId ? ancestry(dir.byId, placeUnitId) : []
  if (fn === TOWNSHIP_FUNCTION) {
    const township = chain.find((u) => u.level === 'township')
    return township ? [township] : []
  }
  const under = (parentId: string): DispatchUnit[] =>
    [...dir.byId.values()].filter((u) => u.parentId === parentId && u.function === fn && !PLACE_LEVELS.has(u.level)).sort((a, b) => a.id.localeCompare(b.id))
  const district = chain.find((u) => u.level === 'district')
  if (district) {
    const own = under(district.id)
    if (own.length > 0) return own
  }
  const city = chain.find((u) => u.level === 'city') ?? [...dir.byId.values()].filter((u) => u.level === 'city').sort((a, b) => a.id.localeCompare(b.id))[0]
  return city ? under(city.id) : []
}
