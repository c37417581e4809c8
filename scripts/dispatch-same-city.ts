/**
 * Does a city's OWN closed tickets teach the dispatch model what other cities' do not? The training-side city with
 * the most letters (洛阳: the training side of scripts/dispatch-sets.ts; TRAINING_SIDE=137 for the morning round's) is scored leave-one-out three ways: the cold
 * start alone; taught the city's other letters (as a running server learns from its own closed tickets); taught as
 * many letters drawn from the OTHER training-side cities (a fixed hash order, so every run draws the same). Only
 * training-side letters are read; cities-test*.jsonl never.
 *
 *   npx tsx scripts/dispatch-same-city.ts            # 洛阳, weight 1
 *   CITY=郑州 W=2 npx tsx scripts/dispatch-same-city.ts
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { rankFunctions, teach } from '../src/domain/dispatch/dispatch.model.ts'
import { demoInputs as inputs, fnv1a, trainingSide as all, type Letter } from './dispatch-sets.ts'

const city = process.env.CITY ?? '洛阳'
const weight = Number(process.env.W ?? 1)
const own = all.filter((l) => l.city === city)
const others = all.filter((l) => l.city !== city).sort((a, b) => fnv1a(a.text) - fnv1a(b.text))

type Hits = { top1: number; top3: number }
function score(teachFor: (i: number) => Letter[]): Hits {
  let top1 = 0
  let top3 = 0
  own.forEach((l, i) => {
    const m = coldStartModel(inputs, jiebaTokenize)
    for (const t of teachFor(i)) teach(m, { text: t.text, function: t.function, weight })
    const r = rankFunctions(m, { text: l.text }).map((f) => f.function)
    if (r[0] === l.function) top1++
    if (r.includes(l.function)) top3++
  })
  return { top1, top3 }
}
const fmt = (h: Hits) => `${(h.top1 / own.length).toFixed(3)} / ${(h.top3 / own.length).toFixed(3)} (${h.top1} / ${h.top3} of ${own.length})`
const n = own.length - 1
console.log(`${city}: ${own.length} letters, leave-one-out, taught at weight ${weight}`)
console.log(`  cold start:                                    ${fmt(score(() => []))}`)
console.log(`  + the city's other ${n} letters:                ${fmt(score((i) => own.filter((_, j) => j !== i)))}`)
console.log(`  + ${n} letters of other training-side cities:   ${fmt(score(() => others.slice(0, n)))}`)
console.log(`  + all ${others.length} letters of the other cities:      ${fmt(score(() => others))}`)
console.log(`  + both (own others and all other cities):      ${fmt(score((i) => [...own.filter((_, j) => j !== i), ...others]))}`)
