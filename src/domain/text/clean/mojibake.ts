/**
 * Byte-level mojibake (乱码) left by a GBK round trip gone wrong: `我們?谌珖?`, `?!标惥┠畋硎?`.
 * The characters between the `?` marks are GBK characters read one byte out of step (and ASCII
 * punctuation there is often a GBK lead byte that lost its high bit: `!` = 0xA1 & 0x7F), the `?`
 * stand for bytes that were lost. Repair re-encodes the span as GBK and decodes it again shifted
 * by 0–2 bytes, with and without the high bit restored (and, as the simpler accident, as UTF-8),
 * and keeps the reading whose characters are most at home in the rest of the document. Spans no
 * reading explains are left as they are and reported with their line. Replacement characters
 * (U+FFFD) and private-use characters inside a line are reported too; nothing recovers them.
 */
import iconv from 'iconv-lite'
import type { MappedText } from '../mapped-text.ts'
import type { CleaningDraft } from './cleaning-draft.ts'
import { MappedBuilder, isHan } from './mapped-builder.ts'

/** Longest run of characters between two `?` of one span. */
const MAX_INNER = 14
/** Punctuation a reading may contain besides Han characters. */
const CJK_PUNCT = /[、。,，:：;；“”‘’《》()（）!！?？·—…]/

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0x3000
}

/** A `?` that sits against Chinese text (a `?` among ASCII is an ordinary question mark). */
function isSuspect(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1)
  const next = text.charCodeAt(i + 1)
  return isHan(prev) || isHan(next) || (isHan(text.charCodeAt(i - 2)) && prev < 128 && prev > 32)
}

interface Span {
  readonly start: number
  readonly end: number
}

/** Groups suspect `?` that are close together (no whitespace between) into spans `?…?`. */
function findSpans(text: string): Span[] {
  const spans: Span[] = []
  let i = text.indexOf('?')
  while (i !== -1) {
    if (!isSuspect(text, i)) {
      i = text.indexOf('?', i + 1)
      continue
    }
    let end = i + 1
    for (let j = i + 1; j <= i + MAX_INNER + 1 && j < text.length; j++) {
      const c = text.charCodeAt(j)
      if (isSpace(c)) break
      if (c === 63) end = j + 1
    }
    spans.push({ start: i, end })
    i = text.indexOf('?', end)
  }
  return spans
}

/** How often each UTF-16 unit occurs outside the spans: the document's own vocabulary. */
function vocabulary(text: string, spans: readonly Span[]): Uint32Array {
  const freq = new Uint32Array(65536)
  let s = 0
  for (let i = 0; i < text.length; i++) {
    const sp = spans[s]
    if (sp !== undefined && i >= sp.start) {
      i = sp.end - 1
      s++
      continue
    }
    freq[text.charCodeAt(i)]!++
  }
  return freq
}

/** Share of characters that are familiar: Han seen ≥3 times elsewhere, or ordinary punctuation. */
function familiarity(s: string, freq: Uint32Array): number {
  if (s.length === 0) return 0
  let ok = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isHan(c) ? freq[c]! >= 3 : CJK_PUNCT.test(s[i]!)) ok++
  }
  return ok / s.length
}

function readings(inner: string): string[] {
  const out: string[] = []
  let bytes: Uint8Array
  try {
    bytes = iconv.encode(inner, 'gbk')
  } catch {
    return out
  }
  const restored = Uint8Array.from(bytes, (b) => (b >= 0x21 && b <= 0x3f ? b | 0x80 : b))
  for (const src of [bytes, restored]) {
    for (let k = 0; k <= 2 && k < src.length; k++) {
      const text = iconv.decode(src.subarray(k), 'gbk').replace(/^\ufffd+|\ufffd+$/g, '')
      if (text.length > 0 && !text.includes('\ufffd')) out.push(text)
    }
  }
  const asUtf8 = iconv.decode(bytes, 'utf8').replace(/^\ufffd+|\ufffd+$/g, '')
  if (asUtf8.length > 0 && !asUtf8.includes('\ufffd')) out.push(asUtf8)
  return out
}

/** Best reading of the characters between the marks, or null when none is convincing. */
function repair(inner: string, freq: Uint32Array): string | null {
  const base = familiarity(inner, freq)
  let best: string | null = null
  let bestScore = 0
  for (const r of readings(inner)) {
    const score = familiarity(r, freq)
    if (score > bestScore || (score === bestScore && best !== null && r.length > best.length)) {
      best = r
      bestScore = score
    }
  }
  return best !== null && bestScore >= 0.75 && bestScore > base ? best : null
}

/** Reports U+FFFD and private-use characters standing inside a line (not a cut line end). */
function reportBrokenChars(t: MappedText, draft: CleaningDraft): void {
  const re = /[\ue000-\uf8ff]|\ufffd(?!\n|$)/g
  let lastLine = -1
  for (let m = re.exec(t.text); m !== null; m = re.exec(t.text)) {
    const line = t.lines[m.index] ?? 1
    if (line === lastLine) continue
    lastLine = line
    draft.unrepaired.push({ line, text: t.text.slice(Math.max(0, m.index - 8), m.index + 8).replace(/\n/g, ' ') })
  }
}

/** Repairs what it can of `?`-marked mojibake spans; reports the rest. */
export function repairMojibake(t: MappedText, draft: CleaningDraft): MappedText {
  reportBrokenChars(t, draft)
  const spans = findSpans(t.text)
  if (spans.length === 0) return t
  const freq = vocabulary(t.text, spans)
  const b = new MappedBuilder(t.text.length)
  let last = 0
  for (const sp of spans) {
    const raw = t.text.slice(sp.start, sp.end)
    const inner = raw.replace(/^\?+|\?+$/g, '')
    const fixed = inner.length > 0 ? repair(inner, freq) : null
    const line = t.lines[sp.start] ?? 1
    if (fixed === null) {
      draft.unrepaired.push({ line, text: raw })
      continue
    }
    b.pushRange(t, last, sp.start)
    b.pushText(fixed, line)
    last = sp.end
    draft.mojibakeRepaired++
  }
  b.pushRange(t, last, t.text.length)
  return b.build()
}

