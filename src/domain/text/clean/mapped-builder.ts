/**
 * Fast construction of a MappedText (映射文本): cleaning steps append ranges of the source (their
 * line map copied with one typed-array `set`) or new text stamped with one line, instead of
 * pushing every character into arrays as `replaceMapped` does.
 */
import type { MappedText } from '../mapped-text.ts'

/** Appends pieces of mapped text; `build()` returns the result. */
export class MappedBuilder {
  private readonly parts: string[] = []
  private lines: Int32Array
  private length = 0

  constructor(capacity: number) {
    this.lines = new Int32Array(Math.max(16, capacity))
  }

  private reserve(n: number): void {
    if (this.length + n <= this.lines.length) return
    const grown = new Int32Array(Math.max(this.lines.length * 2, this.length + n))
    grown.set(this.lines.subarray(0, this.length))
    this.lines = grown
  }

  /** Copies `src[start, end)` with its lines. */
  pushRange(src: MappedText, start: number, end: number): void {
    if (end <= start) return
    this.reserve(end - start)
    this.parts.push(src.text.slice(start, end))
    this.lines.set(src.lines.subarray(start, end), this.length)
    this.length += end - start
  }

  /** Appends `text` mapped unit by unit to `lines` (same length as `text`). */
  pushMapped(text: string, lines: Int32Array): void {
    if (text.length === 0) return
    this.reserve(text.length)
    this.parts.push(text)
    this.lines.set(lines.subarray(0, text.length), this.length)
    this.length += text.length
  }

  /** Appends new text whose every code unit belongs to `line`. */
  pushText(text: string, line: number): void {
    if (text.length === 0) return
    this.reserve(text.length)
    this.parts.push(text)
    this.lines.fill(line, this.length, this.length + text.length)
    this.length += text.length
  }

  /** The last character appended so far ('' when empty). */
  lastChar(): string {
    const last = this.parts[this.parts.length - 1]
    return last === undefined ? '' : last[last.length - 1] ?? ''
  }

  get size(): number {
    return this.length
  }

  build(): MappedText {
    return { text: this.parts.join(''), lines: this.lines.slice(0, this.length) }
  }
}

/**
 * Rewrites every match of a global regex; the replacement inherits the line of the match's first
 * character. Returns the input itself when nothing matched (no copy).
 */
export function rewrite(
  t: MappedText,
  re: RegExp,
  replacer: (m: RegExpExecArray) => string,
): MappedText {
  if (!re.global) throw new Error('rewrite needs a global regex')
  re.lastIndex = 0
  let m = re.exec(t.text)
  if (m === null) return t
  const b = new MappedBuilder(t.text.length)
  let last = 0
  for (; m !== null; m = re.exec(t.text)) {
    b.pushRange(t, last, m.index)
    const line = t.lines[m.index] ?? t.lines[m.index - 1] ?? 1
    b.pushText(replacer(m), line)
    last = m.index + m[0].length
    if (m[0].length === 0) re.lastIndex++
  }
  b.pushRange(t, last, t.text.length)
  return b.build()
}

/** Calls `fn(start, end)` for each line of `text` (end excludes the '\n'). */
export function forEachLine(text: string, fn: (start: number, end: number) => void): void {
  let start = 0
  for (;;) {
    const nl = text.indexOf('\n', start)
    if (nl === -1) {
      fn(start, text.length)
      return
    }
    fn(start, nl)
    start = nl + 1
  }
}

/** Han ideographs (CJK Unified, Ext A, compatibility) — the characters Chinese text is made of. */
export const HAN = '\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff'

/** True for a Han ideograph code unit. */
export function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)
}
