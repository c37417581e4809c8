/**
 * Do the cities agree on who handles a subject? (标签一致性 / 分工上限) The training-side letters (151, scripts/dispatch-sets.ts;
 * cities-test*.jsonl are never read here) are grouped by SUBJECT — the subjects the earlier rounds named as shared
 * between 属地 and departments (docs/tickets.md: building-site noise, street lights, rubbish, stalls, parking, sewers and
 * standing water, road surfaces, cooking fumes, property management, lifts, water supply, trees) — each matched by a
 * fixed pattern on the text, first match wins. For each subject it prints how the letters' labels (the function of the
 * unit that answered) spread over functions and cities.
 *
 * Two bounds follow for any model that reads only the text (and no city):
 *  - the majority ceiling: a model that gives every letter of a subject the subject's most common label is right for
 *    the majority's letters only; on the other letters of the subject any single answer is wrong, so the letters
 *    outside each subject's majority are lost to every text-only model that treats a subject's letters alike;
 *    (likewise for top-3 with a subject's three commonest labels);
 *  - leave-one-city-out majority: each letter given the majority label of its subject among the OTHER cities'
 *    letters (ties → the cold-start model's order) — what the subject tells about an unseen city's division of work.
 * Beside them, the cold-start model (the demo city's duties + FUNCTION_DUTIES) on the same letters.
 *
 *   npx tsx scripts/dispatch-label-agreement.ts          # V=1 prints each subject's letters (training side only)
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { rankFunctions } from '../src/domain/dispatch/dispatch.model.ts'
import { demoInputs, trainingSide, type Letter } from './dispatch-sets.ts'

/** Subject → pattern. Ordered: a letter takes the first that matches (燃气 and 电力线路 first, so that a gas pipe under a dug road or a tree on a power line is not 路面 or 树木). */
const SUBJECTS: readonly [string, RegExp][] = [
  ['燃气', /燃气|煤气/],
  ['电力线路', /电线|高压线|电杆|电缆|停电/],
  ['施工噪音', /(施工|工地|打地基|项目).*(噪|声音|吵|扰民|通宵|夜间|到晚上|凌晨)|(通宵|夜间|整夜).*施工/],
  ['路灯照明', /路灯|照明|亮化/],
  ['油烟', /油烟|烧烤/],
  ['摊贩占道', /摊|占道/],
  ['停车', /(停车|违停|停放|禁停|抄牌|贴条)(?!场)/],
  ['供水水压', /水压|停水|自来水管|水管.*(漏|不出水)/],
  ['下水积水', /下水道|污水管|积水|涝|返水|冒污水|井盖/],
  ['垃圾杂物', /垃圾|杂物/],
  ['路面破损', /路面|路基|土路|坑洼|凹坑|不硬化/],
  ['物业', /物业/],
  ['树木修剪', /修剪|树枝|行道树|杂草|草长/],
]
const subjectOf = (text: string): string | null => SUBJECTS.find(([, re]) => re.test(text))?.[0] ?? null

const model = coldStartModel(demoInputs, jiebaTokenize)
const first = (l: Letter): string[] => rankFunctions(model, { text: l.text }, 30).map((f) => f.function)
const groups = new Map<string, Letter[]>()
for (const l of trainingSide) {
  const s = subjectOf(l.text) ?? '（其他）'
  groups.set(s, [...(groups.get(s) ?? []), l])
}
const tally = (ls: readonly Letter[]): [string, number][] => {
  const m = new Map<string, number>()
  for (const l of ls) m.set(l.function, (m.get(l.function) ?? 0) + 1)
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

let inSubjects = 0
let majority = 0
let majority3 = 0
let looRight = 0
let coldRight = 0
let coldRightAll = 0
console.log('subject        n  cities  labels (function × letters)                               majority  LOCO-majority  cold start')
for (const [s] of [...SUBJECTS, ['（其他）', /$^/] as [string, RegExp]]) {
  const ls = groups.get(s) ?? []
  if (ls.length === 0) continue
  const t = tally(ls)
  const cities = new Set(ls.map((l) => l.city)).size
  let loco = 0
  let cold = 0
  for (const l of ls) {
    const ranked = first(l)
    if (ranked[0] === l.function) cold++
    const others = tally(ls.filter((o) => o.city !== l.city))
    const best = others[0]?.[1] ?? 0
    const tied = new Set(others.filter(([, n]) => n === best).map(([f]) => f))
    // Ties broken by the cold-start model's order; no other city's letter on the subject → the cold start's first.
    const guess = tied.size === 0 ? ranked[0] : ranked.find((f) => tied.has(f))
    if (guess === l.function) loco++
  }
  coldRightAll += cold
  if (s !== '（其他）') {
    inSubjects += ls.length
    majority += t[0]![1]
    majority3 += t.slice(0, 3).reduce((a, [, k]) => a + k, 0)
    looRight += loco
    coldRight += cold
  }
  const labels = t.map(([f, n]) => `${f}×${n}`).join(' ')
  console.log(`${s.padEnd(10, '　')} ${String(ls.length).padStart(3)} ${String(cities).padStart(6)}  ${labels.padEnd(56, ' ')} ${String(t[0]![1]).padStart(4)}  ${String(loco).padStart(8)}  ${String(cold).padStart(10)}`)
  if (process.env.V === '1') for (const l of ls) console.log(`      ${l.function}\t${first(l).slice(0, 3).join(',')}\t${l.city}\t${l.text}`)
}
const n = trainingSide.length
const lost = inSubjects - majority
console.log(`\n${n} training-side letters; ${inSubjects} in the ${SUBJECTS.length} shared subjects, ${n - inSubjects} in none`)
console.log(`in the subjects: majority label ${majority} of ${inSubjects} (${(majority / inSubjects).toFixed(3)}), leave-one-city-out majority ${looRight} (${(looRight / inSubjects).toFixed(3)}), cold start ${coldRight} (${(coldRight / inSubjects).toFixed(3)})`)
console.log(`outside them: cold start ${coldRightAll - coldRight} of ${n - inSubjects} (${((coldRightAll - coldRight) / (n - inSubjects)).toFixed(3)})`)
console.log(`top-1 ceiling for a text-only model that answers a subject's letters alike: ${n - lost} of ${n} = ${((n - lost) / n).toFixed(3)} (every letter outside the subjects right); cold start overall ${(coldRightAll / n).toFixed(3)}`)
const lost3 = inSubjects - majority3
console.log(`top-3 ceiling likewise (a subject's three commonest labels): ${n - lost3} of ${n} = ${((n - lost3) / n).toFixed(3)}`)
