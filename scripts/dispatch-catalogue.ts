/**
 * Does a dispatch catalogue per function (src/domain/dispatch/function-catalogue.ts: 派单目录 item names, hand-written
 * from public 数字化城管 classes and 12345 rules, not from the letters) help the cold start? Variants compared by
 * city-grouped 5-fold CV on the TRAINING-side letters only (scripts/dispatch-sets.ts; the same folds as
 * scripts/dispatch-city-cv.ts), the demo requests' 5 folds and the real plan items (cold). cities-test*.jsonl are
 * never read here.
 *
 * CAT=mode:weight — items: each item one example (split at 、); line: one example per function (the whole list);
 * none: no catalogue (the model before it; since 2026-12-02 afternoon coldStartModel teaches items:1). Several variants comma-separated.
 *
 *   npx tsx scripts/dispatch-catalogue.ts
 *   CAT=none,items:0.5,items:1,line:1 npx tsx scripts/dispatch-catalogue.ts
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { crossValidate, evaluateOn, reportOf, type ScoredLine } from '../src/app/dispatch/evaluate-dispatch.ts'
import { coldStartExamples } from '../src/domain/dispatch/cold-start.ts'
import { newDispatchModel, teach, type DispatchModel } from '../src/domain/dispatch/dispatch.model.ts'
import type { Accuracy } from '../src/domain/dispatch/evaluate.ts'
import { FUNCTION_CATALOGUE } from '../src/domain/dispatch/function-catalogue.ts'
import { FUNCTION_DUTIES } from '../src/domain/dispatch/function-duties.ts'
import { cityFold, CITY_FOLDS, demoInputs as inputs, demoRequests, planItems, scoredCase, trainCities87, trainingSide as letters } from './dispatch-sets.ts'

/** The cold start without the catalogue (the model before 2026-12-02 afternoon), then the catalogue as `mode` says. */
function withCatalogue(mode: string, weight: number): () => DispatchModel {
  return () => {
    const m = newDispatchModel(inputs.units, jiebaTokenize)
    for (const ex of coldStartExamples(inputs.units, inputs.categories, inputs.rules, FUNCTION_DUTIES)) teach(m, ex)
    if (mode === 'none' || weight <= 0) return m
    for (const [fn, text] of Object.entries(FUNCTION_CATALOGUE)) {
      const items = mode === 'line' ? [text ?? ''] : (text ?? '').split('、')
      for (const item of items) if (item.trim()) teach(m, { text: item, function: fn, weight, coldStart: true })
    }
    return m
  }
}

/** City-grouped CV: each fold's model taught (when `taught`) the other folds' letters, its own letters scored. */
function byCity(fresh: () => DispatchModel, taught: boolean): ScoredLine[] {
  const cases: ScoredLine[] = []
  for (let fold = 0; fold < CITY_FOLDS; fold++) {
    const model = fresh()
    if (taught) for (const l of letters) if (cityFold(l) !== fold) teach(model, { text: l.text, function: l.function })
    for (const l of letters) {
      if (cityFold(l) === fold) cases.push(scoredCase(model, l))
    }
  }
  return cases
}
const fmt = (a: Accuracy): string => `${a.top1.toFixed(3)} / ${a.top3.toFixed(3)}`

console.log(`variant          cv${letters.length} cold      cv${letters.length} taught    cities-train ${trainCities87.length} cold  demo 5-fold    plans cold`)
for (const v of (process.env.CAT ?? 'none,items:0.25,items:0.5,items:1,line:1').split(',')) {
  const [mode = 'none', w = '1'] = v.split(':')
  const fresh = withCatalogue(mode, Number(w))
  const cold = fresh()
  console.log(
    `${v.padEnd(16)} ${fmt(reportOf(byCity(fresh, false)).overall)}  ${fmt(reportOf(byCity(fresh, true)).overall)}  ${fmt(evaluateOn(cold, trainCities87).overall)}      ${fmt(crossValidate(fresh, [...demoRequests], 5).overall)}  ${fmt(evaluateOn(cold, planItems).overall)}`,
  )
}

// FLIPS=variant: which training-side letters the variant turns from wrong to right and back at top-1 and top-3, against
// no catalogue (counts, cold and taught), for a sign test.
if (process.env.FLIPS) {
  const [mode = 'items', w = '1'] = process.env.FLIPS.split(':')
  for (const taught of [false, true]) {
    const a = byCity(withCatalogue('none', 1), taught)
    const b = byCity(withCatalogue(mode, Number(w)), taught)
    let up1 = 0, down1 = 0, up3 = 0, down3 = 0
    a.forEach((x, i) => {
      const y = b[i]!
      const r1 = (c: ScoredLine) => c.byFunction.suggested[0] === c.byFunction.function
      const r3 = (c: ScoredLine) => c.byFunction.suggested.slice(0, 3).includes(c.byFunction.function)
      if (!r1(x) && r1(y)) up1++
      if (r1(x) && !r1(y)) down1++
      if (!r3(x) && r3(y)) up3++
      if (r3(x) && !r3(y)) down3++
    })
    console.log(`${process.env.FLIPS} vs none, ${taught ? 'taught' : 'cold'}: top-1 wrong→right ${up1}, right→wrong ${down1}; top-3 ${up3} / ${down3}`)
  }
}
