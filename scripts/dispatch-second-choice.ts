/**
 * A second choice for subjects that cities divide differently (分工不一): when the first function is one of a pair
 * (SHARED_SUBJECT_PARTNERS, src/domain/dispatch/dispatch.model.ts) and none of its partners is among the three, the
 * partner the model ranks best takes the third place (unless the township holds it). Variants compared by city-grouped
 * 5-fold CV on the TRAINING-side letters only (scripts/dispatch-sets.ts; the same folds as scripts/dispatch-city-cv.ts),
 * cold and taught, beside the demo requests' 5 folds and the real plan items (cold). cities-test*.jsonl are never read.
 * Top-1 cannot change (the rule only fills the third place). Also printed: how often 街道乡镇 is among the three for a
 * department's letter (国办函〔2025〕66号), and, against no partners, how many letters each variant turns from wrong to
 * right at top-3 and back.
 *
 *   npx tsx scripts/dispatch-second-choice.ts
 *   PAIRS='none;城市管理/住房城乡建设;城市管理/街道乡镇,住房城乡建设/街道乡镇' npx tsx scripts/dispatch-second-choice.ts
 *
 * PAIRS: variants separated by ;, each a comma-separated list of a/b pairs (both ways); `none` = no partners, `kept` =
 * SHARED_SUBJECT_PARTNERS.
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { calibrated, functionRanking, SHARED_SUBJECT_PARTNERS, servedFunctions, teach, type DispatchModel } from '../src/domain/dispatch/dispatch.model.ts'
import { featuresOf } from '../src/domain/dispatch/features.ts'
import { withoutPlaces } from '../src/domain/dispatch/place.resolve.ts'
import { TOWNSHIP_FUNCTION } from '../src/domain/tickets/unit-functions.ts'
import { cityFold, CITY_FOLDS, demoInputs, demoRequests, planItems, trainingSide, type Letter } from './dispatch-sets.ts'

type Partners = Readonly<Record<string, readonly string[]>>
const fresh = (): DispatchModel => coldStartModel(demoInputs, jiebaTokenize)

function parse(v: string): Partners {
  if (v === 'kept') return SHARED_SUBJECT_PARTNERS
  const out: Record<string, string[]> = {}
  if (v === 'none') return out
  for (const pair of v.split(',')) {
    const [a, b] = pair.split('/')
    if (!a || !b) throw new Error(`not a pair: ${pair}`)
    ;(out[a] ??= []).push(b)
    ;(out[b] ??= []).push(a)
  }
  return out
}

/** One set's out-of-fold rankings (the model's raw order, calibrated), computed once and re-used by every variant. */
interface Ranking {
  readonly letter: Letter
  readonly model: DispatchModel
  readonly ranked: ReturnType<typeof calibrated>
}
function rankingOf(model: DispatchModel, l: Letter): Ranking {
  return { letter: l, model, ranked: calibrated(functionRanking(model, featuresOf(model.tokenize, withoutPlaces(model.dir, l.text, l.address)))) }
}
function byCity(taught: boolean): Ranking[] {
  const out: Ranking[] = []
  for (let fold = 0; fold < CITY_FOLDS; fold++) {
    const model = fresh()
    if (taught) for (const l of trainingSide) if (cityFold(l) !== fold) teach(model, { text: l.text, function: l.function })
    for (const l of trainingSide) if (cityFold(l) === fold) out.push(rankingOf(model, l))
  }
  return out
}
function demoFolds(): Ranking[] {
  const out: Ranking[] = []
  for (let fold = 0; fold < 5; fold++) {
    const model = fresh()
    demoRequests.forEach((l, i) => {
      if (i % 5 !== fold) teach(model, { text: l.text, function: l.function, address: l.address, unitId: (l as { unitId?: string }).unitId })
    })
    demoRequests.forEach((l, i) => {
      if (i % 5 === fold) out.push(rankingOf(model, l))
    })
  }
  return out
}
const cold = fresh()
const sets: [string, Ranking[]][] = [
  [`cv${trainingSide.length} cold`, byCity(false)],
  [`cv${trainingSide.length} taught`, byCity(true)],
  ['demo 5-fold', demoFolds()],
  ['plans cold', planItems.map((l) => rankingOf(cold, l))],
]
const three = (r: Ranking, p: Partners): string[] => servedFunctions(r.model, r.ranked, { text: r.letter.text, address: r.letter.address }, 3, p).map((f) => f.function)

const none = parse('none')
console.log(`variant: top-1 / top-3 per set [top-3 wrong→right / right→wrong against none]; 街道乡镇 among the three of a department's letter`)
for (const v of (process.env.PAIRS ?? 'none;kept').split(';')) {
  const p = parse(v)
  const cells = sets.map(([name, rs]) => {
    let t1 = 0, t3 = 0, up = 0, down = 0
    for (const r of rs) {
      const got = three(r, p)
      const before = three(r, none).includes(r.letter.function)
      const now = got.includes(r.letter.function)
      if (got[0] === r.letter.function) t1++
      if (now) t3++
      if (now && !before) up++
      if (before && !now) down++
    }
    return `${name} ${(t1 / rs.length).toFixed(3)} / ${(t3 / rs.length).toFixed(3)} [${up}/${down}]`
  })
  const dept = sets.filter(([n]) => !n.includes('taught')).map(([, rs]) => {
    const d = rs.filter((r) => r.letter.function !== TOWNSHIP_FUNCTION)
    return `${d.filter((r) => three(r, p).includes(TOWNSHIP_FUNCTION)).length}/${d.length}`
  })
  console.log(`${v}\n  ${cells.join('  ')}\n  township among the three for a department's letter (cv cold, demo, plans): ${dept.join(' ')}`)
}
