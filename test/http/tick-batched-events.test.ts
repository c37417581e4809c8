/**
 * The tick fires its events set-based (tick-events.ts): per page of items, the transitions computed in Node and
 * written in a few statements. It must leave the rows take-event leaves when the same events go one by one: the
 * same items, history, audit rows (in the same order), 督办单 (same numbers), notifications, outbox rows, claims and
 * hotline rows. Two databases with the same items, one tick batched and one one by one, then compared. Generated ids
 * (notices, notifications) differ between the two runs by construction and are compared through the notice number;
 * the fixture numbers items from one counter, so their numbers are compared without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/persistence/db.ts'
import type { AppDeps } from '../../src/app/deps.ts'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { insertItem } from './supervision-fixture.ts'
import { freshDb, testDialects } from '../support/test-db.ts'

const at = (local: string): Date => new Date(`${local}+08:00`)

/** Items whose clocks fire at the ticks below: 催办 events, two events on one item, a ticket's 督办 with its notice. */
async function seed(db: Db): Promise<void> {
  await db.query(`INSERT INTO unit (id, name, level) VALUES ('u1', '甲局', 'department'), ('u2', '乙局', 'department'), ('u3', '丙区', 'district')`)
  await db.query(`INSERT INTO event_stream (name, enabled, changed_at) VALUES ('nats', true, now())`)
  const dispatched = '2026-03-02T09:00:00+08:00'
  for (let i = 0; i < 7; i++) {
    // Overdue tasks: the ladder's 提醒 step fires 催办; the older ones also reach 督办单 (a ladder notice).
    await insertItem(db, { id: `t${i}`, title: `逾期任务${i}`, due: `2026-02-${String(10 + i * 2).padStart(2, '0')}`, lead: i % 2 ? 'u1' : 'u2', responsible: i % 3 ? ['u3'] : [] })
  }
  // Not yet accepted and overdue: the 签收时限 fires 催办 and the ladder's 提醒 fires it again (two events, one item).
  await insertItem(db, { id: 'twice', title: '未签收且逾期', due: '2026-03-03', lead: 'u1', state: 'dispatched', createdAt: dispatched, acceptClock: { startedAt: dispatched, dueAt: '2026-03-04T23:59:59+08:00' } })
  // A closed task and a task far from due: nothing fires.
  await insertItem(db, { id: 'done', title: '已办结', due: '2026-02-10', lead: 'u1', closedAt: '2026-02-09T10:00:00+08:00' })
  await insertItem(db, { id: 'later', title: '尚未到期', due: '2026-12-31', lead: 'u2' })
  // 12345 tickets past their handling time: 督办 (issueNotice: a 督办单 from the event itself) and the ladder.
  for (let i = 0; i < 3; i++) {
    const snapshot = {
      kind: 'ticket', kindVersion: '1', state: 'accepted', counters: {}, data: { lead: i ? 'u1' : 'u2' },
      clocks: { handle: { startedAt: '2026-02-20T09:00:00+08:00', dueAt: `2026-03-0${2 + i}T23:59:59+08:00`, stoppedAt: null } },
    }
    await db.query(
      `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, due_date, snapshot, data, created_at, updated_at)
       VALUES ($1, $2, 'ticket', 1, 'accepted', 'open', $3, $4, $5, '{}', '2026-02-20T09:00:00+08:00', '2026-02-20T09:00:00+08:00')`,
      [`k${i}`, `GD-2026-000${i}`, `工单${i}`, `2026-03-0${2 + i}`, JSON.stringify(snapshot)],
    )
    await db.query(`INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1, $2, 'lead')`, [`k${i}`, i ? 'u1' : 'u2'])
  }
}

type Row = Record<string, unknown>

/** Everything the ticks wrote, with generated notice ids replaced by the notice number. */
async function written(db: Db) {
  const q = async (sql: string): Promise<Row[]> => (await db.query<Row>(sql)).rows
  const notices = await q(`SELECT id, number FROM supervision_notice`)
  const names = new Map(notices.map((n) => [String(n['id']), String(n['number'])]))
  const norm = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? x.replace(/[0-9a-f-]{36}|nid-\d+/g, (m) => names.get(m) ?? 'ID').replace(/DB-2026-\d{4}-/g, 'DB-') : x)))
  const rows = async (sql: string): Promise<Row[]> => (await q(sql)).map((r) => norm(r) as Row)
  return {
    item: await rows(`SELECT id, state, state_type, snapshot, data, due_date::text AS due, updated_at::text AS u, closed_at::text AS c, version, (SELECT next_fire_at::text FROM item_clock WHERE item_id = item.id) AS f FROM item ORDER BY id`),
    history: await rows(`SELECT item_id, event, from_state, to_state, actor_id, actor_role, unit_id, payload, at::text AS at FROM item_event ORDER BY item_id, seq`),
    audit: await rows(`SELECT at::text AS at, actor_id, action, entity, entity_id, before, after FROM audit_log ORDER BY id`),
    notices: await rows(`SELECT number, item_id, unit_ids, reason, reply_working_days, reply_due::text AS d, origin, issued_by, issued_at::text AS at, status FROM supervision_notice ORDER BY seq`),
    // Keyed by notice ids, which differ: ordered by the key as compared.
    notifications: (await rows(`SELECT dedupe_key, user_id, unit_id, role, item_id, type, title, body, created_at::text AS at FROM notification`))
      .sort((x, y) => String(x['dedupe_key']).localeCompare(String(y['dedupe_key']))),
    outbox: await rows(`SELECT item_id, op, version, payload FROM event_outbox ORDER BY item_id, version`),
    claims: await rows(`SELECT key, item_id, action, step, ref, due_at::text AS d, at::text AS at FROM supervision_action ORDER BY key`),
    hotline: await rows(`SELECT item_id, event, at::text AS at, unit_id, handle_due::text AS d, handle_running FROM hotline_event ORDER BY item_id, seq`),
    dirty: await rows(`SELECT item_id, count(*)::int AS n FROM assessment_dirty GROUP BY item_id ORDER BY item_id`),
  }
}

for (const dialect of testDialects()) {
  describe(`the tick's batched events write what firing them one by one writes (${dialect})`, () => {
    const dbs: Db[] = []
    afterAll(async () => {
      for (const db of dbs) await db.close()
    })
    const ids = new Map<Db, number>()
    const newId = (db: Db) => (): string => {
      ids.set(db, (ids.get(db) ?? 0) + 1)
      return `nid-${ids.get(db)}`
    }
    const deps = (db: Db, now: Date): AppDeps => ({ db, clock: { now: () => now }, newId: newId(db) })

    let batched: Db
    let oneByOne: Db
    beforeAll(async () => {
      batched = await freshDb(dialect)
      oneByOne = await freshDb(dialect)
      dbs.push(batched, oneByOne)
      await seed(batched)
      await seed(oneByOne)
    }, 900_000) // two PGlite databases migrated: minutes when the machine is loaded

    it('leaves the same rows after two ticks, pages of 4 items, as take-event one by one', async () => {
      const results: unknown[][] = [[], []]
      for (const local of ['2026-03-05T09:00:00', '2026-03-12T09:00:00']) {
        const now = at(local)
        results[0]!.push(await superviseTick(deps(batched, now), now, { pageSize: 4, onItemError: (_id, e) => { throw e } }))
        results[1]!.push(await superviseTick(deps(oneByOne, now), now, { pageSize: 4, oneByOne: true, onItemError: (_id, e) => { throw e } }))
      }
      expect(results[0]).toEqual(results[1])
      const a = await written(batched)
      const b = await written(oneByOne)
      // The fixture fires what it means to: 催办 events, the item with two of them, tickets' 督办 with notices.
      expect(a.history.filter((r) => r['event'] === 'remind').length).toBeGreaterThanOrEqual(8)
      expect(a.history.filter((r) => r['item_id'] === 'twice').map((r) => r['event'])).toEqual(['remind', 'remind'])
      expect(a.history.filter((r) => r['event'] === 'supervise').length).toBe(3)
      expect(a.notices.filter((r) => r['reason'] !== null && String(r['reason']).includes('超过办理时限')).length).toBe(3)
      expect(a.notices.length).toBeGreaterThan(3)
      expect(a.outbox.length).toBeGreaterThan(0)
      for (const table of Object.keys(b) as (keyof typeof b)[]) expect({ table, rows: a[table] }).toEqual({ table, rows: b[table] })
    })
  })
}
