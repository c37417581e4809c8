/**
 * The second choice for subjects that cities divide differently (SHARED_SUBJECT_PARTNERS, src/domain/dispatch/
 * dispatch.model.ts), on the demo city's cold start with jieba: two real training-side letters
 * (test/fixtures/dispatch/cities-train*.jsonl) answered by a 住建局 that the model gives first to 城管 and to 水务 now have
 * 住房城乡建设 among the three; without the partners they did not.
 */
import { describe, expect, it } from 'vitest'
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { DEMO_DIR } from '../src/app/demo/seed-demo.ts'
import { coldStartModel, loadDemoInputs } from '../src/app/dispatch/dispatch-inputs.ts'
import { calibrated, rankFunctions, servedFunctions } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { rank } from '../src/domain/dispatch/naive-bayes.ts'

describe('the partner of the first function among the three (分工不一), demo city cold start', () => {
  const letters = [
    { text: '下穿隧道两侧的路灯一周前开始就不亮了', first: '城市管理' },
    { text: '家里水压严重不足，早上还停水，水务公司也没通知', first: '水务' },
  ]
  for (const l of letters) {
    it(`puts 住房城乡建设 third for a letter a 住建局 answered: ${l.text}`, async () => {
      const model = coldStartModel(await loadDemoInputs(DEMO_DIR), jiebaTokenize)
      const three = rankFunctions(model, { text: l.text }).map((f) => f.function)
      expect(three[0]).toBe(l.first)
      expect(three[2]).toBe('住房城乡建设')
      const withoutPartners = servedFunctions(model, calibrated(rank(model.functions, featuresOf(jiebaTokenize, l.text))), { text: l.text }, 3, {})
      expect(withoutPartners.map((f) => f.function)).not.toContain('住房城乡建设')
      // The first two are the same either way; the second's confidence is calibrated for its rank (CALIBRATION_RANKS).
      const withPartners = rankFunctions(model, { text: l.text })
      expect(withoutPartners.slice(0, 2).map((f) => f.function)).toEqual(withPartners.slice(0, 2).map((f) => f.function))
      expect(withoutPartners[0]).toEqual(withPartners[0])
    })
  }
})
