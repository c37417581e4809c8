/**
 * `duban tickets` in a child process on a PGlite data directory: `hotspots` flags a street whose 垃圾清运 tickets rose
 * (未诉先办) and notifies once; `--scope` and `--as` list only those of some units or those a person sees on the board
 * (an operator an admin gave 西山县 sees none, the centre's operator all); `reindex` gives tickets their Chinese search
 * words once, bad options are refused.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppDeps } from '../../src/app/deps.ts'
import { saveCategory } from '../../src/app/tickets/catalogue.ts'
import { receiveTicket } from '../../src/app/tickets/receive-ticket.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { setUserScope } from '../../src/app/users/user-scope.ts'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import { migrate } from '../../src/persistence/migrate.ts'
import { openPglite } from '../../src/persistence/pglite.db.ts'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(repo, 'bin/duban.js')

function duban(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Always PGlite in --data: a DATABASE_URL in the test's environment must not be used.
    const { DATABASE_URL: _ignored, ...env } = process.env
    execFile(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    })
  })
}

describe('duban tickets', () => {
  let data: string
  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'duban-tickets-'))
    const db = await openPglite(data)
    let now = new Date('2026-02-20T10:00:00+08:00')
    let n = 0
    const deps: AppDeps = { db, clock: { now: () => now }, newId: () => `t-${++n}` }
    try {
      await migrate(db)
      await saveUnit(deps, null, { id: 'city', name: '青川市', parentId: null, level: 'city', function: null, aliases: [] })
      await saveUnit(deps, null, { id: 'dh', name: '东湖区', parentId: 'city', level: 'district', function: null, aliases: [] })
      await saveUnit(deps, null, { id: 'dh-jb', name: '江滨街道', parentId: 'dh', level: 'township', function: null, aliases: [] })
      await saveUnit(deps, null, { id: 'xs', name: '西山县', parentId: 'city', level: 'district', function: null, aliases: [] })
      await saveUnit(deps, null, { id: 'rx', name: '12345热线中心', parentId: 'city', level: 'department', function: null, aliases: [] })
      await createUser(deps, null, { username: 'op-city', displayName: '话务员', password: 'pw-123456789', role: 'operator', unitId: 'rx' })
      const xs = await createUser(deps, null, { username: 'op-xs', displayName: '西山分中心话务员', password: 'pw-123456789', role: 'operator', unitId: 'rx' })
      await setUserScope(deps, { userId: null, role: 'admin', unitId: null, scopeUnitIds: null }, xs.id, { mode: 'custom', unitIds: ['xs'] })
      await saveCategory(deps, null, { code: '03', name: '城乡建设', timeLimits: { normal: { unit: 'working_days', amount: 7 } } })
      await saveCategory(deps, null, { code: '03.02', name: '市容环境' })
      await saveCategory(deps, null, { code: '03.02.01', name: '垃圾清运' })
      for (const d of ['2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01']) {
        now = new Date(`${d}T10:00:00+08:00`)
        await receiveTicket(deps, null, { requestType: 'complaint', categoryCode: '03.02.01', requesterPhone: '13912345678', placeUnitId: 'dh-jb', content: '小区垃圾堆积发臭' }, 'web')
      }
    } finally {
      await db.close()
    }
  }, 300_000)
  afterAll(async () => {
    if (data) await rm(data, { recursive: true, force: true })
  })

  it('hotspots flags the rising street and category, notifying once', async () => {
    const r = await duban(['tickets', 'hotspots', '--now', '2026-03-02T09:00:00+08:00', '--data', data])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('1 found now (1 new, 2 notifications)')
    expect(r.stdout).toMatch(/^江滨街道\t垃圾清运 \(03\.02\.01\)\t5 in 7 days, usual 0, ×5\tGD-2026-\d+( GD-2026-\d+){4}$/m)
    const again = await duban(['tickets', 'hotspots', '--now', '2026-03-02T10:00:00+08:00', '--data', data, '--json'])
    expect(again.code, again.stderr).toBe(0)
    const out = JSON.parse(again.stdout) as { hotSpots: { recentCount: number }[]; run: { created: number; notified: number } }
    expect(out.run).toMatchObject({ created: 0, notified: 0 })
    expect(out.hotSpots.map((h) => h.recentCount)).toEqual([5])
  }, 120_000)

  it('hotspots --scope and --as list only the hot spots of those units or those the person sees on the board', async () => {
    const spots = async (...extra: string[]): Promise<{ code: number; stdout: string; stderr: string; places: string[] }> => {
      const r = await duban(['tickets', 'hotspots', '--now', '2026-03-02T11:00:00+08:00', '--data', data, ...extra])
      const places = r.code === 0 ? r.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')[0]!) : []
      return { ...r, places }
    }
    const dh = await spots('--scope', 'dh')
    expect(dh.code, dh.stderr).toBe(0)
    expect(dh.stdout).toContain('数据范围：东湖区\n')
    expect(dh.places).toEqual(['江滨街道'])
    const xs = await spots('--scope=xs')
    expect(xs.stdout).toContain('数据范围：西山县\n')
    expect(xs.places).toEqual([])
    expect(xs.stdout).toContain('no hot spots in the last 30 days')
    // A person: the operator an admin gave 西山县 sees none; the centre's operator (no scope set) sees them all.
    const asXs = await spots('--as', 'op-xs')
    expect(asXs.code, asXs.stderr).toBe(0)
    expect(asXs.stdout).toContain('数据范围：西山县\n')
    expect(asXs.places).toEqual([])
    const asCity = await spots('--as', 'op-city')
    expect(asCity.stdout).not.toContain('数据范围')
    expect(asCity.places).toEqual(['江滨街道'])
    const json = JSON.parse((await spots('--as', 'op-xs', '--json')).stdout) as { hotSpots: unknown[]; scope: { unitIds: string[] } }
    expect(json).toMatchObject({ hotSpots: [], scope: { unitIds: ['xs'] } })
    // Refused: an unknown unit or user, both options at once.
    for (const bad of [['--scope', 'nowhere'], ['--as', 'nobody'], ['--as', 'op-xs', '--scope', 'dh'], ['--scope']]) {
      const r = await spots(...bad)
      expect(r.code, bad.join(' ')).toBe(2)
    }
  }, 120_000)

  it('reindex indexes the tickets without search words once', async () => {
    const first = await duban(['tickets', 'reindex', '--data', data])
    expect(first.stdout).toBe('indexed 5 tickets\n')
    const second = await duban(['tickets', 'reindex', '--data', data])
    expect(second.stdout).toBe('indexed 0 tickets\n')
  }, 120_000)

  it('refuses an unknown sub-command, option or instant', async () => {
    expect((await duban(['tickets', 'hotpot', '--data', data])).code).toBe(2)
    expect((await duban(['tickets', 'hotspots', '--soon', '--data', data])).code).toBe(2)
    const bad = await duban(['tickets', 'hotspots', '--now', 'yesterday', '--data', data])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--now')
  }, 120_000)
})
