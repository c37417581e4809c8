/**
 * Does a SEPARATE model of the taught examples (closed tickets, labelled letters) beat teaching them into the cold-start
 * model? Today teach() adds a letter to the same complement NB that holds every function's duties and catalogue; on the
 * training side that does not lift top-1 (city-grouped CV: 0.659 cold → 0.659 taught on 176 letters). Here the
 * cold-start model stays as it is and the taught letters go into a second complement NB of their own; the two are
 * combined as a product of experts, log p = log p_cold + λ·log p_learned, then ranked and served by the same rules
 * (servedFunctions: 街道乡镇 raised to third, the shared-subject partner).
 *
 * City-grouped 5-fold CV on the TRAINING side only (scripts/dispatch-sets.ts: cities-train*.jsonl, the same folds as
 * scripts/dispatch-city-cv.ts); cities-test*.jsonl are never read here.
 *
 *   npx tsx scripts/dispatch-learned-mix.ts
 *   TRAINING_SIDE=176 npx tsx scripts/dispatch-learned-mix.ts      # the training side before cities-train-6.jsonl
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { calibrated, servedFunctions, teach, type DispatchModel } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { learn, newNaiveBayes, rank, rankMultinomial, type NaiveBayes, type Ranked } from '../src/domain/dispatch/naive-bayes.ts'
import { withoutPlaces } from '../src/domain/dispatch/place.resolve.ts'
import { TICKET_FUNCTIONS } from '../src/domain/tickets/unit-functions.ts'
import { cityFold, CITY_FOLDS as FOLDS, count, demoInputs as inputs, demoRequests, fmt, newTally, trainingSide as letters, type Letter, type Tally } from './dispatch-sets.ts'

const feats = (m: DispatchModel, text: string, address?: string): string[] => featuresOf(m.tokenize, withoutPlaces(m.dir, text, address))


/** The two experts' rankings combined: log p_cold + λ log p_learned over every ticket function, renormalised. */
function mixed(cold: readonly Ranked[], learned: readonly Ranked[], lambda: number): Ranked[] {
  const l = new Map(learned.map((r) => [r.label, r.probability]))
  const out = cold.map((r) => ({ label: r.label, s: Math.log(Math.max(r.probability, 1e-12)) + lambda * Math.log(Math.max(l.get(r.label) ?? 1e-12, 1e-12)) }))
  const max = Math.max(...out.map((o) => o.s))
  const sum = out.reduce((a, o) => a + Math.exp(o.s - max), 0)
  return out.map((o) => ({ label: o.label, probability: Math.exp(o.s - max) / sum })).sort((a, b) => b.probability - a.probability || a.label.localeCompare(b.label))
}

function learnedRank(v: Variant, nb: NaiveBayes, f: readonly string[], cold: NaiveBayes): Ranked[] {
  // mnb smooths over the whole feature space (the cold start's words and the learnt ones), as functionRanking does.
  return v.learnedKind === 'mnb' ? rankMultinomial(nb, f, [...TICKET_FUNCTIONS], cold.vocabulary.size + nb.vocabulary.size + 1) : rank(nb, f, [...TICKET_FUNCTIONS])
}

interface Variant {
  readonly name: string
  /** Letters taught into the cold-start model (today's teach) at this weight; 0 = not. */
  readonly teachWeight: number
  /** λ of the separate learned model; 0 = none. */
  readonly lambda: number
  readonly alpha?: number
  /** The learned expert: complement NB (as the cold start) or plain multinomial NB. */
  readonly learnedKind?: 'cnb' | 'mnb'
}

const VARIANTS: Variant[] = [
  { name: 'cold', teachWeight: 0, lambda: 0 },
  { name: 'taught (today)', teachWeight: 1, lambda: 0 },
  ...[0.5, 0.75, 1, 1.5].flatMap((lambda) => [1, 3].flatMap((alpha) => (['cnb', 'mnb'] as const).map((learnedKind) => ({ name: `mix ${learnedKind} λ${lambda} α${alpha}`, teachWeight: 0, lambda, alpha, learnedKind })))),
]

function run(v: Variant, scoredSet: (i: number) => boolean): Tally {
  const t = newTally()
  for (let fold = 0; fold < FOLDS; fold++) {
    const model = coldStartModel(inputs, jiebaTokenize)
    const learned: NaiveBayes = newNaiveBayes(v.alpha ?? 1)
    letters.forEach((l, i) => {
      if (cityFold(l) === fold) return
      // coldStart: into the cold-start model itself, as teach() did before LEARNED_WEIGHT (dispatch.model.ts).
      if (v.teachWeight > 0) teach(model, { text: l.text, function: l.function, weight: v.teachWeight, coldStart: true })
      if (v.lambda > 0) learn(learned, feats(model, l.text), l.function)
    })
    letters.forEach((l: Letter, i) => {
      if (cityFold(l) !== fold || !scoredSet(i)) return
      const f = feats(model, l.text)
      let ranked = rank(model.functions, f)
      if (v.lambda > 0) ranked = mixed(ranked, learnedRank(v, learned, f, model.functions), v.lambda)
      count(t, l.function, servedFunctions(model, calibrated(ranked), { text: l.text }).map((x) => x.function))
    })
  }
  return t
}

/** The demo requests 5-fold (line i in fold i mod 5), taught the other folds the variant's way. */
function demo(v: Variant): Tally {
  const t = newTally()
  for (let fold = 0; fold < 5; fold++) {
    const model = coldStartModel(inputs, jiebaTokenize)
    const learned = newNaiveBayes(v.alpha ?? 1)
    demoRequests.forEach((l, i) => {
      if (i % 5 === fold) return
      if (v.teachWeight > 0 || v.lambda === 0) teach(model, { text: l.text, function: l.function, address: l.address, weight: v.teachWeight > 0 ? v.teachWeight : 1, coldStart: true })
      if (v.lambda > 0) learn(learned, feats(model, l.text, l.address), l.function)
    })
    demoRequests.forEach((l, i) => {
      if (i % 5 !== fold) return
      const f = feats(model, l.text, l.address)
      let ranked = rank(model.functions, f)
      if (v.lambda > 0) ranked = mixed(ranked, learnedRank(v, learned, f, model.functions), v.lambda)
      count(t, l.function, servedFunctions(model, calibrated(ranked), { text: l.text, address: l.address }).map((x) => x.function))
    })
  }
  return t
}

const before = Number(process.env.FIRST ?? 176)
console.log(`training side: ${letters.length} letters, ${FOLDS} folds by city; top-1 / top-3 (all; the first ${before}; the rest)`)
for (const v of VARIANTS) {
  const all = run(v, () => true)
  const old = run(v, (i) => i < before)
  const rest = letters.length > before ? run(v, (i) => i >= before) : newTally()
  console.log(`${v.name.padEnd(22)} all ${fmt(all)}  first ${fmt(old)}  rest ${rest[0] ? fmt(rest) : '-'}   demo 5-fold ${fmt(demo(v))}`)
}
