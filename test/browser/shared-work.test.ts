/**
 * Shared work on screen (issue 8.2), at 1280×800 and 390×844, on the real `duban serve --demo`: a plan whose task
 * has two 牵头单位 and 责任单位 各街道 is imported; on the plan's review screen the supervisor sees the 集合名称 card
 * with the 街道 of 云州市 ticked and chooses 分解落实 by clicking; after confirming, 事项详情 of the task shows
 * 各单位办理情况 (who has and has not reported) and 分解落实 0/n with each copy, and a copy links to its parent.
 * Nothing sticks out of the viewport, and no page logs an error.
 */
import { describe, expect, it } from 'vitest'
import { apiOkAs, browserSuite, DESKTOP, hasChromium, offScreen, PHONE, sayIfNoChromium } from '../support/browser.ts'

sayIfNoChromium('test/browser/shared-work.test.ts')

const SIZES = { desktop: DESKTOP, phone: PHONE } as const

const plan = (n: number) => `云州市2026年共同办理事项（${n}）
一、重点任务
（一）开展食品安全示范街道创建第${n}批。创建示范街道2个以上。（牵头单位：市发改委、市市场监管局；责任单位：各街道。完成时间：2026年12月31日前）
`

describe.skipIf(!hasChromium)('shared work in a browser', () => {
  const suite = browserSuite({ file: 'test/browser/shared-work.test.ts', data: 'duban-shared-work-' })
  const { problems, signedIn } = suite

  let n = 0
  for (const [name, size] of Object.entries(SIZES)) {
    it(`the clerk chooses 分解落实 on the review screen, and 事项详情 shows the shares and the copies (${name})`, async () => {
      const supervisor = await apiOkAs(suite.url, 'supervisor')
      const draft = await supervisor<{ id: string }>('POST', '/plans', { fileName: `shared-${name}.txt`, contentBase64: Buffer.from(plan(++n)).toString('base64') })
      const page = await signedIn('supervisor', size)
      await page.goto(`${suite.url}/plans/${draft.id}`)
      const card = page.locator('[data-test=plan-collectives]')
      await card.waitFor()
      const box = card.locator('[data-test="collective-各街道"]')
      await expect(box.textContent()).resolves.toContain('河滨街道')
      expect(await offScreen(page), `review ${name}`).toEqual([])
      await box.locator('[data-test=collective-expand]').click()
      await box.locator('[data-test=collective-expanded]').waitFor()
      const chosen = await supervisor<{ choice: string; expandedTo: { name: string }[] }[]>('GET', `/plans/${draft.id}/collectives`)
      expect(chosen[0]!.choice).toBe('expand')
      expect(chosen[0]!.expandedTo.map((u) => u.name)).toEqual(expect.arrayContaining(['河滨街道', '新市街道', '东城街道', '工业园街道']))

      const confirmed = await supervisor<{ tasks: { id: string; children?: { id: string }[] }[] }>('POST', `/plans/${draft.id}/confirm`)
      const task = confirmed.tasks.find((t) => t.children?.length)!
      await page.goto(`${suite.url}/items/${task.id}`)
      await page.locator('[data-test=item-children]').waitFor()
      await expect(page.locator('[data-test=children-progress]').textContent()).resolves.toBe(`0/${task.children!.length}`)
      await expect(page.locator('[data-test=item-shares] [data-test=share-not-reported]').count()).resolves.toBe(2)
      expect(await offScreen(page), `item ${name}`).toEqual([])

      // The copy links back to its parent.
      await page.goto(`${suite.url}/items/${task.children![0]!.id}`)
      await page.locator('[data-test=item-parent]').waitFor()
      expect(await offScreen(page), `copy ${name}`).toEqual([])
      expect(problems).toEqual([])
    }, 300_000)
  }
})
