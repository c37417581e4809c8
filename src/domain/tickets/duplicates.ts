/**
 * Duplicate requests (重复诉求 / 并单), the pure part: how alike two requests' texts are, which earlier tickets a
 * new one duplicates and why (同一来电人 / 同一地点), the 多次重复诉求 flag, and precision / recall on a labelled set.
 *
 * Similarity is a score in [0, 1], symmetric: the weighted Dice overlap of the requests' features (the dispatch
 * model's: words less stop words, neighbouring word pairs, two-character pieces; less the place's own), each feature
 * weighted by how much it says about the subject (subjectWeight). The place is taken out because two unrelated
 * requests from the same street share its name; what is left is what they ask.
 */
import { placesAgree } from './address-variants.ts'
import { featuresOf, type Tokenize } from '../dispatch/features.ts'
import { FUNCTION_DUTIES } from '../dispatch/function-duties.ts'

/** Why two tickets may be one request. */
export type DuplicateReason = 'same_requester' | 'same_place'

export const REASON_LABELS: Readonly<Record<DuplicateReason, string>> = { same_requester: '同一来电人', same_place: '同一地点' }

/** The knobs of detection; `DUPLICATE_DEFAULTS` are what the platform uses unless configured. */
export interface DuplicateSettings {
  /** Days before (and, on demand, after) a ticket within which another can duplicate it. */
  readonly windowDays: number
  /** Similarity at or above which a candidate is proposed. */
  readonly threshold: number
  /** Most candidates read per reason (the queries' LIMIT). */
  readonly limit: number
  /** Asks by one requester (this one included) inside the window that make 多次重复诉求. */
  readonly repeatAsks: number
}

/**
 * The threshold 0.04 was chosen on test/fixtures/duplicates/dev.jsonl by one rule, the highest recall with precision
 * at least 0.9 there (any value in (0.0366, 0.0411] gives it; 0.04 is the round one inside); test/fixtures/duplicates/
 * test.jsonl is scored at it unchanged (README quotes both). It was 0.11 before the subject weights (SUBJECT_POWER):
 * a request's own words that no duty uses weigh 1 and its long tail of pieces and pairs fills the denominator, so two
 * tellings of one problem meet at a few hundredths.
 */
export const DUPLICATE_DEFAULTS: DuplicateSettings = { windowDays: 30, threshold: 0.04, limit: 20, repeatAsks: 3 }

/** Longest window accepted (a year): candidates stay bounded by the indexes either way. */
export const MAX_WINDOW_DAYS = 366

/** What similarity compares: a request's features (words, word pairs, two-character pieces), each with its weight. */
export interface TextFeatures {
  /** Feature → weight (subjectWeight), the place's features left out. */
  readonly weights: ReadonlyMap<string, number>
  /** The sum of the weights. */
  readonly total: number
}

/**
 * How much a feature weighs in similarity: the share of its occurrences in the generic responsibilities of the one
 * function that uses it most (FUNCTION_DUTIES), to the power SUBJECT_POWER; a feature those texts never use weighs 1.
 * Why: two reports of one problem in other words (路灯坏了 / 路灯不亮, 窨井盖丢了 / 井盖缺失) share few features, and
 * plain overlap counted the duties' everyday words (管理, 安全, 设施, 服务, 不) as much as the subject. With the weights a
 * feature many functions' duties use weighs next to nothing, one mostly of one function's duties (井盖, 渣土) nearly 1,
 * one divided between two (路灯: 城管, and 住建 部分城市) about 0.3, and one no duty uses 1 — the lexicon cannot tell a
 * caller's everyday word (晚上) from the request's own (KTV), so both are kept whole. Chosen on
 * test/fixtures/duplicates/dev.jsonl only (scripts/duplicates-weights.ts), by recall at the best threshold with
 * precision ≥ 0.9 (the threshold's rule): the same features unweighted 0.65 (as the old words-and-pieces mean), powers
 * 1 / 2 / 3 / 4–8 0.75 / 0.80 / 0.80 / 0.85 — a steady rise, not one lucky setting; 4 is the first of the plateau.
 * Weights from the demo city's whole dispatch model (its duties and catalogues too) did no better (0.70–0.85 over
 * powers 2–6, with the words it never saw weighed 0, 0.3 or 0.6); these need no database: the same for every city,
 * in tests and in `duban dispatch duplicates-evaluate`.
 */
export const SUBJECT_POWER = 4

/** The weight of each feature the generic duties use, for one segmenter (built once per segmenter). */
const lexicons = new WeakMap<Tokenize, ReadonlyMap<string, number>>()

function subjectLexicon(tokenize: Tokenize): ReadonlyMap<string, number> {
  let lexicon = lexicons.get(tokenize)
  if (lexicon) return lexicon
  const byFunction = new Map<string, Map<string, number>>()
  const totals = new Map<string, number>()
  for (const [fn, text] of Object.entries(FUNCTION_DUTIES)) {
    const counts = new Map<string, number>()
    for (const f of featuresOf(tokenize, text ?? '')) {
      counts.set(f, (counts.get(f) ?? 0) + 1)
      totals.set(f, (totals.get(f) ?? 0) + 1)
    }
    byFunction.set(fn, counts)
  }
  const weights = new Map<string, number>()
  for (const [f, total] of totals) {
    let most = 0
    for (const counts of byFunction.values()) most = Math.max(most, counts.get(f) ?? 0)
    weights.set(f, (most / total) ** SUBJECT_POWER)
  }
  lexicons.set(tokenize, (lexicon = weights))
  return lexicon
}

/** A feature's weight in similarity (see SUBJECT_POWER). */
export function subjectWeight(tokenize: Tokenize, feature: string): number {
  return subjectLexicon(tokenize).get(feature) ?? 1
}

function hanPieces(text: string): Set<string> {
  const out = new Set<string>()
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) for (let i = 0; i + 2 <= run.length; i++) out.add(`~${run.slice(i, i + 2)}`)
  return out
}

/**
 * The features of a request (the dispatch model's: featuresOf), less those of its `address` — its words, the word
 * pairs with one of them, its two-character pieces — so that the street both requests name does not make them
 * alike; each with its subject weight.
 */
export function textFeatures(tokenize: Tokenize, content: string, address = ''): TextFeatures {
  const placeWords = new Set(address ? tokenize(address).map((w) => w.trim().toLowerCase()).filter((w) => w) : [])
  const placePieces = hanPieces(address)
  const lexicon = subjectLexicon(tokenize)
  const weights = new Map<string, number>()
  let total = 0
  for (const f of featuresOf(tokenize, content)) {
    if (weights.has(f) || placePieces.has(f) || placeWords.has(f) || (f.includes('_') && f.split('_').some((w) => placeWords.has(w)))) continue
    const w = lexicon.get(f) ?? 1
    weights.set(f, w)
    total += w
  }
  return { weights, total }
}

/**
 * How alike two requests are, 0..1, the same both ways round: the weighted Dice coefficient of their features (twice
 * the weight they share over the weight of both). Rounded to 4 places so stored and shown agree.
 */
export function similarity(a: TextFeatures, b: TextFeatures): number {
  if (a.total + b.total <= 0) return 0
  const [small, large] = a.weights.size <= b.weights.size ? [a.weights, b.weights] : [b.weights, a.weights]
  let both = 0
  for (const [f, w] of small) if (large.has(f)) both += w
  return Math.round(Math.min(1, (2 * both) / (a.total + b.total)) * 10_000) / 10_000
}

/**
 * Words that say nothing about what is asked (诉求套话), left out of the words sharedTerms shows: the list the
 * similarity used as its stop words until 2026-12-04 (the weights replaced it there; on a screen it still reads as
 * noise: 门口, 附近, 一直).
 */
const SAID_OF_ANY_REQUEST = new Set([
  '的', '了', '是', '在', '有', '和', '与', '及', '我', '我们', '你', '他', '她', '它', '这', '那', '这个', '那个', '都', '也', '就', '还', '又',
  '很', '太', '非常', '一个', '一些', '没有', '没', '不', '被', '把', '让', '给', '对', '从', '到', '向', '为', '已经', '希望', '请', '请求',
  '要求', '反映', '反应', '市民', '来电', '诉求', '问题', '情况', '处理', '解决', '相关', '部门', '相关部门', '尽快', '一下', '现在', '目前',
  '已', '能', '可以', '是否', '怎么', '如何', '什么', '吗', '呢', '吧', '啊', '等', '里', '上', '下', '后', '前', '中', '时', '称', '表示',
  '投诉', '举报', '咨询', '建议', '帮助', '协调', '核实', '给予', '予以', '一直', '多次', '再次', '还是', '仍然', '依然', '每天', '经常',
  '严重', '影响', '附近', '旁边', '门口', '位置', '地方', '处', '该', '此', '其', '所', '之', '以', '并', '但', '而', '却', '才',
])

/** The least weight of a shared piece shown by sharedTerms: 路灯, which two functions' duties share, weighs 0.32. */
const SUBJECT_PIECE = 0.25

/**
 * Whether a word is of everyday language (很多, 着, 走): said of anything, so a screen showing it as a reason two requests
 * look alike says nothing. The segmenter's adapter answers it from general-language word statistics (jieba's IDF table
 * in production: src/adapters/text/jieba.tokenize.ts); the subject lexicon cannot, since it knows only the duties' words.
 */
export type EverydayWord = (word: string) => boolean

/**
 * The words two requests share, most telling first (by subject weight, then longer first), at most `limit`: what the
 * operator is shown beside a proposal, so that the similarity can be judged at a glance. Whole words first; then the
 * shared two-character pieces that the duties use as a subject (a weight of at least SUBJECT_PIECE: 路灯 inside 的路灯,
 * 井盖 inside 窨井盖) and that share no character with a word already given (享单 beside 共享); pieces no duty uses
 * (天没, 口的) read as noise on a screen, and so do the words of any request (SAID_OF_ANY_REQUEST: 门口, 没有) and words of
 * everyday language (`everyday`: 很多, 东西).
 */
export function sharedTerms(tokenize: Tokenize, a: TextFeatures, b: TextFeatures, limit = 5, everyday: EverydayWord = () => false): string[] {
  const lexicon = subjectLexicon(tokenize)
  const [small, large] = a.weights.size <= b.weights.size ? [a.weights, b.weights] : [b.weights, a.weights]
  const words: [string, number][] = []
  const pieces: [string, number][] = []
  for (const [f, w] of small) {
    if (!large.has(f) || f.includes('_')) continue
    if (!f.startsWith('~')) {
      if (!SAID_OF_ANY_REQUEST.has(f) && !everyday(f)) words.push([f, w])
    } else if (w >= SUBJECT_PIECE && lexicon.has(f) && !SAID_OF_ANY_REQUEST.has(f.slice(1))) pieces.push([f.slice(1), w])
  }
  const order = (x: [string, number], y: [string, number]): number => y[1] - x[1] || y[0].length - x[0].length || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)
  const out = words.sort(order).slice(0, limit).map(([w]) => w)
  for (const [p] of pieces.sort(order)) if (out.length < limit && !out.some((w) => w.includes(p[0]!) || w.includes(p[1]!))) out.push(p)
  return out
}

/** How alike a pair reads to the operator (相似度高 / 中 / 低). */
export type Likeness = 'high' | 'medium' | 'low'

/**
 * The similarity from which a pair is shown as 高: on test/fixtures/duplicates/dev.jsonl every pair at or above it is a
 * duplicate (10 of 10), while 7 of the 8 between the threshold and it are. The similarity itself is a weighted overlap
 * whose duplicates mostly score 0.04–0.3, so a percentage (相似度 5%) would tell the operator the opposite of a proposal.
 */
export const LIKENESS_HIGH = 0.12

/** 高 from LIKENESS_HIGH, 中 from the threshold, 低 below it (a pair the operator merged by judgement). */
export function likenessOf(similarity: number, threshold = DUPLICATE_DEFAULTS.threshold): Likeness {
  return similarity >= LIKENESS_HIGH ? 'high' : similarity >= threshold ? 'medium' : 'low'
}

/** A ticket as detection compares it. */
export interface DuplicateCandidate {
  readonly id: string
  /** ISO instant it was received. */
  readonly receivedAt: string
  readonly phone: string | null
  readonly addressKey: string
  /**
   * The ways the address may be written with or without the city's divisions (addressKeyVariants), for a subject; a
   * candidate whose key is one of them is at the same place. Absent: the key alone.
   */
  readonly addressKeys?: readonly string[] | undefined
  /** The ticket's place and the divisions above it (placeLine), top first; absent or [] when it has none. */
  readonly placeLine?: readonly string[] | undefined
  readonly lat: number | null
  readonly lng: number | null
  readonly features: TextFeatures
}

/** Metres within which two coordinates are one place. */
export const SAME_PLACE_METRES = 150

/** Metres between two points (equirectangular; good to well under 1 % at city distances). */
export function metresBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180
  const x = (b.lng - a.lng) * rad * Math.cos(((a.lat + b.lat) / 2) * rad)
  const y = (b.lat - a.lat) * rad
  return Math.sqrt(x * x + y * y) * 6_371_000
}

/** Why `a` and `b` may be one request (both reasons when both hold), or none. */
export function reasonsFor(a: DuplicateCandidate, b: DuplicateCandidate): DuplicateReason[] {
  const out: DuplicateReason[] = []
  if (a.phone && a.phone === b.phone) out.push('same_requester')
  // The same address as written, or written with more or fewer of its divisions (建设路12号, 青龙区建设路12号), where
  // the tickets' places do not say otherwise: 人民路5号 filed in 白虎区 is not 人民路5号 filed in 青龙区.
  const written = a.addressKey === b.addressKey || (a.addressKeys?.includes(b.addressKey) ?? false) || (b.addressKeys?.includes(a.addressKey) ?? false)
  const sameKey = a.addressKey.length > 0 && b.addressKey.length > 0 && written && placesAgree(a.placeLine, b.placeLine)
  const near = a.lat !== null && a.lng !== null && b.lat !== null && b.lng !== null && metresBetween({ lat: a.lat, lng: a.lng }, { lat: b.lat, lng: b.lng }) <= SAME_PLACE_METRES
  if (sameKey || near) out.push('same_place')
  return out
}

/** A proposed merge of the later ticket into the earlier (its primary). */
export interface DuplicateMatch {
  readonly ticketId: string
  readonly primaryId: string
  readonly reasons: DuplicateReason[]
  readonly similarity: number
}

const DAY_MS = 86_400_000

/**
 * similarity(subject, other) by the other's id, each pair scored once however often it is asked: findDuplicates and
 * repeatedAsks both score a same-caller candidate inside the window (a weighted overlap of ~60 features per text; in
 * the intake jobs under peer's load, scoring was 39 % of the detection's synchronous Node time in one profile).
 */
export function similarityTo(subject: DuplicateCandidate): (other: DuplicateCandidate) => number {
  const scored = new Map<string, number>()
  return (other) => {
    let s = scored.get(other.id)
    if (s === undefined) scored.set(other.id, (s = similarity(subject.features, other.features)))
    return s
  }
}

/** What detection finds for one subject: the merges to propose (findDuplicates) and the 多次重复诉求 flag (repeatedAsks), each pair scored once. */
export function duplicatesOf(
  subject: DuplicateCandidate,
  others: readonly DuplicateCandidate[],
  settings: DuplicateSettings,
  after = false,
): { matches: DuplicateMatch[]; repeat: { asks: number; earlier: string[] } | null } {
  const similarityOf = similarityTo(subject)
  return { matches: findDuplicates(subject, others, settings, after, similarityOf), repeat: repeatedAsks(subject, others, settings, similarityOf) }
}

/**
 * The merges to propose for `subject` among `others`: a shared requester or place, received within the window of
 * the subject (before it, or after it when `after` is set), similarity at or above the threshold; the later of
 * each pair merges into the earlier. Most similar first.
 */
export function findDuplicates(
  subject: DuplicateCandidate,
  others: readonly DuplicateCandidate[],
  settings: DuplicateSettings,
  after = false,
  similarityOf: (other: DuplicateCandidate) => number = similarityTo(subject),
): DuplicateMatch[] {
  const at = Date.parse(subject.receivedAt)
  const span = settings.windowDays * DAY_MS
  const out: DuplicateMatch[] = []
  for (const o of others) {
    if (o.id === subject.id) continue
    const t = Date.parse(o.receivedAt)
    const earlier = t < at || (t === at && o.id < subject.id)
    if (Math.abs(t - at) > span || (!earlier && !after)) continue
    const reasons = reasonsFor(subject, o)
    if (reasons.length === 0) continue
    const s = similarityOf(o)
    if (s < settings.threshold) continue
    out.push(earlier ? { ticketId: subject.id, primaryId: o.id, reasons, similarity: s } : { ticketId: o.id, primaryId: subject.id, reasons, similarity: s })
  }
  return out.sort((a, b) => b.similarity - a.similarity || (a.primaryId < b.primaryId ? -1 : 1))
}

/**
 * 多次重复诉求: the earlier tickets of the subject's requester inside the window that ask the same thing, when
 * they and the subject make at least `repeatAsks` asks; else null.
 */
export function repeatedAsks(
  subject: DuplicateCandidate,
  others: readonly DuplicateCandidate[],
  settings: DuplicateSettings,
  similarityOf: (other: DuplicateCandidate) => number = similarityTo(subject),
): { asks: number; earlier: string[] } | null {
  if (!subject.phone) return null
  const at = Date.parse(subject.receivedAt)
  const earlier = others
    .filter((o) => o.id !== subject.id && o.phone === subject.phone)
    .filter((o) => {
      const t = Date.parse(o.receivedAt)
      return (t < at || (t === at && o.id < subject.id)) && at - t <= settings.windowDays * DAY_MS
    })
    .filter((o) => similarityOf(o) >= settings.threshold)
    .map((o) => o.id)
  return earlier.length + 1 >= settings.repeatAsks ? { asks: earlier.length + 1, earlier } : null
}

/** One labelled pair (test/fixtures/duplicates/*.jsonl). */
export interface LabelledPair {
  readonly a: string
  readonly b: string
  /** The place both name (the street), taken out of both texts as detection does with the tickets' addresses. */
  readonly address?: string | undefined
  readonly duplicate: boolean
}

/** Precision and recall of "similarity ≥ threshold" against the labels. */
export interface PairScores {
  readonly threshold: number
  readonly pairs: number
  readonly positives: number
  readonly truePositives: number
  readonly falsePositives: number
  readonly falseNegatives: number
  /** null when nothing was predicted a duplicate. */
  readonly precision: number | null
  /** null when no pair is labelled a duplicate. */
  readonly recall: number | null
  readonly f1: number | null
}

/** Scores predictions (`scores[i]` is pair i's similarity) at a threshold. */
export function scorePairs(pairs: readonly LabelledPair[], scores: readonly number[], threshold: number): PairScores {
  let tp = 0
  let fp = 0
  let fn = 0
  pairs.forEach((p, i) => {
    const said = (scores[i] ?? 0) >= threshold
    if (said && p.duplicate) tp++
    else if (said) fp++
    else if (p.duplicate) fn++
  })
  const precision = tp + fp === 0 ? null : tp / (tp + fp)
  const recall = tp + fn === 0 ? null : tp / (tp + fn)
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall)
  return { threshold, pairs: pairs.length, positives: tp + fn, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 }
}

/** Reads JSON lines of labelled pairs; a bad line is refused naming its number. */
export function parsePairs(text: string): { pairs: LabelledPair[]; errors: string[] } {
  const pairs: LabelledPair[] = []
  const errors: string[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return
    let v: unknown
    try {
      v = JSON.parse(line)
    } catch {
      errors.push(`line ${i + 1}: not JSON`)
      return
    }
    const o = v as Record<string, unknown>
    if (typeof o !== 'object' || o === null || typeof o['a'] !== 'string' || typeof o['b'] !== 'string' || typeof o['duplicate'] !== 'boolean') {
      errors.push(`line ${i + 1}: needs "a" and "b" (text) and "duplicate" (true/false)`)
      return
    }
    if (o['address'] !== undefined && typeof o['address'] !== 'string') {
      errors.push(`line ${i + 1}: "address" must be text`)
      return
    }
    pairs.push({ a: o['a'], b: o['b'], duplicate: o['duplicate'], ...(typeof o['address'] === 'string' ? { address: o['address'] } : {}) })
  })
  return { pairs, errors }
}
