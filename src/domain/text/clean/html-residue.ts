/**
 * HTML residue (网页残留): tags and entities left in scraped text, including tags whose `<` was
 * lost to mojibake (`?br>`, `?/p>`). Tags become nothing (a `<br>` inside a line becomes a
 * newline-free join: the line map keeps the surrounding characters on their own lines anyway).
 * The gap between two cells of one table row (`</td><td>`) becomes a tab, so the row reads as a
 * tab-separated row (see tables.ts) instead of its cells running into one another.
 */
import type { MappedText } from '../mapped-text.ts'
import { rewrite } from './mapped-builder.ts'

const TAG_NAMES = 'br|p|div|span|strong|em|b|i|u|font|td|tr|th|table|tbody|li|ul|ol|img|a|h[1-6]|section|center|sup|sub'
/** A real tag, or a common tag whose `<` became `?` through an encoding accident. */
const TAG = new RegExp(`<\\/?[a-zA-Z][a-zA-Z0-9]*(?:\\s[^<>\\n]*)?\\/?>|<!--[^\\n]*?-->|\\?\\/?(?:${TAG_NAMES})(?:\\s[^<>\\n?]*)?\\/?>`, 'gi')
const ENTITY = /&(?:nbsp|ensp|emsp|amp|lt|gt|quot|apos|middot|hellip|mdash|ldquo|rdquo|lsquo|rsquo|#\d{1,6}|#x[0-9a-fA-F]{1,5});?/g
const NAMED: Readonly<Record<string, string>> = {
  nbsp: ' ', ensp: ' ', emsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  middot: '·', hellip: '…', mdash: '—', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’',
}

function decodeEntity(e: string): string {
  const name = e.replace(/^&|;$/g, '')
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
    if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || code === 10) return ''
    return code < 32 ? ' ' : String.fromCodePoint(code)
  }
  return NAMED[name.toLowerCase()] ?? ''
}

/** The boundary between two cells of a row on one line. */
const CELL_GAP = /<\/t[dh]>[ \t]*<t[dh](?:\s[^<>\n]*)?>/gi

/** Removes tags and decodes entities. */
export function removeHtmlResidue(t: MappedText): MappedText {
  const cells = t.text.includes('</t') ? rewrite(t, CELL_GAP, () => '\t') : t
  const noTags = rewrite(cells, TAG, () => '')
  return rewrite(noTags, ENTITY, (m) => decodeEntity(m[0]))
}
