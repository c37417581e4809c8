/**
 * From a segmenter's words to the features the dispatch classifier counts. The segmenter (jieba) runs in an
 * adapter and is passed in as a function, so this stays pure.
 */

/** Splits text into words; jieba in production (src/adapters/text), anything in tests. */
export type Tokenize = (text: string) => readonly string[]

/** Words that say nothing about who must handle a request (派单无关词). */
const STOP = new Set([
  '的', '了', '是', '在', '有', '和', '与', '及', '我', '我们', '你', '他', '她', '它', '这', '那', '这个', '那个', '都', '也', '就', '还', '又',
  '很', '太', '非常', '一个', '一些', '没有', '没', '不', '被', '把', '让', '给', '对', '从', '到', '向', '为', '已经', '希望', '请', '请求',
  '要求', '反映', '市民', '来电', '诉求', '问题', '情况', '处理', '解决', '相关', '部门', '尽快', '一下', '现在', '目前', '每天', '已', '能',
  '可以', '是否', '怎么', '如何', '什么', '哪里', '吗', '呢', '吧', '啊', '等', '人', '里', '上', '下', '后', '前', '中', '时', '年', '月', '日',
  // Words of any complaint, whoever handles it (2026-12-02): quantity and degree (少, 太, 严重), frequency (经常, 多次),
  // the caller's stance (建议, 影响, 无法) and connectives. Met by chance in one function's duties, such a word decided
  // requests on its own: 城郊的山上树林太少，建议植树造林 went to 交通运输 because 少 occurs in its duties only.
  // Chosen as a closed list of generic words, not from the letters' misses; city-grouped cross-validation on the
  // training-side letters (scripts/dispatch-teach-variants.ts): cold start 0.672 → 0.686 top-1 on 137 letters
  // (+2), 0.736 → 0.747 on the 87 of cities-train.jsonl, the demo 5-fold and the plan items unchanged.
  '少', '多', '大', '最', '更', '再', '经常', '一直', '总是', '长期', '多次', '严重', '影响', '建议', '居民', '群众', '附近', '周边', '导致',
  '造成', '出现', '存在', '发现', '无法', '不能', '不敢', '没人', '无人', '了解', '今年', '去年', '每次', '这些', '那些', '为什么',
  '谁', '还是', '但是', '可是', '而且', '因为', '所以', '如果', '真的',
])

const CJK_OR_WORD = /[\p{Script=Han}A-Za-z]/u
const HAN_WORD = /\p{Script=Han}/u

/**
 * The features of a text: its words (segmented, lower-cased, without stop words, digits and punctuation),
 * the pairs of neighbouring Chinese words, and the two-character pieces inside longer words (垃圾桶 → 垃圾, 圾桶). With a paragraph of 职责 per unit to
 * start from, a caller's word is often not the duty's word (学校划片 / 学区划分, 欠薪 / 工资拖欠); the pieces
 * let them meet.
 */
export function featuresOf(tokenize: Tokenize, text: string): string[] {
  const out: string[] = []
  const han: string[] = []
  const tokens = tokenize(text)
  const kept = withoutLandmarks(tokens)
  // The two-character pieces below are read from the text without the landmarks too (a landmark's place left blank).
  if (kept !== tokens) text = kept.join('')
  for (const raw of kept) {
    const w = raw.trim().toLowerCase()
    if (HAN_WORD.test(w)) han.push(w)
    if (!w || !CJK_OR_WORD.test(w) || STOP.has(w)) continue
    out.push(w)
  }
  // Word pairs (词二元组): 路灯_不亮 and 燃气_泄漏 say more than either word; 施工_噪音 is not 噪音 alone. Taken over
  // the Chinese words as segmented, stop words included (没_人 in 没人清理), punctuation and digits left out.
  for (let i = 0; i + 1 < han.length; i++) out.push(`${han[i]}_${han[i + 1]}`)
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) for (let i = 0; i + 2 <= run.length; i++) out.push(`~${run.slice(i, i + 2)}`)
  return out
}

/**
 * Words that place a thing beside a landmark (方位词): in 学校门口的路灯不亮, 银行门口污水管破裂, 医院对面那段路的垃圾 the
 * landmark (学校, 银行, 医院) says where, not what, yet it is a strong word of another function's duties (教育, 卫生健康), and
 * it decided such requests. The word right before one of these is left out of the features (withoutLandmarks).
 * Chosen as a closed list of locatives, not from the letters' words; measured on the training side only
 * (scripts/dispatch-cold-tune.ts, 2026-12-03, cold start): 242 letters top-1 0.591 → 0.607, top-3 0.851 → 0.843; the demo
 * requests and the plan items unchanged. With 周边, 周围, 前面 added: 0.603 / 0.843 (not kept).
 */
const LOCATIVES = new Set(['门口', '对面', '旁', '旁边', '附近', '后面', '后门', '边上', '隔壁', '南边', '北边', '东边', '西边', '南侧', '北侧', '东侧', '西侧', '一带'])

/** The tokens with each landmark (a Han word followed by a LOCATIVES word) blanked out; the same array when there is none. */
function withoutLandmarks(tokens: readonly string[]): readonly string[] {
  let out: string[] | null = null
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (HAN_WORD.test(tokens[i]!) && LOCATIVES.has(tokens[i + 1]!.trim())) {
      out ??= [...tokens]
      out[i] = ' '
    }
  }
  return out ?? tokens
}

const HAN = /^\p{Script=Han}+$/u
