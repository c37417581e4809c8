/**
 * The intake job (migration 134, app/tickets/intake-followups.ts): a ticket acknowledged by a process that dies
 * before its worker runs keeps its job, and a worker that was never kicked for it (another process's, or this one
 * after a restart) finds it by polling and does it within seconds; a job for a ticket that does not exist is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Queryable } from '../../src/persistence/db.ts'
import type { Actor } from '../../src/app/deps.ts'
import { sessionFor } from '../../src/app/auth/session.ts'
import { receiveTicket } from '../../src/app/tickets/receive-ticket.ts'
import { pendingIntakeJobs } from '../../src/app/tickets/intake-followups.ts'
import { DUPLICATE_DEFAULTS } from '../../src/domain/tickets/duplicates.ts'
import { findDuplicatesOf, findDuplicatesOfMany } from '../../src/app/tickets/duplicates.ts'
import { jiebaTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { duplicateCandidatesMany, duplicateSubjects } from '../../src/persistence/duplicates.repo.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

const desk = { requestType: 'complaint', categoryCode: CATEGORY.rubbish, urgency: 'normal', requesterName: '赵六', requesterPhone: '13600004444', address: '东湖区南湖路6号' } as const

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`not within ${ms} ms: ${what}`)
}

for (const dialect of testDialects()) {
  describe(`ticket intake jobs (${dialect})`, () => {
    let t: TestApp
    let actor: Actor

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      actor = (await sessionFor(t.deps, await operatorToken(t)))!.actor
    }, 300_000)
    afterAll(async () => t?.close())

    it('does the job of a ticket no worker was told about, by polling', async () => {
      const first = await receiveTicket(t.deps, actor, { ...desk, content: '南湖路6号的垃圾堆了一周没人清运。' }, 'phone', { windowDays: 30 })
      // The same database without this process's memory: no worker is kicked, as when the process that took the
      // ticket died right after its commit.
      const bare: Db = { dialect: t.db.dialect, query: t.db.query.bind(t.db), transaction: t.db.transaction.bind(t.db), close: async () => {} }
      const second = await receiveTicket({ ...t.deps, db: bare }, actor, { ...desk, content: '南湖路6号垃圾一周没人清运了，很臭。' }, 'phone', { windowDays: 30 })
      expect(second.duplicates.proposed).toBe(0)
      const proposed = async () =>
        (await t.db.query<{ primary_id: string }>(`SELECT primary_id FROM ticket_duplicate WHERE ticket_id = $1`, [second.id])).rows.map((r) => r.primary_id)
      await until('the proposal', async () => (await proposed()).length > 0)
      expect(await proposed()).toEqual([first.id])
      expect(await pendingIntakeJobs(t.db)).toBe(0)
    })

    it('puts off a job that fails, alone, and does the others of its batch', async () => {
      // The database refuses the proposals of one ticket (a trigger standing in for any failure of a job's statements).
      const bare: Db = { dialect: t.db.dialect, query: t.db.query.bind(t.db), transaction: t.db.transaction.bind(t.db), close: async () => {} }
      const ask = { ...desk, requesterPhone: '13600005555', address: '东湖区北湖路9号' }
      const first = await receiveTicket(t.deps, actor, { ...ask, content: '北湖路9号门口的垃圾桶满了，一直没人清运。' }, 'phone', { windowDays: 30 })
      await until('the first job done', async () => (await pendingIntakeJobs(t.db)) === 0)
      await t.db.query(`CREATE FUNCTION duban_test_refuse_job() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM ticket WHERE item_id = NEW.ticket_id AND content LIKE '%很臭%') THEN RAISE EXCEPTION 'refused by the test trigger'; END IF;
          RETURN NEW;
        END $$`)
      await t.db.query('CREATE TRIGGER duban_test_refuse_job BEFORE INSERT ON ticket_duplicate FOR EACH ROW EXECUTE FUNCTION duban_test_refuse_job()')
      const failing = await receiveTicket({ ...t.deps, db: bare }, actor, { ...ask, content: '北湖路9号的垃圾桶满了没人清运，很臭。' }, 'phone', { windowDays: 30 })
      try {
        const other = await receiveTicket({ ...t.deps, db: bare }, actor, { ...ask, content: '北湖路9号垃圾桶又满了，还是没人清运。' }, 'phone', { windowDays: 30 })
        const proposed = async (id: string) => (await t.db.query(`SELECT 1 FROM ticket_duplicate WHERE ticket_id = $1`, [id])).rows.length
        await until('the other ticket’s proposal', async () => (await proposed(other.id)) > 0)
        const job = async () => (await t.db.query<{ attempts: unknown; last_error: string | null }>(`SELECT attempts, last_error FROM ticket_intake_job WHERE item_id = $1`, [failing.id])).rows[0]
        await until('the failing job put off', async () => Number((await job())?.attempts ?? 0) >= 1)
        expect((await job())?.last_error).toMatch(/refused by the test trigger/)
        expect(await proposed(failing.id)).toBe(0)
        expect(await pendingIntakeJobs(t.db)).toBe(1)
      } finally {
        await t.db.query('DROP TRIGGER duban_test_refuse_job ON ticket_duplicate')
        await t.db.query('DROP FUNCTION duban_test_refuse_job()')
        await t.db.query(`DELETE FROM ticket_intake_job WHERE item_id = $1`, [failing.id])
      }
    })

    it('stores a batch of jobs with one statement: proposals, flags and audit rows as one by one', async () => {
      const bare: Db = { dialect: t.db.dialect, query: t.db.query.bind(t.db), transaction: t.db.transaction.bind(t.db), close: async () => {} }
      const ask = { ...desk, requesterPhone: '13600007777', address: '东湖区西湖路3号' }
      // Four asks of one caller, taken without kicking the worker, so that its next poll finds them together.
      const ids: string[] = []
      for (let i = 0; i < 4; i++) ids.push((await receiveTicket({ ...t.deps, db: bare }, actor, { ...ask, content: `西湖路3号的垃圾桶满了，一直没人清运（第${i + 1}次反映）。` }, 'phone', { windowDays: 30 })).id)
      // The statements that store what detection found, from the worker's transactions.
      let stores = 0
      const original = t.db.transaction.bind(t.db)
      t.db.transaction = (fn) =>
        original((tx) =>
          fn(
            Object.assign(Object.create(tx) as Queryable, {
              query: (sql: string, params?: readonly unknown[], options?: Parameters<Queryable['query']>[2]) => {
                if (/INSERT INTO (ticket_duplicate|ticket_repeat|audit_log)/.test(sql)) stores++
                return tx.query(sql, params, options)
              },
            }),
          ),
        )
      try {
        await until('the four jobs done', async () => (await pendingIntakeJobs(t.db)) === 0)
      } finally {
        t.db.transaction = original
      }
      // One statement per batch (a poll may split the four into two batches), where one by one took 11.
      expect(stores).toBeGreaterThanOrEqual(1)
      expect(stores).toBeLessThanOrEqual(2)
      const pairs = await t.db.query<{ ticket_id: string; primary_id: string }>(`SELECT ticket_id, primary_id FROM ticket_duplicate WHERE ticket_id = ANY($1::text[]) ORDER BY 1, 2`, [ids])
      const expected = ids.flatMap((id, i) => ids.slice(0, i).map((p) => ({ ticket_id: id, primary_id: p }))).sort((a, b) => (a.ticket_id + a.primary_id < b.ticket_id + b.primary_id ? -1 : 1))
      expect(pairs.rows).toEqual(expected)
      const flags = await t.db.query<{ item_id: string; asks: unknown }>(`SELECT item_id, asks FROM ticket_repeat WHERE item_id = ANY($1::text[])`, [ids])
      expect(Object.fromEntries(flags.rows.map((r) => [r.item_id, Number(r.asks)]))).toEqual({ [ids[2]!]: 3, [ids[3]!]: 4 })
      const audits = await t.db.query<{ entity_id: string; after: unknown }>(`SELECT entity_id, after FROM audit_log WHERE action = 'ticket.duplicates.detect' AND entity_id = ANY($1::text[])`, [ids])
      const after = Object.fromEntries(audits.rows.map((r) => [r.entity_id, typeof r.after === 'string' ? JSON.parse(r.after) : r.after]))
      expect(after).toEqual({
        [ids[1]!]: { proposed: 1, windowDays: 30, threshold: DUPLICATE_DEFAULTS.threshold, repeatedAsks: null },
        [ids[2]!]: { proposed: 2, windowDays: 30, threshold: DUPLICATE_DEFAULTS.threshold, repeatedAsks: 3 },
        [ids[3]!]: { proposed: 3, windowDays: 30, threshold: DUPLICATE_DEFAULTS.threshold, repeatedAsks: 4 },
      })
    })

    it('reads a batch’s candidates as one by one, a ticket found by phone and address answered once, its text sent once', async () => {
      const ask = { ...desk, requesterPhone: '13600008888', address: '东湖区东湖路8号' }
      const ids: string[] = []
      for (let i = 0; i < 3; i++) ids.push((await receiveTicket(t.deps, actor, { ...ask, content: `东湖路8号路灯不亮（第${i + 1}次反映）。` }, 'phone', { windowDays: 30 })).id)
      const subjects = await duplicateSubjects(t.db, ids)
      const asked = ids.map((id) => {
        const s = subjects.get(id)!
        return { s, from: new Date(Date.parse(s.receivedAt) - 30 * 86_400_000).toISOString(), to: s.receivedAt }
      })
      let answered = 0
      let texts = 0
      const counting: Queryable = {
        query: async (sql, params, options) => {
          const r = await t.db.query(sql, params, options)
          answered += r.rows.length
          texts += (r.rows as { content?: unknown }[]).filter((row) => row.content !== null && row.content !== undefined).length
          return r as never
        },
      }
      const many = await duplicateCandidatesMany(counting, asked, 20)
      // Each subject's candidates are the other two, whole (the test clock stands still, so their order among equal
      // instants is the database's): they share the caller's phone and address, and come once each, not once per reason.
      const whole = (id: string) => {
        const s = subjects.get(id)!
        return { id, number: s.number, state: s.state, receivedAt: s.receivedAt, phone: s.phone, address: s.address, addressKey: s.addressKey, content: s.content }
      }
      for (const [k, id] of ids.entries()) {
        const got = many[k]!.map((r) => ({ id: r.id, number: r.number, state: r.state, receivedAt: r.receivedAt, phone: r.phone, address: r.address, addressKey: r.addressKey, content: r.content }))
        expect(new Set(got.map((r) => r.id))).toEqual(new Set(ids.filter((x) => x !== id)))
        for (const r of got) expect(r).toEqual(whole(r.id))
      }
      expect(answered).toBe(6)
      // Each of the three tickets' text (and phone, place) once in the batch's answer, not once per subject it is a candidate of.
      expect(texts).toBe(3)
    })

    it('detects a batch of more subjects than one slice of the event loop as one by one', async () => {
      // 25 asks of one caller at one address: findDuplicatesOfMany lets the loop turn every 20 subjects (DETECT_SLICE).
      const ask = { ...desk, requesterPhone: '13600009999', address: '东湖区西湖路3号' }
      const ids: string[] = []
      for (let i = 0; i < 25; i++) ids.push((await receiveTicket(t.deps, actor, { ...ask, content: `西湖路3号路灯不亮，第${i + 1}次反映。` }, 'phone', { windowDays: 30 })).id)
      const many = await findDuplicatesOfMany(t.db, jiebaTokenize, ids.map((itemId) => ({ itemId, windowDays: 30 })))
      expect([...many.keys()].sort()).toEqual([...ids].sort())
      // The test clock stands still: the order among equal instants is the database's, so both are compared sorted.
      const sorted = (f: Awaited<ReturnType<typeof findDuplicatesOf>> | undefined) =>
        f && { ...f, matches: [...f.matches].sort((a, b) => (a.primaryId < b.primaryId ? -1 : 1)), repeat: f.repeat && { ...f.repeat, earlier: [...f.repeat.earlier].sort() } }
      for (const id of ids) expect(sorted(many.get(id))).toEqual(sorted(await findDuplicatesOf(t.db, jiebaTokenize, id, { settings: { windowDays: 30 } })))
      // The last ask is the 25th of the caller's: flagged, with the 20 earlier tickets read (the candidates' limit).
      expect(many.get(ids[24]!)!.repeat?.asks).toBe(21)
    })

    it('drops the job of a ticket that does not exist', async () => {
      await t.db.query(`INSERT INTO ticket_intake_job (item_id, window_days, enqueued_at) VALUES ('no-such-ticket', 30, now())`)
      await until('the job gone', async () => (await pendingIntakeJobs(t.db)) === 0)
    })
  })
}
