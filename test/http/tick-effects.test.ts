/**
 * The events the scheduler fires carry out the effects their kind declares (issue 8.1: declared means carried out).
 * The supervision tick fires a clock's declared event through takeEvent as `system`, in the tick's transaction, so
 * the same handlers run: the task kind's 签收时限 expiring fires 催办 (`remind`, notify:lead), and the lead unit finds
 * it in its inbox once (the tick's own 催办 notice is the lead's notification; the effect does not repeat it). Every
 * other recipient a kind names for such an event (the supervisor, the other assignees) is told by the effect itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseTick } from '../../src/app/supervision/supervise-tick.ts'
import { carryOutEffects } from '../../src/app/items/carry-out-effects.ts'
import { findItem } from '../../src/persistence/items.repo.ts'
import { taskKind } from '../../src/domain/kinds/task.kind.ts'
import type { Snapshot } from '../../src/domain/workflow/kind.types.ts'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

const at = (s: string): Date => new Date(`${s}+08:00`)

for (const dialect of testDialects()) {
  describe(`scheduler-fired events carry out their declared effects (${dialect})`, () => {
    let t: TestApp
    const token: Record<string, string> = {}
    const inbox = async (who: string, itemId: string) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/notifications', headers: { authorization: `Bearer ${token[who]}` } })
      expect(res.statusCode, res.body).toBe(200)
      return (res.json() as { itemId: string | null; type: string; title: string }[]).filter((n) => n.itemId === itemId).map((n) => [n.type, n.title])
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      for (const who of ['supervisor', 'liaison-sjj', 'liaison-dh']) token[who] = await t.login(who)
    }, 300_000)
    afterAll(async () => t?.close())

    it('the 签收时限 running out fires 催办 as system, and the lead unit finds it in its inbox once', async () => {
      // Dispatched Monday 2026-03-02 09:00 to 市场监管局 (lead) and 东湖区 (responsible): 签收时限 is the end of Wednesday.
      const dispatched = '2026-03-02T09:00:00+08:00'
      await insertItem(t.db, {
        id: 'late-accept', title: '未签收的任务', due: '2026-12-31', lead: 'sjj', responsible: ['dh'], state: 'dispatched', createdAt: dispatched,
        acceptClock: { startedAt: dispatched, dueAt: '2026-03-04T23:59:59+08:00' },
      })
      await superviseTick(t.deps, at('2026-03-04T20:00:00'))
      expect(await inbox('liaison-sjj', 'late-accept')).toEqual([])

      await superviseTick(t.deps, at('2026-03-05T09:00:00'))
      await superviseTick(t.deps, at('2026-03-05T09:00:00'))
      const history = await t.db.query<{ event: string; actor_role: string }>(`SELECT event, actor_role FROM item_event WHERE item_id = 'late-accept' ORDER BY seq`)
      expect(history.rows.map((r) => [r.event, r.actor_role])).toEqual([['remind', 'system']])
      const got = await inbox('liaison-sjj', 'late-accept')
      expect(got).toHaveLength(1)
      expect(got[0]![0]).toBe('clock.expired')
      expect(got[0]![1]).toBe('催办：未签收的任务')
      // notify:lead means the lead only: the responsible unit is not told of a 签收 it does not owe.
      expect(await inbox('liaison-dh', 'late-accept')).toEqual([])
    })

    it('a scheduler event’s notify effects reach every recipient but the lead units the tick already told', async () => {
      // A kind whose 催办 (fired by the scheduler) names the supervisor and every assignee besides the lead.
      const kind = { ...taskKind, transitions: taskKind.transitions.map((x) => (x.event === 'remind' ? { ...x, effects: ['notify:lead', 'notify:assignees', 'notify:supervisor'] } : x)) }
      await insertItem(t.db, { id: 'wide-remind', title: '催办范围更广的任务', due: '2026-12-31', lead: 'sjj', responsible: ['dh'], state: 'dispatched' })
      const item = (await findItem(t.db, 'wide-remind', null))!
      const snapshot = item.snapshot as unknown as Snapshot
      await t.db.transaction((tx) =>
        carryOutEffects(
          { tx, deps: t.deps, actor: { userId: null, role: 'system', unitId: null, scopeUnitIds: null }, kind, item, before: snapshot, after: snapshot, event: 'remind', payload: {}, version: item.version + 1 },
          ['notify:lead', 'notify:assignees', 'notify:supervisor'].map((e) => ({ name: 'notify', arg: e.slice('notify:'.length), applied: false })),
        ),
      )
      const title = `${taskKind.events['remind']!.label}：${item.number} 催办范围更广的任务`
      expect(await inbox('supervisor', 'wide-remind')).toEqual([['item.remind', title]])
      expect(await inbox('liaison-dh', 'wide-remind')).toEqual([['item.remind', title]])
      expect(await inbox('liaison-sjj', 'wide-remind')).toEqual([])

      // The same effects taken by a person (催办 by the supervisor) tell the lead as well.
      const byPerson = await t.app.inject({ method: 'POST', url: '/api/items/wide-remind/events', headers: { authorization: `Bearer ${token['supervisor']}` }, payload: { event: 'remind', payload: { text: '请抓紧签收' } } })
      expect(byPerson.statusCode, byPerson.body).toBe(200)
      expect((await inbox('liaison-sjj', 'wide-remind')).map((n) => n[0])).toEqual(['item.remind'])
    })
  })
}
