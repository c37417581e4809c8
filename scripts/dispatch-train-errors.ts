/**
 * The training side's out-of-fold misses by class (派单错误分类): the 242 training-side letters (scripts/dispatch-sets.ts),
 * 5 folds by city, each fold's letters scored by a model taught the other folds' letters (W, default 1; W=0 cold). Prints
 * label → first-function counts and, with TEXTS=1, each miss's text and top three. cities-test*.jsonl are never read.
 *
 *   npx tsx scripts/dispatch-train-errors.ts          # counts
 *   TEXTS=1 W=0 npx tsx scripts/dispatch-train-errors.ts
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { rankFunctions, teach } from '../src/domain/dispatch/dispatch.model.ts'
import { cityFold, CITY_FOLDS, demoInputs, trainingSide as letters } from './dispatch-sets.ts'

const weight = Number(process.env.W ?? 1)
const pairs = new Map<string, string[]>()
let n1 = 0
let n3 = 0
for (let fold = 0; fold < CITY_FOLDS; fold++) {
  const m = coldStartModel(demoInputs, jiebaTokenize)
  if (weight > 0) for (const l of letters) if (cityFold(l) !== fold) teach(m, { text: l.text, function: l.function, weight })
  for (const l of letters) {
    if (cityFold(l) !== fold) continue
    const top = rankFunctions(m, { text: l.text })
    if (top[0]?.function === l.function) n1++
    if (top.some((f) => f.function === l.function)) n3++
    else {
      const k = `${l.function} → ${top[0]?.function}`
      pairs.set(k, [...(pairs.get(k) ?? []), `${l.city} | ${l.text} | ${top.map((f) => `${f.function} ${f.probability}`).join(', ')}`])
    }
    if (top[0]?.function !== l.function && top.some((f) => f.function === l.function)) {
      const k = `${l.function} → ${top[0]?.function} (in 3)`
      pairs.set(k, [...(pairs.get(k) ?? []), `${l.city} | ${l.text} | ${top.map((f) => `${f.function} ${f.probability}`).join(', ')}`])
    }
  }
}
console.log(`${letters.length} training-side letters, W ${weight}: top-1 ${(n1 / letters.length).toFixed(3)}, top-3 ${(n3 / letters.length).toFixed(3)}`)
for (const [k, v] of [...pairs].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`${String(v.length).padStart(3)}  ${k}`)
  if (process.env.TEXTS) for (const t of v) console.log(`       ${t}`)
}
