/**
 * 告知诉求人 on the ticket page in a browser: the real `duban serve --demo` in a child process, headless Chromium at
 * 1280×800 and 390×844. Two callers report one overflowing septic tank; the hotline merges the later ticket into the
 * first (the later caller is sent the 并单 notice) and answers the first directly (直接办结: both callers are sent the
 * reply, each under their own number). The first ticket's page lists the three messages of its handling, newest
 * first, the phones masked, the merged ticket's two linked to it, each with where its SMS is; the merged ticket's page
 * lists its own two; the page shows what GET /api/tickets/:id answers; nothing off screen at 390 px; no console or
 * script error.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, OFF_SCREEN_SCRIPT, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/ticket-messages.test.ts')

const SHOTS = process.env.DUBAN_SHOTS ?? '/tmp/duban-ticket-messages-shots'
/** 环境卫生 in the demo catalogue; 河滨街道 of 青龙区. */
const CATEGORY = '01.01.04'
const PLACE = 'ql-hb'
const REPLY = '已通知物业今日抽运化粪池并清洗路面，请留意。'
const DELIVERY = ['待发送', '未发送（未配置短信通道）', '发送中', '已送达', '发送失败']

interface Made {
  id: string
  number: string
}
interface Message {
  ticket: Made
  purpose: string
  text: string
  phone: string | null
}

describe.skipIf(!hasChromium)('告知诉求人 on the ticket page in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/ticket-messages.test.ts', data: 'duban-ticket-messages-data-', shots: SHOTS })
  const made: Made[] = []

  beforeAll(async () => {
    const hotline = await apiOkAs(suite.url, 'hotline')
    for (const [i, content] of ['滨河路26号化粪池满溢，污水流到人行道上', '滨河路26号门口化粪池冒污水，臭味很大'].entries()) {
      made.push(
        await hotline<Made>('POST', '/tickets', {
          requestType: 'complaint', categoryCode: CATEGORY, urgency: 'normal', requesterPhone: `1370000${String(5000 + i)}`, address: '青龙区滨河路26号', placeUnitId: PLACE, content,
        }),
      )
    }
    await hotline('POST', `/tickets/${made[1]!.id}/merge`, { into: made[0]!.number })
    await hotline('POST', `/tickets/${made[0]!.id}/events`, { event: 'answer_directly', payload: { text: REPLY } })
  }, 900_000)

  /** The messages tab of a ticket's page: each message's purpose line, text and delivery label, as shown. */
  async function openMessages(page: Page, id: string): Promise<{ head: string; text: string; delivery: string }[]> {
    await page.goto(`${suite.url}/tickets/${id}`)
    await page.getByRole('tab', { name: /告知诉求人/ }).click()
    const list = page.locator('[data-test=ticket-messages]')
    await list.waitFor()
    const out: { head: string; text: string; delivery: string }[] = []
    for (const item of await list.locator('.el-timeline-item').all()) {
      out.push({
        head: await item.locator('.msg-head').innerText(),
        text: await item.locator('[data-test=message-text]').innerText(),
        delivery: await item.locator('[data-test=message-delivery]').innerText(),
      })
    }
    return out
  }

  for (const [name, size] of [['1280', DESKTOP], ['390', PHONE]] as const) {
    it(`lists what the requesters of the handling were told at ${name} px, as the API answers it`, async () => {
      const [first, merged] = made as [Made, Made]
      const hotline = await apiOkAs(suite.url, 'hotline')
      const answer = await hotline<{ requesterMessages: Message[] }>('GET', `/tickets/${first.id}`)
      // Oldest first: the notice (at the merge), then the two replies (one transaction: in id order).
      const told = answer.requesterMessages.map((m) => `${m.ticket.number} ${m.purpose}`)
      expect(told[0]).toBe(`${merged.number} merge_notice`)
      expect(told.slice(1).sort()).toEqual([`${first.number} reply`, `${merged.number} reply`].sort())
      expect(answer.requesterMessages.every((m) => /^1\d\d\*{4}\d{4}$/.test(m.phone ?? ''))).toBe(true)

      const page = await suite.signedIn('hotline', size)
      const shown = await openMessages(page, first.id)
      // Newest first: the two replies (their order within one transaction as the API gives it), then the notice.
      expect(shown.map((m) => m.text)).toEqual([...answer.requesterMessages].reverse().map((m) => m.text))
      expect(shown.filter((m) => m.head.includes('并入工单')).map((m) => m.head.includes(merged.number))).toEqual([true, true])
      expect(shown.find((m) => m.text.includes(`工单${first.number}）已办理`))?.text).toBe(`您反映的诉求（工单${first.number}）已办理，答复如下：${REPLY}`)
      expect(shown.find((m) => m.head.startsWith('并单告知'))?.text).toBe(`您反映的诉求（工单${merged.number}）与工单${first.number}为同一诉求，已并单办理，办理结果将一并答复您。`)
      for (const m of shown) expect(DELIVERY).toContain(m.delivery)
      expect(shown.every((m) => !/1370000500\d/.test(m.head))).toBe(true)
      await page.screenshot({ path: join(SHOTS, `ticket-messages-${name}.png`), fullPage: true })
      if (size === PHONE) expect(await page.evaluate(OFF_SCREEN_SCRIPT)).toEqual([])

      // The merged ticket's page: its own requester's notice and reply, no link to itself.
      const own = await openMessages(page, merged.id)
      expect(own.map((m) => m.head.split(/\s/)[0])).toEqual(['答复', '并单告知'])
      expect(own.some((m) => m.head.includes('并入工单'))).toBe(false)
      await page.context().close()
    }, 180_000)
  }

  it('had no console or script error on any page', () => {
    expect(suite.problems).toEqual([])
  })
})
