/**
 * Confirming a plan in chunks (confirm-plan.ts, migration 120): the tasks are written a few per transaction, yet the
 * user sees all or nothing: a failure after some chunks committed leaves no task, notification or unit row and the
 * plan a draft again (audited); a plan left 'confirming' by a process that died is refused while its lease runs and
 * undone and confirmed by the next confirm after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { confirmPlan, CONFIRM_LEASE_MS } from '../../src/app/plans/confirm-plan.ts'
import type { Actor } from '../../src/app/deps.ts'
import { call, importSample, loginDemo, seedDemoCity } from './plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`plan confirm in chunks (${dialect})`, () => {
    let t: TestApp
    let supervisor: string
    let actor: Actor

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
      const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM app_user WHERE username = 'supervisor'`)
      actor = { userId: rows[0]!.id, role: 'supervisor', unitId: null, scopeUnitIds: null }
    }, 180_000)
    afterAll(async () => t?.close())

    const written = async (planId: string): Promise<{ items: number; units: number; events: number; notifications: number }> => {
      const { rows } = await t.db.query<{ items: number; units: number; events: number; notifications: number }>(
        `SELECT (SELECT count(*)::int FROM item WHERE plan_id = $1) AS items,
                (SELECT count(*)::int FROM item_unit u JOIN item i ON i.id = u.item_id WHERE i.plan_id = $1) AS units,
                (SELECT count(*)::int FROM item_event e JOIN item i ON i.id = e.item_id WHERE i.plan_id = $1) AS events,
                (SELECT count(*)::int FROM notification n JOIN item i ON i.id = n.item_id WHERE i.plan_id = $1) AS notifications`,
        [planId],
      )
      return rows[0]!
    }
    const statusOf = async (planId: string): Promise<string> => (await t.db.query<{ status: string }>('SELECT status FROM plan WHERE id = $1', [planId])).rows[0]!.status

    it('writes the tasks chunk by chunk and gives the same tasks, events and notifications as one chunk would', async () => {
      const one = await importSample(t, supervisor)
      const many = await importSample(t, supervisor)
      const chunks: number[] = []
      const a = await confirmPlan(t.deps, actor, one.id, { chunkSize: 100 })
      const b = await confirmPlan(t.deps, actor, many.id, { chunkSize: 4, afterChunk: (c) => void chunks.push(c) })
      expect(chunks).toEqual([0, 1, 2, 3])
      expect(b.tasks.map((x) => x.n)).toEqual(a.tasks.map((x) => x.n))
      expect(await written(many.id)).toEqual(await written(one.id))
      expect((await written(many.id)).notifications).toBeGreaterThan(0)
      expect(await statusOf(many.id)).toBe('confirmed')
      const numbers = b.tasks.map((x) => Number(x.number.slice(-4)))
      expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i))
    })

    it('stores the draft with every confirmed item pointing at its task and nothing else changed, as the answer and the plan show it', async () => {
      const plan = await importSample(t, supervisor)
      const stored = async (): Promise<{ items: Record<string, unknown>[] } & Record<string, unknown>> =>
        (await t.db.query<{ draft: any }>('SELECT draft FROM plan WHERE id = $1', [plan.id])).rows.map((r) => (typeof r.draft === 'string' ? JSON.parse(r.draft) : r.draft))[0]
      const before = await stored()
      const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(res.statusCode, res.body).toBe(200)
      const tasks = new Map((res.json().tasks as { n: number; id: string; number: string }[]).map((x) => [x.n, x]))
      expect(tasks.size).toBeGreaterThan(0)
      const after = await stored()
      expect(after).toEqual({
        ...before,
        items: before.items.map((it) => {
          const task = tasks.get(it.n as number)
          return task ? { ...it, itemId: task.id, number: task.number } : it
        }),
      })
      expect(after.items.filter((it) => it.itemId).length).toBe(tasks.size)
      // The plan as read back is the answer's (GET adds the plans of the same file, which the answer leaves out).
      const { sameContent: _same, ...shown } = (await call(t, supervisor, 'GET', `/api/plans/${plan.id}`)).json()
      expect(shown).toEqual(res.json().plan)
    })

    it('undoes every chunk already written when a later one fails, and the plan can be confirmed again', async () => {
      const plan = await importSample(t, supervisor)
      await expect(
        confirmPlan(t.deps, actor, plan.id, {
          chunkSize: 5,
          afterChunk: (c) => {
            if (c === 1) throw new Error('failed after the second chunk')
          },
        }),
      ).rejects.toThrow('failed after the second chunk')
      expect(await written(plan.id)).toEqual({ items: 0, units: 0, events: 0, notifications: 0 })
      expect(await statusOf(plan.id)).toBe('draft')
      const undone = await t.db.query<{ after: { removedTasks: number } }>(`SELECT after FROM audit_log WHERE action = 'plan.confirm.undone' AND entity_id = $1`, [plan.id])
      expect(undone.rows.map((r) => r.after.removedTasks)).toEqual([10])
      const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(res.statusCode, res.body).toBe(200)
      expect((await written(plan.id)).items).toBe(res.json().tasks.length)
    })

    it('refuses a plan another confirm holds, and takes over one whose confirm stopped once its lease ran out', async () => {
      const plan = await importSample(t, supervisor)
      // A confirm that dies after its first chunk: the plan stays 'confirming' with that chunk's tasks.
      class Died extends Error {}
      const dying = confirmPlan(t.deps, actor, plan.id, {
        chunkSize: 3,
        afterChunk: async () => {
          // The process is gone: nothing of it runs again, so it cannot undo (its hold is taken away first).
          await t.db.query(`UPDATE plan SET confirming_token = 'gone' WHERE id = $1`, [plan.id])
          throw new Died()
        },
      })
      await expect(dying).rejects.toBeInstanceOf(Died)
      expect(await statusOf(plan.id)).toBe('confirming')
      expect((await written(plan.id)).items).toBe(3)
      const refused = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(refused.statusCode).toBe(409)
      expect(refused.json().error.code).toBe('DUBAN_ERR_PLAN_STATUS_CONFLICT')
      t.clock.set(new Date(t.clock.now().getTime() + CONFIRM_LEASE_MS + 1000))
      const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(res.statusCode, res.body).toBe(200)
      expect(await statusOf(plan.id)).toBe('confirmed')
      expect((await written(plan.id)).items).toBe(res.json().tasks.length)
    })
  })
}
