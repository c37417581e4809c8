/**
 * Text that remembers where every character came from: `lines[i]` is the 1-based line of the
 * original file that produced `text[i]`. Every cleaning step takes and returns a MappedText so
 * an extracted item can always be traced back to its line in the source (gold `line`).
 */
export interface MappedText {
  readonly text: string
  /** 1-based source line of each UTF-16 code unit of `text`; same length as `text`. */
  readonly lines: Int32Array
}

/** Wraps raw text: character i belongs to the line it stands on. */
export function fromRaw(raw: string): MappedText {
  const lines = new Int32Array(raw.length)
  let line = 1
  for (let i = 0; i < raw.length; i++) {
    lines[i] = line
    if (raw.charCodeAt(i) === 10) line++
  }
  return { text: raw, lines }
}

/** The source line of position `i` (clamped to the text). */
export function lineAt(t: MappedText, i: number): number {
  if (t.text.length === 0) return 1
  const j = Math.max(0, Math.min(i, t.text.length - 1))
  return t.lines[j] ?? 1
}

/**
 * Rewrites a MappedText with a global regex. Each replacement's characters inherit the line of
 * the first character of the match (or of the position before it, for an empty match).
 */
export function replaceMapped(
  t: MappedText,
  re: RegExp,
  replacer: string | ((match: string, ...groups: string[]) => string),
): MappedText {
  if (!re.global) throw new Error('replaceMapped needs a global regex')
  const outText: string[] = []
  const outLines: number[] = []
  let last = 0
  re.lastIndex = 0
  for (let m = re.exec(t.text); m !== null; m = re.exec(t.text)) {
    const start = m.index
    const end = start + m[0].length
    for (let i = last; i < start; i++) {
      outText.push(t.text[i]!)
      outLines.push(t.lines[i]!)
    }
    const rep = typeof replacer === 'string' ? replacer : replacer(m[0], ...(m.slice(1) as string[]))
    const line = lineAt(t, start)
    for (const ch of rep) {
      for (let k = 0; k < ch.length; k++) {
        outText.push(ch[k]!)
        outLines.push(line)
      }
    }
    last = end
    if (m[0].length === 0) re.lastIndex++
  }
  for (let i = last; i < t.text.length; i++) {
    outText.push(t.text[i]!)
    outLines.push(t.lines[i]!)
  }
  return { text: outText.join(''), lines: Int32Array.from(outLines) }
}

/** Takes a slice [start, end) with its map. */
export function sliceMapped(t: MappedText, start: number, end = t.text.length): MappedText {
  return { text: t.text.slice(start, end), lines: t.lines.slice(start, end) }
}
