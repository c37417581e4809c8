/**
 * Inline pinyin (拼音注音): some sites annotate characters as `運(yùn)動(dòng)會(huì)`. A parenthesised
 * group is pinyin only when it stands right after a Han character, is lowercase Latin, and carries
 * a tone mark (or is one of the few toneless neutral-tone syllables). Anything else in parentheses
 * — `(一)`, `(PM2.5)`, `(试行)`, `(牵头单位:…)`, `(a)` — is left alone.
 */
import type { MappedText } from '../mapped-text.ts'
import { CUT, type CleaningDraft } from './cleaning-draft.ts'
import { HAN, rewrite } from './mapped-builder.ts'

const TONED = 'āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ'
const LETTER = `[a-z${TONED}üê]`
const SYLLABLES = `${LETTER}{1,7}(?: ${LETTER}{1,7}){0,3}`
const HAS_TONE = new RegExp(`[${TONED}]`)
/** Neutral-tone syllables written without a tone mark. */
const NEUTRAL = new Set(['de', 'le', 'me', 'men', 'ne', 'ma', 'ba', 'zi', 'zhe', 'guo', 'tou', 'li', 'shang', 'xia', 'lai', 'qu', 'ya'])

/** `(yùn)` after a Han character; `(?:…)` wide parentheses too, before punctuation is normalised. */
const GROUP = new RegExp(`(?<=[${HAN}])[(（](${SYLLABLES})[)）]`, 'g')
/** A group cut by the end of a truncated line: `萬(w` + end of line (maybe with a broken byte). */
const CUT_GROUP = new RegExp(`(?<=[${HAN}])[(（](?:${LETTER}{1,6}\\ufffd?|\\ufffd)(?=\\n|$)`, 'g')
/**
 * A toned group inside mojibake, after a non-Latin character or a lone stray Latin byte
 * (`€(gè)`, `荚u(píng)`, `J(rèn)`); after a Latin word (`Peking(běijīng)`) it is left.
 */
const TONED_GROUP = new RegExp(`(?<=[^\\sA-Za-z0-9(（)）]|[^\\sA-Za-z0-9][A-Za-z])[(（](${SYLLABLES})[)）]`, 'g')
/** A group whose `(` was swallowed by mojibake: `?cè)`, `?duì)` (tone mark required). */
const ORPHAN = new RegExp(`(?<=\\?)(${LETTER}{1,7})\\)`, 'g')

function isPinyin(group: string): boolean {
  if (HAS_TONE.test(group)) return true
  return group.split(' ').every((s) => NEUTRAL.has(s))
}

/** Removes pinyin annotations; counts removed groups. */
export function removePinyin(t: MappedText, draft: CleaningDraft): MappedText {
  let out = rewrite(t, GROUP, (m) => {
    if (!isPinyin(m[1] ?? '')) return m[0]
    draft.pinyinRemoved++
    return ''
  })
  out = rewrite(out, CUT_GROUP, () => {
    draft.pinyinRemoved++
    return CUT
  })
  out = rewrite(out, TONED_GROUP, (m) => {
    if (!HAS_TONE.test(m[1] ?? '')) return m[0]
    draft.pinyinRemoved++
    return ''
  })
  out = rewrite(out, ORPHAN, (m) => {
    if (!HAS_TONE.test(m[1] ?? '')) return m[0]
    draft.pinyinRemoved++
    return ''
  })
  return out
}
