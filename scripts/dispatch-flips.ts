/**
 * What teaching the training-side letters changes (city-grouped 5 folds, as scripts/dispatch-city-cv.ts): the letters
 * a cold start got right and the taught model gets wrong (and the reverse), each with the words it shares with the
 * taught letters of the function that now wins. Training-side letters only (scripts/dispatch-sets.ts; TRAINING_SIDE=137
 * for the morning round's 137); cities-test*.jsonl are never read.
 *
 *   npx tsx scripts/dispatch-flips.ts
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { rankFunctions, teach } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { cityFold as fold, demoInputs as inputs, trainingSide as L } from './dispatch-sets.ts'
const cold = coldStartModel(inputs, jiebaTokenize)
const blame = new Map<string, number>()
let flipsBad = 0, flipsGood = 0
for (let f = 0; f < 5; f++) {
  const m = coldStartModel(inputs, jiebaTokenize)
  const taught = L.filter((l) => fold(l) !== f)
  for (const l of taught) teach(m, { text: l.text, function: l.function })
  for (const l of L.filter((x) => fold(x) === f)) {
    const c = rankFunctions(cold, { text: l.text })[0]!.function
    const t = rankFunctions(m, { text: l.text })[0]!.function
    if (c === l.function && t !== l.function) {
      flipsBad++
      // words of this letter that taught letters of the new winner contain
      const feats = new Set(featuresOf(jiebaTokenize, l.text))
      const from = taught.filter((x) => x.function === t).flatMap((x) => featuresOf(jiebaTokenize, x.text)).filter((w) => feats.has(w))
      const uniq = [...new Set(from)]
      for (const w of uniq) blame.set(w, (blame.get(w) ?? 0) + 1)
      console.log(`${l.function} → ${t}  shared with ${t}'s letters: ${uniq.slice(0, 12).join(' ')}  | ${l.text.slice(0, 30)}`)
    }
    if (c !== l.function && t === l.function) flipsGood++
  }
}
console.log(`right → wrong ${flipsBad}, wrong → right ${flipsGood}`)
console.log([...blame].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([w, n]) => `${w}:${n}`).join(' '))
