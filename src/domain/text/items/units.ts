/**
 * Unit lists (单位): `新区经济发展局、环境保护局等有关部门落实` → one entry per unit, with the
 * trailing verbs and fillers dropped. Collective names stay whole: `各市、州、县人民政府` and
 * `南宁、玉林、桂林、崇左市人民政府` are one entry each; parentheses are never split
 * (`各镇(办、区)`).
 */
import { normText, squeeze } from '../structure/normalize.ts'

const FILLER_TAIL =
  /(?:按照?职责分工分别负责落实|按照?职责分工分别落实|按照?职责分工负责落实|按照?职责分工落实|按照?职责分工负责|按照?职责分工|按照?分工分别落实|按照?分工落实|按照?分工负责|分别负责落实|分别落实|分别负责|共同落实|共同负责|具体落实|负责落实|抓好落实|组织实施|组织落实|落实|负责|实施|承办|等有关部门和单位|等有关部门|等有关单位|等相关部门|等相关单位|等部门|等单位|等)$/

/** Drops trailing verbs and fillers (`落实`, `负责`, `等有关部门` …), repeatedly. */
export function stripFillers(s: string): string {
  let cur = s.trim().replace(/[。.,;、\s]+$/, '')
  for (let k = 0; k < 6; k++) {
    // Fillers are short: only the tail needs the (costly, end-anchored) pattern.
    const cut = Math.max(0, cur.length - 14)
    const next = (cur.slice(0, cut) + cur.slice(cut).replace(FILLER_TAIL, '')).replace(/[。.,;、\s]+$/, '')
    if (next === cur) break
    cur = next
  }
  return cur
}

/** Endings that make a piece a unit by itself. */
export const UNIT_END =
  /(局|委|办|厅|部|署|院|会|中心|政府|单位|部门|处|室|股|科|所|站|队|组|街道|功能区|办事处|支部|党委|党组|集团|公司|银行|学校|馆|台|社|团|联|协会|海关|专班|机构|机关|企业|方面|镇|乡|区|县|市|州|省|盟|旗|村|社区|园区|片区|开发区|新区|[)）])$/

const LEVEL = '[省市州盟县区旗乡镇]'
/** A bare place or level name that only makes sense with the suffix of the piece after it. */
const FRAGMENT = new RegExp(`^各?[\\u4e00-\\u9fa5]{0,3}${LEVEL}?$`)
const SHARED_SUFFIX = new RegExp(`^[\\u4e00-\\u9fa5]{0,4}${LEVEL}(?:级)?(?:人民政府|政府|党委|人大|政协|委员会|管委会|党委政府|有关部门|相关部门)$`)

/** Splits at top-level separators (not inside brackets). */
function splitTop(s: string, seps: RegExp): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++
    else if ((ch === ')' || ch === ']') && depth > 0) depth--
    if (depth === 0 && seps.test(ch)) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out
}

/** Splits a `及`-joined pair when both sides read as units (`市级各有关部门及各县市区政府`). */
function splitJi(s: string): string[] {
  const parts = splitTop(s, /及/)
  if (parts.length < 2) return [s]
  const out: string[] = []
  let cur = parts[0]!
  for (let k = 1; k < parts.length; k++) {
    const next = parts[k]!
    if (UNIT_END.test(stripFillers(cur)) && next.length >= 2) {
      out.push(cur)
      cur = next
    } else cur += '及' + next
  }
  out.push(cur)
  return out
}

/** Splits a unit list into units, as the gold format writes them. */
export function splitUnits(list: string): string[] {
  const s = squeeze(normText(list))
  const raw = splitTop(s, /[、,;]/).flatMap(splitJi)
  const pieces = raw.map(stripFillers).filter((p) => p.length > 0)
  const out: string[] = []
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k]!
    if (FRAGMENT.test(p) && p.length <= 4) {
      // Look ahead for the piece that carries the shared suffix; all between must be fragments.
      let j = k + 1
      while (j < pieces.length && FRAGMENT.test(pieces[j]!) && pieces[j]!.length <= 4 && !SHARED_SUFFIX.test(pieces[j]!)) j++
      if (j < pieces.length && j - k <= 8 && SHARED_SUFFIX.test(pieces[j]!)) {
        out.push(pieces.slice(k, j + 1).join('、'))
        k = j
        continue
      }
    }
    out.push(p)
  }
  const seen = new Set<string>()
  return out.filter((u) => u.length > 0 && !seen.has(u) && (seen.add(u), true))
}
