/**
 * Issue 8 point 3: importing the same document twice is told to the clerk — by content, whatever the file
 * name or the line breaks — on the import answer and on the review (GET); a different document is not. Both dialects.
 */
import { describe, expect, it } from 'vitest'
import { demoCityApp } from '../support/demo-city-app.ts'
import { testDialects } from '../support/test-db.ts'
import { call, SAMPLE_PLAN } from './plans.fixture.ts'

for (const dialect of testDialects()) {
  describe(`same document imported twice (${dialect})`, () => {
    const t = demoCityApp(dialect)
    const importText = async (fileName: string, text: string) => {
      const res = await call(t, t.token, 'POST', '/api/plans', { fileName, contentBase64: Buffer.from(text).toString('base64') })
      expect(res.statusCode, res.body).toBe(201)
      return res.json()
    }

    it('warns on the second import of the same text, renamed and re-wrapped, and on both reviews', async () => {
      const text = SAMPLE_PLAN.toString('utf8')
      const first = await importText('sample-plan.txt', text)
      expect(first.sameContent).toEqual([])
      // The same document saved again: another name, Windows line breaks, spaces at the ends of lines.
      const again = await importText('要点（重发）.txt', text.replace(/\n/g, '  \r\n'))
      expect(again.sameContent).toEqual([{ id: first.id, title: first.title, fileName: 'sample-plan.txt', status: 'draft', createdAt: first.createdAt }])
      const firstNow = (await call(t, t.token, 'GET', `/api/plans/${first.id}`)).json()
      expect(firstNow.sameContent.map((p: { id: string }) => p.id)).toEqual([again.id])

      // A document that differs in one task is another document.
      const other = await importText('other.txt', text.replace('全年', '本年度'))
      expect(other.sameContent).toEqual([])
    })
  })
}
