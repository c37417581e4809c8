/**
 * Helpers the 12345 screens share (受理台, 工单, 在线诉求, 服务目录): the catalogue and the places as
 * cascader options, fetched once per page load; plain fetches for the public routes (no token).
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { allUnits, api, ApiError, fetchAdmitted } from './api.ts'
import type { CategoryNode, Unit } from './types.ts'

/** An option of an el-cascader. */
export interface Option {
  readonly value: string
  readonly label: string
  readonly children?: Option[]
  readonly disabled?: boolean
  /** A category's 群众常说的说法 (category options only). */
  readonly keywords?: readonly string[]
}

let catalogue: Promise<CategoryNode[]> | null = null
/** The current service catalogue as a tree (GET /api/catalogue), once per page load. */
export function currentCatalogue(fresh = false): Promise<CategoryNode[]> {
  if (fresh) catalogue = null
  catalogue ??= api<CategoryNode[]>('GET', '/catalogue').catch((e: unknown) => {
    catalogue = null
    throw e
  })
  return catalogue
}

/** Catalogue nodes as cascader options (leaves are the level-3 categories), each with its keywords. */
export function categoryOptions(nodes: readonly CategoryNode[]): Option[] {
  return nodes.map((n) => {
    const keywords = n.keywords ?? []
    return n.children?.length ? { value: n.code, label: n.name, keywords, children: categoryOptions(n.children) } : { value: n.code, label: n.name, keywords }
  })
}

/**
 * How a category matches what the operator typed: by its path of names (拖欠, 劳动社保), else by a keyword of it or
 * of a level above — the keyword contains the text (欠 → 欠薪) or the text contains the keyword (老板不发工资 →
 * 不发工资). Returns null when it does not match, '' for a name match, else the keyword that matched.
 */
export function categoryMatch(path: readonly { label: string; keywords?: readonly string[] }[], typed: string): string | null {
  const q = typed.trim()
  if (!q) return ''
  if (path.some((p) => p.label.includes(q)) || path.map((p) => p.label).join(' / ').includes(q)) return ''
  for (const p of [...path].reverse()) {
    const hit = p.keywords?.find((k) => k.includes(q)) ?? p.keywords?.find((k) => k.length >= 2 && q.includes(k))
    if (hit) return hit
  }
  return null
}

/** Every node of a tree, depth first. */
export function flatCategories(nodes: readonly CategoryNode[], path: string[] = []): (CategoryNode & { path: string[] })[] {
  return nodes.flatMap((n) => [{ ...n, path: [...path, n.name] }, ...flatCategories(n.children ?? [], [...path, n.name])])
}

/** A flat place list (id, name, parentId) from units or /api/public/places. */
export interface Place {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly level?: string
}

const PLACE_LEVELS = new Set(['district', 'county', 'township', 'street', 'community', 'town'])

/** Places as a cascader tree: districts, their townships (and communities) — the top city level left out. */
export function placeOptions(places: readonly Place[]): Option[] {
  const byParent = new Map<string | null, Place[]>()
  const ids = new Set(places.map((p) => p.id))
  for (const p of places) {
    const parent = p.parentId && ids.has(p.parentId) ? p.parentId : null
    byParent.set(parent, [...(byParent.get(parent) ?? []), p])
  }
  const build = (parent: string | null): Option[] =>
    (byParent.get(parent) ?? []).map((p) => {
      const children = build(p.id)
      return children.length ? { value: p.id, label: p.name, children } : { value: p.id, label: p.name }
    })
  return build(null)
}

/** Districts, townships and communities of the unit tree (signed-in screens). */
export async function unitPlaces(): Promise<Place[]> {
  const units: Unit[] = await allUnits()
  return units.filter((u) => PLACE_LEVELS.has(u.level))
}

/** The path of ids from the root to `id` in a flat place list (for a cascader's value). */
export function placePath(places: readonly Place[], id: string | null): string[] {
  const byId = new Map(places.map((p) => [p.id, p]))
  const out: string[] = []
  let at = id ? byId.get(id) : undefined
  while (at) {
    out.unshift(at.id)
    at = at.parentId ? byId.get(at.parentId) : undefined
  }
  return out
}

/** A call to the public API (/api/public…), without the signed-in token. */
export async function publicApi<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetchAdmitted(`/api/public${path}`, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (e) {
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请稍后再试', null, (e as Error).message)
  }
  const text = await res.text()
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = null
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; messageZh?: string; where?: string | null; field?: string | null } } | null)?.error
    const fallback = res.status === 429 ? '提交过于频繁，请稍后再试' : res.status === 404 ? '未找到该诉求，请核对编号和电话' : `请求失败（${res.status}）`
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.messageZh ?? fallback, err?.where ?? null, err?.message ?? text, {}, err?.field ?? null)
  }
  return json as T
}

/** A phone number as the requester typed it, digits only. */
export function digits(s: string): string {
  return s.replace(/\D/g, '')
}

/**
 * A 诉求编号 as a citizen types it (gd2026000123, GD 2026-000123, full-width ＧＤ－２０２６…), written as the API
 * knows it (GD-2026-000123), or null when it cannot be one: the page then says the form instead of 没有查到.
 */
export function ticketNumberOf(typed: string): string | null {
  const s = typed.normalize('NFKC').toUpperCase().replace(/[\s－—–_]/g, '-').replace(/[^A-Z0-9-]/g, '')
  const m = /^(?:GD)?-*(\d{4})-*(\d{6,})$/.exec(s)
  return m ? `GD-${m[1]}-${m[2]}` : null
}

/** True while the window is phone-narrow (≤ 760 px): tables turn into cards, dialogs take the full width. */
export function useNarrow(): Readonly<Ref<boolean>> {
  const q = window.matchMedia('(max-width: 760px)')
  const narrow = ref(q.matches)
  const on = (e: MediaQueryListEvent) => (narrow.value = e.matches)
  onMounted(() => q.addEventListener('change', on))
  onBeforeUnmount(() => q.removeEventListener('change', on))
  return narrow
}
