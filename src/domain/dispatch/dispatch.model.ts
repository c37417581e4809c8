/**
 * The dispatch suggester (智能派单): for a request's text and place, the units most likely to handle it, with
 * a confidence. Two steps: a naive Bayes model over the text picks the function (职能: 城市管理, 燃气, …),
 * then the place picks the level (the township for 街道乡镇, else the district's unit of that function, else the
 * city's); where several units share a function at one level (three carriers for 通信), a second model
 * learned per unit, and a unit named in the text, order them. Learning on functions rather than units lets
 * what one district's tickets teach serve every district, and lets accuracy be compared across cities.
 *
 * Pure: the segmenter is passed in; the counts live in the returned model and grow as tickets close.
 */
import { isTicketFunction, TOWNSHIP_FUNCTION } from '../tickets/unit-functions.ts'
import type { DispatchUnit } from './dispatch-unit.types.ts'
import { featuresOf, type Tokenize } from './features.ts'
import { learn, newNaiveBayes, rank, rankMultinomial, type NaiveBayes, type Ranked } from './naive-bayes.ts'
import { isTownshipLevel, resolvePlace, unitDirectory, unitsForFunction, withoutPlaces, type UnitDirectory } from './place.resolve.ts'

/** The suggester's state: the unit tree and the two models. */
export interface DispatchModel {
  readonly tokenize: Tokenize
  readonly dir: UnitDirectory
  /** text → function, from the cold start: duties, catalogues, rules (examples with `coldStart`) */
  readonly functions: NaiveBayes
  /**
   * text → function, from what was learnt since: closed tickets and labelled requests (examples without `coldStart`).
   * Kept apart from `functions` and combined with it as a product of experts (functionRanking, LEARNED_WEIGHT).
   */
  readonly learned: NaiveBayes
  /** text → unit, used only to order units that share a function at one level */
  readonly units: NaiveBayes
}

/** One suggestion: a unit and how sure the model is (0–1). */
export interface DispatchSuggestion {
  readonly unit: { readonly id: string; readonly name: string; readonly function: string }
  readonly confidence: number
}

/** What a suggestion is asked for. */
export interface DispatchQuery {
  readonly text: string
  readonly address?: string | undefined
}

/** A labelled text to learn from: a function, a unit, or both. */
export interface DispatchExample {
  readonly text: string
  readonly function?: string | null | undefined
  readonly unitId?: string | null | undefined
  readonly address?: string | undefined
  readonly weight?: number | undefined
  /**
   * True for the cold start's examples (a unit's duties, a catalogue item, a rule's basis: coldStartExamples sets it):
   * they are taught to `functions`. Any other example — a closed ticket, a labelled request — is taught to `learned`.
   */
  readonly coldStart?: boolean | undefined
}

/** The words the models count for a text. */
function featuresFor(model: DispatchModel, text: string, address?: string): string[] {
  return featuresOf(model.tokenize, withoutPlaces(model.dir, text, address))
}

/**
 * Smoothing of the function model (Lidstone α added to every word count). At 0.1 a word met once, in one function's
 * duties, all but decided the request on its own (教育 for a letter about a power cut, because of one rare word);
 * at 1 such a word weighs less than the words shared by many texts. Chosen by city-grouped cross-validation on the
 * training cities (scripts/dispatch-experiments.ts): top-1 0.724 → 0.747 (with word pairs 0.759), and on the demo
 * requests' 5 folds 0.735 → 0.795; 0.5 and 2 did about as well, 4 worse.
 */
const FUNCTION_ALPHA = 1

/** An empty model over these units. */
export function newDispatchModel(units: readonly DispatchUnit[], tokenize: Tokenize): DispatchModel {
  return { tokenize, dir: unitDirectory(units), functions: newNaiveBayes(FUNCTION_ALPHA), learned: newNaiveBayes(FUNCTION_ALPHA), units: newNaiveBayes() }
}

/** The function an example teaches: its own, else its unit's (街道乡镇 for anything at township level). */
function functionOf(model: DispatchModel, ex: DispatchExample): string | null {
  if (ex.function) return ex.function
  if (!ex.unitId) return null
  if (isTownshipLevel(model.dir, ex.unitId)) return TOWNSHIP_FUNCTION
  return model.dir.byId.get(ex.unitId)?.function ?? null
}

/**
 * How much the learned expert counts beside the cold start (λ in log p = log p_cold + λ·log p_learned). A closed ticket or
 * a labelled letter used to be added to the same complement NB as every function's duties and catalogue; there, a few
 * hundred short requests did not lift top-1 (city-grouped 5-fold CV on the 242 training-side letters, 2026-12-03:
 * 0.591 / 0.851 cold, 0.579 / 0.835 taught that way). Kept apart in a plain multinomial NB of their own (rankMultinomial,
 * same α, smoothed over the whole feature space) and multiplied in with λ 1 — a plain product of experts, no weight
 * tuned: 0.603 / 0.868; on the first 176 of those letters 0.665 / 0.909 (0.653 / 0.875 taught the old way); the demo
 * requests' 5 folds unchanged (0.807 / 0.904). A complement NB as the learned expert scored about the same on the letters
 * (0.620 / 0.860) but learnt nothing from a few tickets of one function (test/http/dispatch.test.ts: three closed
 * tickets about a loose manhole cover did not move it), because complement NB says little while few classes are
 * learnt. scripts/dispatch-learned-mix.ts prints the grid (λ 0.5–1.5, α 1 and 3, complement or plain NB: 0.587–0.628
 * top-1 on the 242 letters).
 */
export const LEARNED_WEIGHT = 1

/**
 * The functions ranked for a text's features: the cold-start model alone until something has been learnt, then the
 * product of the two experts (LEARNED_WEIGHT) over the functions either knows, renormalised.
 */
export function functionRanking(model: DispatchModel, feats: readonly string[]): Ranked[] {
  return rankedWithCold(model, feats).ranked
}

/** functionRanking, with the cold-start model's own probability of each function beside (for CALIBRATION_TAUGHT). */
function rankedWithCold(model: DispatchModel, feats: readonly string[]): { ranked: Ranked[]; cold: ReadonlyMap<string, number> | null } {
  if (model.learned.docs.size === 0) return { ranked: rank(model.functions, feats), cold: null }
  const labels = [...new Set([...model.functions.docs.keys(), ...model.learned.docs.keys()])]
  // The feature space: the cold start's words and the learnt ones (their overlap counted twice: a smoothing constant).
  const vocabulary = model.functions.vocabulary.size + model.learned.vocabulary.size + 1
  const learned = new Map(rankMultinomial(model.learned, feats, labels, vocabulary).map((r) => [r.label, r.probability]))
  const coldRanked = rank(model.functions, feats, labels)
  const scores = coldRanked.map((r) => ({ label: r.label, s: Math.log(Math.max(r.probability, 1e-300)) + LEARNED_WEIGHT * Math.log(Math.max(learned.get(r.label) ?? 0, 1e-300)) }))
  const max = Math.max(...scores.map((x) => x.s))
  const sum = scores.reduce((a, x) => a + Math.exp(x.s - max), 0)
  const ranked = scores.map((x) => ({ label: x.label, probability: Math.exp(x.s - max) / sum })).sort((a, b) => b.probability - a.probability || a.label.localeCompare(b.label))
  return { ranked, cold: new Map(coldRanked.map((r) => [r.label, r.probability])) }
}

/**
 * The functions ranked for a text's features with the first one's confidence calibrated: the cold start's ranking through
 * CALIBRATION; once something has been learnt, the product ranking (functionRanking) with the first function's confidence
 * read from the cold start's probability of that function through CALIBRATION_TAUGHT. Order unchanged either way. This
 * ranking orders the suggestions; the confidences shown are shownConfidences' (every shown rank calibrated).
 */
export function calibratedRanking(model: DispatchModel, feats: readonly string[]): Ranked[] {
  const { ranked, cold } = rankedWithCold(model, feats)
  return firstCalibrated(ranked, cold)
}

function firstCalibrated(ranked: readonly Ranked[], cold: ReadonlyMap<string, number> | null): Ranked[] {
  return cold ? calibrated(ranked, CALIBRATION_TAUGHT, cold.get(ranked[0]?.label ?? '') ?? 0) : calibrated(ranked)
}

/** Learns one example; returns false when it names no known ticket function. */
export function teach(model: DispatchModel, ex: DispatchExample): boolean {
  const fn = functionOf(model, ex)
  if (!fn || !isTicketFunction(fn)) return false
  const feats = featuresFor(model, ex.text, ex.address)
  if (feats.length === 0) return false
  const weight = ex.weight ?? 1
  learn(ex.coldStart ? model.functions : model.learned, feats, fn, weight)
  if (ex.unitId && model.dir.byId.has(ex.unitId) && !isTownshipLevel(model.dir, ex.unitId)) learn(model.units, feats, ex.unitId, weight)
  return true
}

/**
 * Learns from a ticket that closed with this handling unit (the operator's final choice). When the model
 * would have put another function first, the example counts twice: the operator corrected it, and one
 * example among the cold-start text would otherwise be too faint to change the next answer.
 */
export function learnOutcome(model: DispatchModel, text: string, unitId: string, address?: string): boolean {
  const fn = functionOf(model, { text, unitId })
  if (!fn) return false
  const top = functionRanking(model, featuresFor(model, text, address))[0]
  return teach(model, { text, unitId, address, weight: top && top.label !== fn ? 2 : 1 })
}

/**
 * Where the township (属地, 街道乡镇) stands at the latest: when the model ranks it fourth or fifth (TOWNSHIP_REACH),
 * it takes the third place. In many cities the 街道/乡镇 answers what another city gives to a department — rubbish,
 * broken roads, sewers, building noise, stalls (the letters of test/fixtures/dispatch: 17 of 98 test-city letters,
 * most of the training cities' misses) — and the text does not say which city divides the work how. Chosen by
 * city-grouped cross-validation on the training cities only (scripts/dispatch-city-cv.ts; docs/tickets.md): top-3
 * 0.851 → 0.908 taught, 0.874 → 0.920 cold, top-1 unchanged by construction.
 */
const TOWNSHIP_SLOT = 2

/**
 * …but only when the model itself ranks the township near the top, at most fifth (index TOWNSHIP_REACH). Raised to
 * third from anywhere, the township stood among the three for every request, so for every department's request too
 * (98 of 98 held-out letters, 81 of them a department's): a standing nudge to push a department's work down to a
 * 乡镇(街道), which 国办函〔2025〕66号 forbids unless the matter is on the township's 履职事项 list (and which the
 * dispatch catalogue then refuses, dispatch-rules.ts). Within the fifth place the text carries some of the township's
 * own duties. Cross-validated by city on the training cities: the township among the three of a department's letter
 * 71/71 → 41/71, of the real plan items (all departments' work) 28/28 → 11/28; top-3 0.920 → 0.897 (−2 letters),
 * on the demo requests 0.904 → 0.916 and on the plan items 0.893 → 0.929.
 */
const TOWNSHIP_REACH = 4

/**
 * Functions that cities divide a subject between (分工不一的职能): when the first function is one of a pair and neither
 * its partner nor another of its partners is among the three, the partner the model ranks best takes the third place —
 * unless the township (属地) holds it (TOWNSHIP_SLOT keeps priority). Not learned from letters: each pair is a division
 * of work that 机构改革 left different from city to city —
 *  - 城市管理 / 住房城乡建设: 市政设施 (roads, street lights, manholes), building sites and 违法建设 sit with the 城管局 in
 *    cities that moved 市政公用 into 城市管理, with the 住建局 (or its 市政 office) in others;
 *  - 交警 / 交通运输: roads, signs and parking — 公安交管 for traffic and parking enforcement, the 交通运输局 for road
 *    maintenance, buses and taxis, split differently per city;
 *  - 水务 / 住房城乡建设: water supply and drainage go to a 水务局 where the city has one, to the 住建局 where it has not.
 * Chosen by city-grouped 5-fold CV on the training-side letters only (scripts/dispatch-second-choice.ts, 2026-12-02
 * late): top-3 cold 0.875 → 0.898, taught 0.864 → 0.875 (176 letters), demo 5-fold 0.892 → 0.904, plan items 0.929
 * unchanged; top-1 unchanged by construction. 城管 / 街道 and 住建 / 街道 (rubbish, 物业) were measured too and lost on the
 * demo requests and the plan items (and would show departments' requests the township, against 国办函〔2025〕66号).
 */
export const SHARED_SUBJECT_PARTNERS: Readonly<Record<string, readonly string[]>> = {
  城市管理: ['住房城乡建设'],
  住房城乡建设: ['城市管理', '水务'],
  交警: ['交通运输'],
  交通运输: ['交警'],
  水务: ['住房城乡建设'],
}

/**
 * Where the three lack the first function's partner (SHARED_SUBJECT_PARTNERS), the index of the one that should take the
 * third place in `fns` (functions best first), else -1: the best-ranked partner beyond the three, when the third is not
 * the township.
 */
export function partnerForThird(fns: readonly string[], partners: Readonly<Record<string, readonly string[]>> = SHARED_SUBJECT_PARTNERS): number {
  const ps = fns[0] === undefined ? undefined : partners[fns[0]]
  if (!ps || fns.length <= TOWNSHIP_SLOT || fns[TOWNSHIP_SLOT] === TOWNSHIP_FUNCTION) return -1
  if (fns.slice(0, TOWNSHIP_SLOT + 1).some((f) => ps.includes(f))) return -1
  return fns.findIndex((f, i) => i > TOWNSHIP_SLOT && ps.includes(f))
}

/**
 * Calibration of the first function's confidence (置信度校准): Platt scaling, shown = σ(a·logit(p) + b), fitted by
 * log-loss on the out-of-fold first choices of the training cities (5 folds by city, letters taught at W 0.5) and
 * the demo requests (5-fold) together — scripts/dispatch-calibrate.ts prints the fit. NB's softmax under-states a
 * first choice that is right more often than its share of 25 functions suggests (said 0.15–0.3, right 0.3–0.6).
 * Fitted on one set and applied to the other, the calibration error fell on both (fit on the training cities, on
 * the demo: 0.204 → 0.094; fit on the demo, on the training cities: 0.162 → 0.126). The other functions share what
 * is left in their old proportions, so the order never changes and the confidences still sum to 1.
 * Refitted (2026-12-02) after FUNCTION_ALPHA went from 0.1 to 1, which flattens the raw probabilities (raw calibration
 * error 0.53 on both sets): fit on the training cities, on the demo 0.545 → 0.055; fit on the demo, on the training
 * cities 0.517 → 0.092 (was a 0.76, b 0.982). Refitted again (2026-12-02 afternoon) after the dispatch catalogue per
 * function (FUNCTION_CATALOGUE) joined the cold start: fit on the training cities, on the demo 0.547 → 0.075; fit on
 * the demo, on the training cities 0.482 → 0.087 (was a 1.124, b 2.94).
 * Refitted (2026-12-03 afternoon) on the COLD START's first choices, since CALIBRATION is used only while nothing has been
 * learnt (CALIBRATION_TAUGHT after): the 242 training-side letters and the demo requests, nothing taught (before, the
 * letters' model had been taught the other folds' letters at W 0.5, sharper than the cold start; on the held-out cities the
 * cold start's calibration error was 0.142 and 0.237). scripts/dispatch-calibrate.ts, 'cold start': fit on the letters, on
 * the demo requests 0.452 → 0.133; fit on the demo requests, on the letters 0.361 → 0.113 (the old a 1.207, b 2.992: 0.158
 * on the letters); fit on both (325 first choices), kept: 0.032 on the letters, 0.083 on the demo requests, in-sample.
 */
export const CALIBRATION = { a: 0.911, b: 1.83 } as const

/**
 * Calibration of the first function's confidence once something has been learnt (the taught model): σ(a·logit(p_cold) + b),
 * where p_cold is the COLD START's probability of the function the taught model put first. The taught model's own
 * probability (the product of the two experts, functionRanking) is far sharper than how often it is right: on the
 * training-side letters, out of fold, it said 0.9 and more for first choices right about 6 times in 10, and CALIBRATION
 * (fitted for the cold start) pushed it higher still — on the held-out letters the taught model's calibration error was
 * 0.24–0.28 against the cold start's 0.14. Fitted by log-loss (scripts/dispatch-calibrate.ts, 2026-12-03) on the
 * out-of-fold first choices of taught models: the 242 training-side letters (5 folds by city, the other folds' letters
 * taught at weight 1) and the demo requests (5-fold, taught). Which probability to read was chosen there too, each fit
 * on one set and applied to the other: Platt on the product's probability moved the calibration error 0.408 → 0.229
 * (demo) and 0.175 → 0.255 (letters: worse than none); on the cold start's probability of the same function
 * 0.462 → 0.136 and 0.336 → 0.131. Fit on both sets (325 first choices): 0.052 on the letters, 0.097 on the demo requests
 * (in-sample). The cold start's probability says how well the function's own duties explain the words; the learned
 * expert, taught other cities' divisions of work, is as sure of itself when wrong as when right.
 * Refitted the same way (2026-12-03 afternoon) after the cold start's duties and features changed (was a 0.941, b 1.857):
 * each fit on one set and applied to the other 0.455 → 0.118 (demo) and 0.359 → 0.111 (letters).
 */
export const CALIBRATION_TAUGHT = { a: 0.957, b: 1.963 } as const

/**
 * The ranked functions with the first one's probability calibrated (see CALIBRATION): σ(a·logit(p) + b) of `firstRaw`
 * (the first's own probability unless given); the others share what is left in their old proportions, none above the
 * first (where CALIBRATION_TAUGHT lowers a sure product a lot, the second's share could pass it: suggest() sorts its units
 * by confidence, and the order must stay the model's). Order unchanged.
 */
export function calibrated(ranked: readonly Ranked[], c: { readonly a: number; readonly b: number } = CALIBRATION, firstRaw?: number): Ranked[] {
  const first = ranked[0]
  if (!first) return []
  const p = Math.min(1 - 1e-6, Math.max(1e-6, first.probability))
  const q = Math.min(1 - 1e-6, Math.max(1e-6, firstRaw ?? first.probability))
  const shown = 1 / (1 + Math.exp(-(c.a * Math.log(q / (1 - q)) + c.b)))
  const scale = (1 - shown) / (1 - p)
  return ranked.map((r, i) => ({ label: r.label, probability: i === 0 ? shown : Math.min(shown, r.probability * scale) }))
}

/** Platt scaling σ(a·logit(p) + b), plus `raised` on the logit where the function was raised to its place. */
export interface RankCalibration {
  readonly a: number
  readonly b: number
  readonly raised?: number | undefined
}

/**
 * Calibration of the SECOND and THIRD functions' confidence (置信度校准, per rank), for the cold start. Before, only the first
 * was calibrated and the others shared what was left in their old proportions: on the training-side letters the second
 * function said 0.03 on average and was right 0.15 of the time, the third said 0.02 and was right 0.06 (on the demo requests
 * 0.03 / 0.10 and 0.015 / 0.024). Platt scaling per shown rank, fitted by log-loss on the shown second and third functions of
 * the 242 training-side letters and the demo city's 83 requests (nothing taught; cities-test*.jsonl never read):
 * scripts/dispatch-calibrate-ranks.ts. The third place has one more term, `raised`, added where the function stands there
 * because it was raised (属地 TOWNSHIP_SLOT or a partner, SHARED_SUBJECT_PARTNERS) rather than ranked there: such a third
 * was right 0.12 of the time (117 of 325) with a raw probability near 0.01. Each fit on one set and applied to the other
 * (calibration error, 5 bands): second 0.094 / 0.049, third 0.033 / 0.025; as shown before 0.118 / 0.071 and 0.043 / 0.009.
 */
export const CALIBRATION_RANKS: { readonly second: RankCalibration; readonly third: RankCalibration } = {
  second: { a: 1.711, b: 2.595 },
  third: { a: 1.568, b: 0.594, raised: 2.739 },
}

/**
 * CALIBRATION_RANKS once something has been learnt: Platt per rank on the taught model's own probability (the product of
 * the experts, functionRanking) of the shown second and third functions — out of fold, 5 folds (by city for the 242
 * letters, i mod 5 for the 83 demo requests), the other folds taught at weight 1. Unlike the first (CALIBRATION_TAUGHT),
 * the product's probability served the second and third better than the cold start's (scripts/dispatch-calibrate-ranks.ts).
 */
export const CALIBRATION_RANKS_TAUGHT: { readonly second: RankCalibration; readonly third: RankCalibration } = {
  second: { a: 1.708, b: 1.888 },
  third: { a: 1.67, b: 1.926, raised: 1.157 },
}

const clampP = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p))
const platt = (c: RankCalibration, p: number, raised: boolean): number =>
  1 / (1 + Math.exp(-(c.a * Math.log(clampP(p) / (1 - clampP(p))) + c.b + (raised ? (c.raised ?? 0) : 0))))

/** One shown function as the per-rank calibration reads it. */
export interface ShownFunction {
  readonly label: string
  /** True where the function stands at its place because it was raised there (属地, a partner), not ranked there. */
  readonly raised?: boolean | undefined
}

/**
 * The confidence of each shown function, best first (置信度): the first through CALIBRATION (the cold start) or
 * CALIBRATION_TAUGHT (read from the cold start's probability), the second and third through CALIBRATION_RANKS(_TAUGHT),
 * any further one what is left of the third's. Each is the probability that this function is the right one: none above
 * the one before (the order is the model's), and together at most 1 (they are exclusive).
 */
export function shownConfidences(model: DispatchModel, feats: readonly string[], shown: readonly ShownFunction[]): number[] {
  const { ranked, cold } = rankedWithCold(model, feats)
  return confidencesOf(ranked, cold, shown)
}

function confidencesOf(ranked: readonly Ranked[], cold: ReadonlyMap<string, number> | null, shown: readonly ShownFunction[]): number[] {
  const raw = new Map(ranked.map((r) => [r.label, r.probability]))
  const ranks = cold ? CALIBRATION_RANKS_TAUGHT : CALIBRATION_RANKS
  const out: number[] = []
  let left = 1
  shown.forEach((f, k) => {
    const p = raw.get(f.label) ?? 0
    let c: number
    if (k === 0) {
      const first = cold ? CALIBRATION_TAUGHT : CALIBRATION
      c = platt({ a: first.a, b: first.b }, cold ? (cold.get(f.label) ?? 0) : p, false)
    } else if (k === 1) c = platt(ranks.second, p, f.raised === true)
    else if (k === 2) c = platt(ranks.third, p, f.raised === true)
    else c = Math.min(platt(ranks.third, p, false), left / 2)
    c = Math.max(0, Math.min(c, k > 0 ? out[k - 1]! : 1, left))
    out.push(c)
    left -= c
  })
  return out
}

/** How many functions are tried before giving up on filling three suggestions. */
const FUNCTIONS_TRIED = 8

/** Up to `limit` units for the request, best first. */
export function suggest(model: DispatchModel, query: DispatchQuery, limit = 3): DispatchSuggestion[] {
  const feats = featuresFor(model, query.text, query.address)
  const place = resolvePlace(model.dir, `${query.address ?? ''} ${query.text}`)
  const { ranked: raw, cold } = rankedWithCold(model, feats)
  const ranked = firstCalibrated(raw, cold)
  // The order: each unit by its function's confidence (the first calibrated) times its share of the function.
  type Unit = DispatchSuggestion & { readonly share: number; readonly raised?: boolean }
  const out: Unit[] = []
  for (const f of ranked.slice(0, FUNCTIONS_TRIED)) {
    const candidates = unitsForFunction(model.dir, f.label, place)
    if (candidates.length === 0) continue
    for (const u of orderUnits(model, feats, query.text, candidates)) {
      out.push({ unit: { id: u.id, name: u.name, function: f.label }, confidence: Math.round(f.probability * u.share * 1000) / 1000, share: u.share })
    }
  }
  out.sort((a, b) => b.confidence - a.confidence)
  let chosen: Unit[] = out.slice(0, limit)
  // 属地: the place's township is among the three when the model ranks it at most fifth (TOWNSHIP_SLOT, TOWNSHIP_REACH).
  const township = unitsForFunction(model.dir, TOWNSHIP_FUNCTION, place)[0]
  const townshipAt = ranked.filter((f) => f.label === TOWNSHIP_FUNCTION || unitsForFunction(model.dir, f.label, place).length > 0).findIndex((f) => f.label === TOWNSHIP_FUNCTION)
  const rest = township ? out.filter((s) => s.unit.id !== township.id) : out
  if (township && townshipAt >= 0 && townshipAt <= TOWNSHIP_REACH && limit >= TOWNSHIP_SLOT + 1 && !out.slice(0, TOWNSHIP_SLOT + 1).some((s) => s.unit.id === township.id) && rest.length >= TOWNSHIP_SLOT) {
    const p = ranked.find((f) => f.label === TOWNSHIP_FUNCTION)?.probability ?? 0
    // Sorted again: beside a unit holding a small share of its function's confidence, the township can rank above it.
    const raisedTownship: Unit = { unit: { id: township.id, name: township.name, function: TOWNSHIP_FUNCTION }, confidence: Math.round(p * 1000) / 1000, share: 1, raised: true }
    chosen = [...rest.slice(0, TOWNSHIP_SLOT), raisedTownship].sort((x, y) => y.confidence - x.confidence).slice(0, limit)
  } else if (limit > TOWNSHIP_SLOT) {
    // 分工不一: the first function's partner (SHARED_SUBJECT_PARTNERS) takes the third place when none is among the three.
    const at = partnerForThird(out.map((s) => s.unit.function))
    if (at > TOWNSHIP_SLOT) chosen = [...out.slice(0, TOWNSHIP_SLOT), { ...out[at]!, raised: true }].slice(0, limit)
  }
  // The confidence shown: the unit's function's, calibrated for the rank that function is shown at (shownConfidences),
  // times the unit's share of it; none above the one before, so that the order stays the model's.
  const fns: ShownFunction[] = []
  for (const s of chosen) if (!fns.some((f) => f.label === s.unit.function)) fns.push({ label: s.unit.function, raised: s.raised === true && fns.length === TOWNSHIP_SLOT })
  const conf = new Map(confidencesOf(raw, cold, fns).map((c, k) => [fns[k]!.label, c]))
  let cap = 1
  return chosen.map((s) => {
    cap = Math.min(cap, Math.round((conf.get(s.unit.function) ?? 0) * s.share * 1000) / 1000)
    return { unit: s.unit, confidence: cap }
  })
}

/**
 * The functions the request is most likely for, best first, at most `limit`: each one a function some unit of
 * this city handles at the request's place. Where the place is unknown (no address yet, or a request from
 * another city) 街道乡镇 still counts when the city has townships — the address, once given, picks which one;
 * suggest() cannot name that unit without it. Accuracy by function is measured on this list, so that cities
 * with different unit trees compare, and a request from elsewhere is not a miss only because its place is not
 * in this city.
 */
export function rankFunctions(model: DispatchModel, query: DispatchQuery, limit = 3): { function: string; probability: number }[] {
  const feats = featuresFor(model, query.text, query.address)
  const { ranked, cold } = rankedWithCold(model, feats)
  const served = servedWithRaised(model, firstCalibrated(ranked, cold), query, limit)
  const conf = confidencesOf(ranked, cold, served.map((f) => ({ label: f.function, raised: f.raised })))
  return served.map((f, k) => ({ function: f.function, probability: Math.round(conf[k]! * 1000) / 1000 }))
}

/**
 * rankFunctions' second half, for any ranking of the functions (best first; the experiment scripts pass their
 * variants' rankings through it): only the functions some unit serves at the query's place, 街道乡镇 raised to third
 * when ranked at most fifth, else the first function's partner (SHARED_SUBJECT_PARTNERS; `partners` {} for none) raised
 * to third when none is among the three, at most `limit`.
 */
export function servedFunctions(
  model: DispatchModel,
  ranked: readonly Ranked[],
  query: DispatchQuery,
  limit = 3,
  partners: Readonly<Record<string, readonly string[]>> = SHARED_SUBJECT_PARTNERS,
): { function: string; probability: number }[] {
  return servedWithRaised(model, ranked, query, limit, partners).map((f) => ({ function: f.function, probability: f.probability }))
}

/** servedFunctions, each function marked `raised` where it stands third because it was raised there (属地, a partner). */
export function servedWithRaised(
  model: DispatchModel,
  ranked: readonly Ranked[],
  query: DispatchQuery,
  limit = 3,
  partners: Readonly<Record<string, readonly string[]>> = SHARED_SUBJECT_PARTNERS,
): { function: string; probability: number; raised: boolean }[] {
  const place = resolvePlace(model.dir, `${query.address ?? ''} ${query.text}`)
  const hasTownship = [...model.dir.byId.values()].some((u) => u.level === 'township')
  const out: { function: string; probability: number }[] = []
  for (const f of ranked) {
    const servable = f.label === TOWNSHIP_FUNCTION && !place ? hasTownship : unitsForFunction(model.dir, f.label, place).length > 0
    if (servable) out.push({ function: f.label, probability: Math.round(f.probability * 1000) / 1000 })
  }
  // 属地: 街道乡镇, when servable here and ranked at most fifth, is among the three (TOWNSHIP_SLOT, TOWNSHIP_REACH).
  const at = out.findIndex((f) => f.function === TOWNSHIP_FUNCTION)
  if (at > TOWNSHIP_SLOT && at <= TOWNSHIP_REACH && limit > TOWNSHIP_SLOT) out.splice(TOWNSHIP_SLOT, 0, ...out.splice(at, 1))
  // 分工不一: the first function's partner (SHARED_SUBJECT_PARTNERS) takes the third place when none is among the three.
  const partner = limit > TOWNSHIP_SLOT ? partnerForThird(out.map((f) => f.function), partners) : -1
  if (partner > TOWNSHIP_SLOT) out.splice(TOWNSHIP_SLOT, 0, ...out.splice(partner, 1))
  const raised = (at > TOWNSHIP_SLOT && at <= TOWNSHIP_REACH && limit > TOWNSHIP_SLOT) || partner > TOWNSHIP_SLOT
  return out.slice(0, limit).map((f, k) => ({ ...f, raised: raised && k === TOWNSHIP_SLOT }))
}

/** Units of one function at one level, each with its share of the function's confidence. */
function orderUnits(model: DispatchModel, feats: readonly string[], text: string, candidates: readonly DispatchUnit[]): { id: string; name: string; share: number }[] {
  if (candidates.length === 1) return [{ id: candidates[0]!.id, name: candidates[0]!.name, share: 1 }]
  // A unit the caller names (电信, 联通) is meant; otherwise what the units' own tickets and duties say.
  const named = candidates.find((u) => [u.name, ...u.aliases, shortName(u.name)].some((n) => n.length >= 2 && text.includes(n)))
  if (named) return [{ id: named.id, name: named.name, share: 1 }]
  return rank(model.units, feats, candidates.map((u) => u.id)).map((r) => {
    const u = model.dir.byId.get(r.label)!
    return { id: u.id, name: u.name, share: r.probability }
  })
}

/** 中国电信云州分公司 → 电信: the brand a caller says. */
function shortName(name: string): string {
  const m = /^中国(移动|电信|联通|铁塔)/.exec(name)
  return m ? m[1]! : name
}
