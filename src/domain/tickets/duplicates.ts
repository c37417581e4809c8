/**
 * Duplicate requests (重复诉求 / 并单), the pure part: how alike two requests' texts are, which earlier tickets a
 * new one duplicates and why (同一来电人 / 同一地点), the 多次重复诉求 flag, and precision / recall on a labelled set.
 *
 * Similarity is a score in [0, 1], symmetric: the mean of the Dice overlap of the requests' words (jieba's, passed
 * in as arrays, less stop words and the place's own words) and of their two-character pieces (Han runs cut into
 * overlapping bigrams, less the place's). The place is taken out because two unrelated requests from the same
 * street share its name; what is left is what they ask.
 */

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
 * The threshold 0.11 was chosen on test/fixtures/duplicates/dev.jsonl by one rule, the highest recall with
 * precision at least 0.9 there; test/fixtures/duplicates/test.jsonl is scored at it unchanged (README quotes both).
 * Word overlap scores paraphrases low (路灯不亮 / 夜间照明设施损坏 share little), hence a low figure.
 */
export const DUPLICATE_DEFAULTS: DuplicateSettings = { windowDays: 30, threshold: 0.11, limit: 20, repeatAsks: 3 }

/** Longest window accepted (a year): candidates stay bounded by the indexes either way. */
export const MAX_WINDOW_DAYS = 366

/** Words that say nothing about what is asked (诉求套话). */
const STOP = new Set([
  '的', '了', '是', '在', '有', '和', '与', '及', '我', '我们', '你', '他', '她', '它', '这', '那', '这个', '那个', '都', '也', '就', '还', '又',
  '很', '太', '非常', '一个', '一些', '没有', '没', '不', '被', '把', '让', '给', '对', '从', '到', '向', '为', '已经', '希望', '请', '请求',
  '要求', '反映', '反应', '市民', '来电', '诉求', '问题', '情况', '处理', '解决', '相关', '部门', '相关部门', '尽快', '一下', '现在', '目前',
  '已', '能', '可以', '是否', '怎么', '如何', '什么', '吗', '呢', '吧', '啊', '等', '里', '上', '下', '后', '前', '中', '时', '称', '表示',
  '投诉', '举报', '咨询', '建议', '帮助', '协调', '核实', '给予', '予以', '一直', '多次', '再次', '还是', '仍然', '依然', '每天', '经常',
  '严重', '影响', '附近', '旁边', '门口', '位置', '地方', '处', '该', '此', '其', '所', '之', '以', '并', '但', '而', '却', '又', '才',
])

const WORDY = /[\p{Script=Han}A-Za-z]/u

/** What similarity compares: a request's words and its two-character pieces, with the place's taken out. */
export interface TextFeatures {
  readonly words: ReadonlySet<string>
  readonly pieces: ReadonlySet<string>
}

function wordsOf(words: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const raw of words) {
    const w = raw.trim().toLowerCase()
    if (w && WORDY.test(w) && !STOP.has(w)) out.add(w)
  }
  return out
}

function piecesOf(text: string): Set<string> {
  const out = new Set<string>()
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) for (let i = 0; i + 2 <= run.length; i++) out.add(run.slice(i, i + 2))
  return out
}

/**
 * The features of a request: `content` with its segmentation `contentWords`, less the words and pieces of its
 * `address` (segmented as `addressWords`), so that the street both requests name does not make them alike.
 */
export function textFeatures(content: string, contentWords: readonly string[], address = '', addressWords: readonly string[] = []): TextFeatures {
  const placeWords = wordsOf(addressWords)
  const placePieces = piecesOf(address)
  const words = wordsOf(contentWords)
  const pieces = piecesOf(content)
  for (const w of placeWords) words.delete(w)
  for (const p of placePieces) pieces.delete(p)
  return { words, pieces }
}

/** Dice's coefficient of two sets (0 when both are empty). */
export function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let both = 0
  for (const x of small) if (large.has(x)) both++
  return (2 * both) / (a.size + b.size)
}

/** How alike two requests are, 0..1, the same both ways round. Rounded to 4 places so stored and shown agree. */
export function similarity(a: TextFeatures, b: TextFeatures): number {
  const s = (dice(a.words, b.words) + dice(a.pieces, b.pieces)) / 2
  return Math.round(s * 10_000) / 10_000
}

/** A ticket as detection compares it. */
export interface DuplicateCandidate {
  readonly id: string
  /** ISO instant it was received. */
  readonly receivedAt: string
  readonly phone: string | null
  readonly addressKey: string
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
  const sameKey = a.addressKey.length > 0 && a.addressKey === b.addressKey
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
 * The merges to propose for `subject` among `others`: a shared requester or place, received within the window of
 * the subject (before it, or after it when `after` is set), similarity at or above the threshold; the later of
 * each pair merges into the earlier. Most similar first.
 */
export function findDuplicates(subject: DuplicateCandidate, others: readonly DuplicateCandidate[], settings: DuplicateSettings, after = false): DuplicateMatch[] {
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
    const s = similarity(subject.features, o.features)
    if (s < settings.threshold) continue
    out.push(earlier ? { ticketId: subject.id, primaryId: o.id, reasons, similarity: s } : { ticketId: o.id, primaryId: subject.id, reasons, similarity: s })
  }
  return out.sort((a, b) => b.similarity - a.similarity || (a.primaryId < b.primaryId ? -1 : 1))
}

/**
 * 多次重复诉求: the earlier tickets of the subject's requester inside the window that ask the same thing, when
 * they and the subject make at least `repeatAsks` asks; else null.
 */
export function repeatedAsks(subject: DuplicateCandidate, others: readonly DuplicateCandidate[], settings: DuplicateSettings): { asks: number; earlier: string[] } | null {
  if (!subject.phone) return null
  const at = Date.parse(subject.receivedAt)
  const earlier = others
    .filter((o) => o.id !== subject.id && o.phone === subject.phone)
    .filter((o) => {
      const t = Date.parse(o.receivedAt)
      return (t < at || (t === at && o.id < subject.id)) && at - t <= settings.windowDays * DAY_MS
    })
    .filter((o) => similarity(subject.features, o.features) >= settings.threshold)
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
