/**
 * Working-text normalisation (规范化) for the structure and item steps: maps full-width
 * punctuation, digits and letters to ASCII one character for one character, so offsets into the
 * normalised text stay offsets into the cleaned text (and its source-line map). Keeps `、` and `。`,
 * which carry meaning, and circled numbers (`①`), which are outline markers.
 */

const EXTRA: Record<string, string> = {
  '〔': '[', '〕': ']', '【': '[', '】': ']', '［': '[', '］': ']', '﹝': '[', '﹞': ']',
  '．': '.', '—': '-', '－': '-', '–': '-', '～': '~', '“': '"', '”': '"', '‘': "'", '’': "'",
  '\u3000': ' ', '\u00a0': ' ', '﹙': '(', '﹚': ')', '∶': ':', '︰': ':',
}

/** Normalises one character (a single UTF-16 code unit in, one out). */
export function normChar(ch: string): string {
  const c = ch.charCodeAt(0)
  if (c >= 0xff01 && c <= 0xff5e) return String.fromCharCode(c - 0xfee0)
  return EXTRA[ch] ?? ch
}

/** Normalises a string character by character; the result has the same length as the input. */
export function normText(s: string): string {
  NEEDS.lastIndex = 0
  return NEEDS.test(s) ? s.replace(NEEDS_G, normChar) : s
}

const CLASS = `[\\uff01-\\uff5e${Object.keys(EXTRA).join('')}]`
const NEEDS = new RegExp(CLASS)
const NEEDS_G = new RegExp(CLASS, 'g')

/** Removes every kind of whitespace (used for unit names and comparisons). */
export function squeeze(s: string): string {
  return s.replace(/[\s\u3000\u00a0]+/g, '')
}
