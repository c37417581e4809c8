/**
 * Chinese ticket search (工单检索) over HTTP on every test dialect: GET /api/tickets?q= segments the query with jieba
 * and finds a word inside a longer phrase of a ticket's content or address, finds the tickets holding all the
 * query's words, else all but one, else any, ranked by how many and how often, finds a ticket by its category's name (in its title), finds nothing for words no ticket holds, keeps the data scope, finds a number, the start or the end of
 * one (before the word matches), and ranks only the newest 300 matches, the total capped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { CATEGORY, operatorToken, seedCatalogue } from './tickets.fixture.ts'

interface ListAnswer {
  tickets: { id: string; number: string; content: string }[]
  total: number
  totalCapped: boolean
}

for (const dialect of testDialects()) {
  describe(`ticket search in Chinese (${dialect})`, () => {
    let t: TestApp
    let operator: string
    const ids: Record<string, { id: string; number: string }> = {}
    const search = async (token: string, q: string): Promise<ListAnswer> => {
      const res = await t.app.inject({ method: 'GET', url: `/api/tickets?q=${encodeURIComponent(q)}`, headers: { authorization: `Bearer ${token}` } })
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as ListAnswer
    }
    const receive = async (key: string, content: string, address: string, lead?: string, categoryCode: string = CATEGORY.rubbish): Promise<void> => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/tickets',
        headers: { authorization: `Bearer ${operator}` },
        payload: { requestType: 'complaint', categoryCode, urgency: 'normal', requesterPhone: '13812345678', address, content, ...(lead ? { dispatch: { lead } } : {}) },
      })
      expect(res.statusCode, res.body).toBe(201)
      ids[key] = res.json() as { id: string; number: string }
    }

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await t.seedUsers()
      await seedCatalogue(t)
      operator = await operatorToken(t)
      await receive('bins', '幸福小区门口的垃圾桶已经满了三天没人清理，臭味很大', '东湖区幸福小区北门', 'sjj')
      await receive('binsOnly', '菜市场旁边的垃圾桶坏了', '江滨路菜市场')
      await receive('noise', '夜间施工噪音扰民，影响休息', '西山县建设路工地', undefined, CATEGORY.stalls)
    }, 300_000)
    afterAll(async () => {
      await t?.close()
    })

    it('finds a query word inside a longer Chinese phrase of the content and of the address', async () => {
      // 垃圾 is written only inside 垃圾桶 and 垃圾清运 (the category, in the ticket's title); 北门 only inside 幸福小区北门.
      const rubbish = await search(operator, '垃圾')
      expect(rubbish.tickets.map((x) => x.id).sort()).toEqual([ids.bins!.id, ids.binsOnly!.id].sort())
      expect(rubbish.total).toBe(2)
      const gate = await search(operator, '北门')
      expect(gate.tickets.map((x) => x.id)).toEqual([ids.bins!.id])
    })

    it('finds the tickets holding every word of the query', async () => {
      // Both hold 垃圾桶; only one also 臭味.
      expect((await search(operator, '垃圾桶臭味')).tickets.map((x) => x.id)).toEqual([ids.bins!.id])
    })

    it('when no ticket holds every word, finds those holding all but one', async () => {
      // 有人 is in no ticket (one says 没人); the other words are all in one ticket, only 垃圾/垃圾桶 in another.
      expect((await search(operator, '请问幸福小区垃圾桶满了有人清理吗')).tickets.map((x) => x.id)).toEqual([ids.bins!.id])
    })

    it('when no ticket holds both words, ranks the ticket holding one more often first', async () => {
      // 北门 is once in one ticket's address; 施工 in another's content and title.
      expect((await search(operator, '北门施工')).tickets.map((x) => x.id)).toEqual([ids.noise!.id, ids.bins!.id])
    })

    it('finds tickets by the category name their title starts with', async () => {
      expect((await search(operator, '占道经营')).tickets.map((x) => x.id)).toEqual([ids.noise!.id])
    })

    it('finds nothing for words no ticket holds, and question words alone match nothing', async () => {
      expect(await search(operator, '燃气泄漏')).toEqual({ tickets: [], total: 0, totalCapped: false, limit: 50, offset: 0 })
      expect((await search(operator, '请问怎么')).total).toBe(0)
    })

    it('keeps the data scope: a unit liaison finds only its own unit\'s tickets', async () => {
      const sjj = await t.login('liaison-sjj')
      expect((await search(sjj, '垃圾桶')).tickets.map((x) => x.id)).toEqual([ids.bins!.id])
      const jb = await t.login('liaison-jb')
      expect((await search(jb, '垃圾桶')).total).toBe(0)
    })

    it('still finds a ticket by its number, and indexes every ticket received', async () => {
      const byNumber = await search(operator, ids.noise!.number)
      expect(byNumber.tickets.map((x) => x.id)).toEqual([ids.noise!.id])
      const { rows } = await t.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ticket WHERE search_vector IS NULL`)
      expect(Number(rows[0]!.n)).toBe(0)
    })

    it('finds a ticket by the end or the start of its number, in lower case too, and puts it before the word matches', async () => {
      const number = ids.noise!.number
      const seq = number.slice(number.lastIndexOf('-') + 1)
      expect((await search(operator, seq)).tickets.map((x) => x.id)).toEqual([ids.noise!.id])
      expect((await search(operator, number.toLowerCase())).tickets.map((x) => x.id)).toEqual([ids.noise!.id])
      const start = await search(operator, number.slice(0, number.lastIndexOf('-')))
      expect(start.tickets.map((x) => x.id).sort()).toEqual(Object.values(ids).map((x) => x.id).sort())
      // A number and words: the numbered ticket first (it does not hold 垃圾桶), then the tickets holding the words.
      const both = await search(operator, `${seq} 垃圾桶`)
      expect(both.tickets[0]!.id).toBe(ids.noise!.id)
      expect(both.tickets.slice(1).map((x) => x.id).sort()).toEqual([ids.bins!.id, ids.binsOnly!.id].sort())
    })

    it('ranks only the newest 300 matches: the total stops at 300 and says more match', async () => {
      // 301 tickets written straight to the database with their words (301 intakes would take minutes here).
      const { rows } = await t.db.query<{ v: unknown }>(`SELECT max(version) AS v FROM service_category WHERE code = $1`, [CATEGORY.rubbish])
      await t.db.query(
        `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, snapshot)
         SELECT 'cap' || g, 'CAP-' || lpad(g::text, 3, '0'), 'ticket', 1, 'closed', 'closed', '井盖丢失', '', '{}' FROM generate_series(1, 301) g`,
      )
      await t.db.query(
        `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, content, received_at, search_vector)
         SELECT 'cap' || g, 'phone', 'complaint', $1, $2, 'normal', '井盖丢失', TIMESTAMPTZ '2026-01-01 08:00:00+08' + g * interval '1 minute',
                to_tsvector('simple', '井盖 丢失')
           FROM generate_series(1, 301) g`,
        [CATEGORY.rubbish, Number(rows[0]!.v)],
      )
      const page = await search(operator, '井盖')
      expect([page.total, page.totalCapped, page.tickets.length]).toEqual([300, true, 50])
      expect(page.tickets.slice(0, 2).map((x) => x.number)).toEqual(['CAP-301', 'CAP-300'])
      const beyond = await search(operator, '井盖丢失')
      expect([beyond.total, beyond.totalCapped]).toEqual([300, true])
    })
  })
}
