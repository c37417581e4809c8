/**
 * A field is named as the event calls it (字段中文名 per kind, event and field): the task's `text` is 任务内容 on the
 * item, but on 报送进展 it is the progress text, 进展情况, and on 报办结 the completion text, 办结情况. A report with
 * a bad text is refused naming the event's label — whichever layer refuses it (the route's schema, the payload
 * rules, the engine) and whichever route carries it (/reports, /events) — and nothing is recorded. Where an event
 * declares no label of its own the kind's stands (the ticket's 答复 is 答复内容).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { insertItem } from './supervision-fixture.ts'

for (const dialect of testDialects()) {
  describe(`a refused field is named as the event calls it (${dialect})`, () => {
    let t: TestApp
    const tokens: Record<string, string> = {}

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      t.clock.set('2026-03-02T09:00:00+08:00')
      tokens['liaison-sjj'] = await t.login('liaison-sjj')
      await insertItem(t.db, { id: 'task-1', title: '推进老旧小区改造', due: '2026-12-31', lead: 'sjj', state: 'accepted' })
    }, 120_000)
    afterAll(async () => t?.close())

    const send = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${tokens['liaison-sjj']}` }, payload })

    const cases: { name: string; url: string; payload: object; code: string; field: string }[] = [
      { name: 'a progress report with blank text (the engine)', url: '/api/items/task-1/reports', payload: { text: '   ' }, code: 'DUBAN_ERR_FIELD_REQUIRED', field: '进展情况' },
      { name: 'a progress report with empty text (the route schema)', url: '/api/items/task-1/reports', payload: { text: '' }, code: 'DUBAN_ERR_VALIDATION', field: '进展情况' },
      { name: 'a progress report with text that is no text (the route schema)', url: '/api/items/task-1/reports', payload: { text: 42 }, code: 'DUBAN_ERR_VALIDATION', field: '进展情况' },
      { name: 'a progress report too long (the route schema)', url: '/api/items/task-1/reports', payload: { text: '长'.repeat(20_001) }, code: 'DUBAN_ERR_VALIDATION', field: '进展情况' },
      { name: 'a progress report too long as an event (the payload rules)', url: '/api/items/task-1/events', payload: { event: 'report_progress', payload: { text: '长'.repeat(20_001) } }, code: 'DUBAN_ERR_FIELD_INVALID', field: '进展情况' },
      { name: 'a progress report with blank text as an event (the engine)', url: '/api/items/task-1/events', payload: { event: 'report_progress', payload: { text: ' ' } }, code: 'DUBAN_ERR_FIELD_REQUIRED', field: '进展情况' },
      { name: 'a completion report with blank text', url: '/api/items/task-1/completion', payload: { text: '  ' }, code: 'DUBAN_ERR_FIELD_REQUIRED', field: '办结情况' },
    ]

    it.each(cases)('$name is refused naming 「$field」, and nothing is recorded', async (c) => {
      const res = await send(c.url, c.payload)
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400)
      const error = res.json().error as { code: string; field: string | null; messageZh: string }
      expect(error.code).toBe(c.code)
      expect(error.field).toBe(c.field)
      expect(error.messageZh).toContain(`（${c.field}）`)
      expect(error.messageZh).not.toContain('任务内容')
      const stored = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM progress_report WHERE item_id = 'task-1'`)
      expect(stored.rows[0]!.n).toBe(0)
      const history = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM item_event WHERE item_id = 'task-1'`)
      expect(history.rows[0]!.n).toBe(0)
    })

    it('takes the same report once its text is good', async () => {
      const res = await send('/api/items/task-1/reports', { text: '3月进展：已完成摸底调查。' })
      expect(res.statusCode, res.body).toBe(200)
    })
  })
}
