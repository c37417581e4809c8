/**
 * Text decoding (解码): bytes of a plain-text or HTML file to a string. Only UTF-8 (with or
 * without BOM), UTF-16 with a BOM and GBK/GB18030 are accepted; GBK is never assumed, it must be
 * what chardet reports (or, for short text chardet cannot judge, what the bytes plainly are),
 * and it must decode cleanly. Everything else is refused with DUBAN_ERR_INPUT_ENCODING.
 */
import chardet from 'chardet'
import iconv from 'iconv-lite'
import { DubanError } from '../../domain/errors.ts'

/** A decoded text and the name of the encoding it was read with. */
export interface DecodedText {
  readonly text: string
  readonly encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'
}

/** Bytes examined by the binary and chardet checks; enough to judge, cheap on a 20 MB file. */
const SAMPLE = 256 * 1024

/** Share of U+FFFD tolerated in a decode (a scraped page may carry a few broken bytes). */
const MAX_REPLACEMENT_SHARE = 0.001

/** Decodes bytes; `charsetHint` (an HTML page's declared charset) is used when the bytes are not UTF-8. */
export function decodeText(bytes: Uint8Array, charsetHint?: string | null): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return finish(buf.subarray(3), 'utf-8')
  if (buf[0] === 0xff && buf[1] === 0xfe) return finish(buf.subarray(2), 'utf-16le')
  if (buf[0] === 0xfe && buf[1] === 0xff) return finish(buf.subarray(2), 'utf-16be')

  refuseBinary(buf)

  // Valid UTF-8 with multi-byte text is UTF-8 whatever a page declares: browsers save pages
  // as UTF-8 and often leave the old <meta charset="gb2312"> in place.
  const utf8 = strictUtf8(buf)
  if (utf8 !== null && !isGbkInDisguise(utf8, buf)) return finish(buf, 'utf-8', utf8)
  const hint = charsetHint ? normaliseCharset(charsetHint) : null
  if (hint === 'other') {
    throw new DubanError('DUBAN_ERR_INPUT_ENCODING', `the page declares charset ${charsetHint}`)
  }
  if (hint === 'gb18030') {
    const text = cleanDecode(buf, 'gb18030')
    if (text !== null) return finish(buf, 'gb18030', text)
  }

  const sample = buf.subarray(0, SAMPLE)
  const verdict = utf8 !== null ? 'gb18030' : bestGuess(sample)
  if (verdict === 'utf-8') {
    // Mostly UTF-8 with a few broken sequences (a truncated scrape): keep it, with U+FFFD.
    const text = new TextDecoder('utf-8').decode(buf)
    if (replacementShare(text) <= MAX_REPLACEMENT_SHARE) return finish(buf, 'utf-8', text)
  }
  if (verdict === 'gb18030') {
    const text = cleanDecode(buf, 'gb18030')
    if (text !== null) return finish(buf, 'gb18030', text)
  }
  const named = verdict === 'unknown' ? 'an unknown encoding' : verdict
  throw new DubanError('DUBAN_ERR_INPUT_ENCODING', `looks like ${named}`)
}

function finish(body: Buffer, encoding: DecodedText['encoding'], decoded?: string): DecodedText {
  let text = decoded ?? (encoding === 'utf-8' ? body.toString('utf8') : iconv.decode(body, encoding))
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  // CRLF → LF keeps line numbers unchanged; a lone CR (old Mac files) is one line break too.
  text = text.replace(/\r\n?/g, '\n')
  if (encoding !== 'utf-8' && hasControlChars(text)) {
    throw new DubanError('DUBAN_ERR_INPUT_BINARY', `control characters after ${encoding} decoding`)
  }
  return { text, encoding }
}

function strictUtf8(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf)
  } catch {
    return null
  }
}

function cleanDecode(buf: Buffer, encoding: string): string | null {
  const text = iconv.decode(buf, encoding)
  return replacementShare(text) <= MAX_REPLACEMENT_SHARE ? text : null
}

function replacementShare(text: string): number {
  let n = 0
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) n++
  return text.length === 0 ? 0 : n / text.length
}

type Guess = 'utf-8' | 'gb18030' | 'Shift_JIS' | 'Big5' | 'EUC-JP' | 'EUC-KR' | 'unknown'

/**
 * chardet's verdict on a non-UTF-8 sample. chardet is reliable on a few hundred CJK bytes; on
 * less it reports low confidence for everything, and then the GB2312 byte ranges decide.
 */
function bestGuess(sample: Buffer): Guess {
  const matches = chardet.analyse(sample)
  const top = matches[0]
  if (top && top.confidence >= 50) {
    switch (top.name) {
      case 'UTF-8':
        return 'utf-8'
      case 'GB18030':
        return 'gb18030'
      case 'Shift_JIS':
      case 'Big5':
      case 'EUC-JP':
      case 'EUC-KR':
        return top.name
      default:
        return 'unknown'
    }
  }
  return gb2312Share(sample) >= 0.9 ? 'gb18030' : 'unknown'
}

/**
 * Share of double-byte sequences that fall in the GB2312 area (lead A1–F7, trail A1–FE), where
 * all common Simplified characters and full-width punctuation live. Shift-JIS kana, random bytes
 * and UTF-16 mostly miss it.
 */
function gb2312Share(sample: Buffer): number {
  let pairs = 0
  let inside = 0
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!
    if (b < 0x80) continue
    const t = sample[i + 1] ?? 0
    pairs++
    if (b >= 0xa1 && b <= 0xf7 && t >= 0xa1 && t <= 0xfe) inside++
    i++
  }
  return pairs === 0 ? 0 : inside / pairs
}

/**
 * Refuses binary data: NUL bytes or many C0 control characters. NULs at every other byte are
 * UTF-16 text without a BOM, which is an encoding problem, not a binary file.
 */
function refuseBinary(buf: Buffer): void {
  const sample = buf.subarray(0, SAMPLE)
  let nul = 0
  let control = 0
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!
    if (b === 0) {
      nul++
    } else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b && b !== 0x1b && b !== 0x1a) {
      control++
    }
  }
  if (nul > 0) {
    if (looksLikeUtf16(sample)) {
      throw new DubanError('DUBAN_ERR_INPUT_ENCODING', 'looks like UTF-16 without a byte-order mark')
    }
    throw new DubanError('DUBAN_ERR_INPUT_BINARY', `${nul} NUL bytes in the first ${sample.length} bytes`)
  }
  if (control > Math.max(8, sample.length / 100)) {
    throw new DubanError('DUBAN_ERR_INPUT_BINARY', `${control} control bytes in the first ${sample.length} bytes`)
  }
}

/** True when the bytes read as UTF-16 (either order) give printable Chinese or ASCII text. */
function looksLikeUtf16(sample: Buffer): boolean {
  const even = sample.subarray(0, sample.length - (sample.length % 2))
  return (['utf16le', 'utf16be'] as const).some((enc) => {
    const text = enc === 'utf16le' ? even.toString('utf16le') : Buffer.from(even).swap16().toString('utf16le')
    let printable = 0
    for (const ch of text) {
      const c = ch.codePointAt(0)!
      if (
        (c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 ||
        (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)
      ) printable++
    }
    return text.length > 0 && printable / text.length >= 0.95
  })
}

/**
 * True when bytes that are valid UTF-8 are really short GBK text: GBK pairs such as `通知`
 * (CD A8 D6 AA) happen to be valid two-byte UTF-8 sequences, decoding to combining marks and
 * Hebrew or Cyrillic letters. Real UTF-8 Chinese has three-byte characters; a Western text
 * would have Latin letters with accents.
 */
function isGbkInDisguise(utf8: string, buf: Buffer): boolean {
  let nonAscii = 0
  for (let i = 0; i < utf8.length; i++) {
    const c = utf8.charCodeAt(i)
    if (c < 0x80) continue
    if (c >= 0x800 || (c >= 0xa0 && c <= 0x24f)) return false
    nonAscii++
  }
  return nonAscii > 0 && gb2312Share(buf.subarray(0, SAMPLE)) >= 0.9 && cleanDecode(buf, 'gb18030') !== null
}

function hasControlChars(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0e-\x19\x1c-\x1f]/.test(text.slice(0, SAMPLE))
}

/** Maps a declared charset to what duban reads; 'other' for anything it refuses. */
export function normaliseCharset(name: string): 'utf-8' | 'gb18030' | 'other' {
  const n = name.trim().toLowerCase().replace(/^["']|["']$/g, '')
  if (n === 'utf-8' || n === 'utf8') return 'utf-8'
  if (['gbk', 'gb2312', 'gb18030', 'gb_2312-80', 'x-gbk', 'cp936', 'euc-cn', 'windows-936'].includes(n)) return 'gb18030'
  return 'other'
}
