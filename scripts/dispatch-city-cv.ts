/**
 * Cross-validation of the dispatch model over the TRAINING cities only (test/fixtures/dispatch/cities-train.jsonl),
 * grouped by city: each of 5 folds holds out whole cities, and a model built from the demo city's duties is taught
 * the other folds' letters (each with weight W) before the held-out cities' letters are scored by function. This is
 * what the model was tuned on in the round that split the letters by city; cities-test*.jsonl are never read here.
 * Also prints the cold start on the training cities and the demo requests' 5-fold figure, for comparison.
 *
 *   npx tsx scripts/dispatch-city-cv.ts            # W = 1
 *   W=0.5 npx tsx scripts/dispatch-city-cv.ts      # taught letters at half weight (W=0: nothing taught)
 *
 * Since 2026-12-02 morning it also teaches cities-train-3.jsonl (more letters from training-side cities), each letter
 * in its city's fold, so a city's own letters are never taught while it is scored: the 87 letters are scored as
 * before, with and without the new ones taught, and the 87 + new letters are scored together. Since 2026-12-02
 * afternoon the sets and folds come from scripts/dispatch-sets.ts, with cities-train-4.jsonl among the new letters (and
 * cities-train-5/-6.jsonl since; TRAINING_SIDE=176 leaves -6 out).
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { crossValidate, evaluateOn, reportOf, type ScoredLine } from '../src/app/dispatch/evaluate-dispatch.ts'
import { teach } from '../src/domain/dispatch/dispatch.model.ts'
import type { Accuracy } from '../src/domain/dispatch/evaluate.ts'
import { cityFold, CITY_FOLDS as FOLDS, demoInputs as inputs, demoRequests, scoredCase, trainCities87, trainingSide as letters } from './dispatch-sets.ts'

const weight = Number(process.env.W ?? 1)
const old = { letters: trainCities87 }
const extra = { letters: letters.slice(trainCities87.length) }
const isOld = (i: number): boolean => i < old.letters.length
const foldOf = (i: number): number => cityFold(letters[i]!)
const fresh = () => coldStartModel(inputs, jiebaTokenize)

/** Out-of-fold cases: `taught` says which letters may be taught, `scored` which are scored. */
function crossByCity(taught: (i: number) => boolean, scored: (i: number) => boolean): ScoredLine[] {
  const cases: ScoredLine[] = []
  for (let fold = 0; fold < FOLDS; fold++) {
    const model = fresh()
    letters.forEach((l, i) => {
      if (foldOf(i) !== fold && weight > 0 && taught(i)) teach(model, { text: l.text, function: l.function, weight })
    })
    letters.forEach((l, i) => {
      if (foldOf(i) === fold && scored(i)) cases.push(scoredCase(model, l))
    })
  }
  return cases
}
const fmt = (a: Accuracy): string => `${a.top1.toFixed(3)} / ${a.top3.toFixed(3)}`
const cases = crossByCity(isOld, isOld)
console.log(`training cities, ${FOLDS} folds by city, taught letters at weight ${weight}: top-1 / top-3 ${fmt(reportOf(cases).overall)} (${cases.length} letters)`)
if (extra.letters.length > 0) {
  const more = crossByCity(() => true, isOld)
  const all = crossByCity(() => true, () => true)
  console.log(`  the same ${more.length} letters, cities-train-3/-4/-5/-6.jsonl's ${extra.letters.length} letters also taught (by city fold): ${fmt(reportOf(more).overall)}`)
  console.log(`  all ${all.length} training-side letters, everything taught out of fold: ${fmt(reportOf(all).overall)}; cold start on them: ${fmt(evaluateOn(fresh(), letters).overall)}`)
}
console.log(`training cities, cold start (nothing taught): ${fmt(evaluateOn(fresh(), old.letters).overall)}`)
console.log(`demo requests, 5-fold: ${fmt(crossValidate(fresh, [...demoRequests], 5).overall)}`)
