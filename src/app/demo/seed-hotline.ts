/**
 * Demo step (演示数据): the 12345 hotline of 云州市 — the units that handle tickets (from demo/units.csv,
 * re-imported when an older demo database lacks them), the service catalogue (demo/hotline/catalogue.json),
 * the dispatch catalogue (demo/hotline/dispatch-rules.json) and a liaison for every unit the demo tickets
 * go to. Idempotent: unchanged categories and rules are not written again, existing users are kept.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findUserForLogin } from '../../persistence/users.repo.ts'
import type { AppDeps } from '../deps.ts'
import { saveCategory, type CategoryInput } from '../tickets/catalogue.ts'
import { saveRule, type RuleInput } from '../tickets/dispatch-rules.ts'
import { importUnits } from '../units/import-units.ts'
import { createUser } from '../users/manage-users.ts'

/** The unit whose absence shows a demo database older than the hotline units. */
const HOTLINE_MARKER_UNIT = 'yz-rxzx'

/** Reads a JSON file of the demo directory. */
async function readJson<T>(dir: string, ...path: string[]): Promise<T> {
  return JSON.parse(await readFile(join(dir, ...path), 'utf8')) as T
}

/** Imports demo/units.csv again when the hotline units are missing (a demo database from before them). */
async function ensureHotlineUnits(deps: AppDeps, dir: string): Promise<string | null> {
  const { rows } = await deps.db.query('SELECT 1 FROM unit WHERE id = $1', [HOTLINE_MARKER_UNIT])
  if (rows.length > 0) return null
  const r = await importUnits(deps, null, { name: 'demo/units.csv', bytes: await readFile(join(dir, 'units.csv')) })
  return `${r.created} hotline units added`
}

/** Loads the catalogue and the rules; returns how many rows were written. */
async function loadCatalogues(deps: AppDeps, dir: string): Promise<{ categories: number; rules: number; totalCategories: number; totalRules: number }> {
  const { categories } = await readJson<{ categories: CategoryInput[] }>(dir, 'hotline', 'catalogue.json')
  const { rules } = await readJson<{ rules: RuleInput[] }>(dir, 'hotline', 'dispatch-rules.json')
  let wroteCategories = 0
  let wroteRules = 0
  const sorted = [...categories].sort((a, b) => a.code.localeCompare(b.code))
  await deps.db.transaction(async (tx) => {
    for (const c of sorted) {
      const before = await tx.query<{ v: number }>('SELECT version AS v FROM service_category WHERE code = $1 AND active', [c.code])
      const row = await saveCategory(deps, null, c, { tx })
      if (row.version !== before.rows[0]?.v) wroteCategories++
    }
    for (const r of rules) {
      const before = await tx.query<{ v: number }>('SELECT version AS v FROM dispatch_rule WHERE id = $1 AND active', [r.id])
      const row = await saveRule(deps, null, r, { tx })
      if (row.version !== before.rows[0]?.v) wroteRules++
    }
  })
  return { categories: wroteCategories, rules: wroteRules, totalCategories: categories.length, totalRules: rules.length }
}

/** Liaisons the demo keeps for hotline units beyond DEMO_USERS (username = a short name, unit id). */
export const HOTLINE_LIAISONS: readonly { username: string; unitId: string }[] = [
  { username: 'qlcg', unitId: 'ql-cgj' },
  { username: 'bhcg', unitId: 'bh-cgj' },
  { username: 'sqcg', unitId: 'sq-cgj' },
  { username: 'qlsj', unitId: 'ql-sjj' },
  { username: 'bhsj', unitId: 'bh-sjj' },
  { username: 'sqsj', unitId: 'sq-sjj' },
  { username: 'qlwj', unitId: 'ql-wjj' },
  { username: 'bhwj', unitId: 'bh-wjj' },
  { username: 'sqjt', unitId: 'sq-jtj' },
  { username: 'rsj', unitId: 'yz-rsj' },
  { username: 'ybj', unitId: 'yz-ybj' },
  { username: 'jyj', unitId: 'yz-jyj' },
  { username: 'gaj', unitId: 'yz-gaj' },
  { username: 'jjzd', unitId: 'yz-jjzd' },
  { username: 'jtj', unitId: 'yz-jtj' },
  { username: 'sthj', unitId: 'yz-sthj' },
  { username: 'slj', unitId: 'yz-slj' },
  { username: 'ylj', unitId: 'yz-ylj' },
  { username: 'mzj', unitId: 'yz-mzj' },
  { username: 'yjj', unitId: 'yz-yjj' },
  { username: 'nyj', unitId: 'yz-nyj' },
  { username: 'swj', unitId: 'yz-swj' },
  { username: 'tax', unitId: 'yz-tax' },
  { username: 'wlj', unitId: 'yz-wlj' },
  { username: 'zrzy', unitId: 'yz-zrzy' },
  { username: 'gongshui', unitId: 'yz-gs' },
  { username: 'gongdian', unitId: 'yz-gd' },
  { username: 'ranqi', unitId: 'yz-rq' },
  { username: 'yidong', unitId: 'yz-yd' },
  { username: 'dianxin', unitId: 'yz-dx' },
  { username: 'liantong', unitId: 'yz-lt' },
  { username: 'songqiao', unitId: 'sq' },
  { username: 'xinshi', unitId: 'ql-xs' },
  { username: 'liutang', unitId: 'ql-lt' },
  { username: 'dongcheng', unitId: 'bh-dc' },
  { username: 'gongyeyuan', unitId: 'bh-gy' },
  { username: 'chengguan', unitId: 'sq-cg' },
  { username: 'shixi', unitId: 'sq-sx' },
  { username: 'hotline2', unitId: 'yz-rxzx' },
]

/** Creates the hotline liaisons (and a second operator) that do not exist yet; returns how many were made. */
async function ensureHotlineUsers(deps: AppDeps, password: string): Promise<number> {
  let made = 0
  for (const u of HOTLINE_LIAISONS) {
    if (await findUserForLogin(deps.db, u.username)) continue
    const unit = await deps.db.query<{ name: string }>('SELECT name FROM unit WHERE id = $1', [u.unitId])
    const unitName = unit.rows[0]?.name
    if (!unitName) continue
    const operator = u.unitId === HOTLINE_MARKER_UNIT
    await createUser(deps, null, {
      username: u.username,
      displayName: operator ? '12345 话务员（二）' : `${unitName} 联络员`,
      role: operator ? 'operator' : 'unit_liaison',
      unitId: u.unitId,
      password,
    })
    made++
  }
  return made
}

/** The demo step: hotline units, catalogue, dispatch rules, liaisons; returns the `demo:` line. */
export async function seedHotline(deps: AppDeps, dir: string, password: string): Promise<string | null> {
  const units = await ensureHotlineUnits(deps, dir)
  const c = await loadCatalogues(deps, dir)
  const users = await ensureHotlineUsers(deps, password)
  const parts: string[] = []
  if (units) parts.push(units)
  parts.push(
    c.categories || c.rules
      ? `12345 service catalogue ${c.totalCategories} categories (${c.categories} written), dispatch catalogue ${c.totalRules} rules (${c.rules} written)`
      : `12345 service catalogue (${c.totalCategories} categories) and dispatch catalogue (${c.totalRules} rules) already present`,
  )
  if (users) parts.push(`${users} hotline liaisons (password as above)`)
  return `demo: ${parts.join('; ')}`
}
