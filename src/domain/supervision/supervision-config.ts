/**
 * Supervision configuration per item kind (督办配置): warning window, reporting cadence (报送频次) and the
 * escalation ladder (督办升级: 提醒 → 督办单 → 约谈 → 通报 → 问责), with the defaults and the validator.
 */
import { DubanError } from '../errors.ts'
import { kindCatalog } from '../kinds/index.ts'
import type { ClockDef, KindDef, ReportingCadence } from '../workflow/kind.types.ts'

/** What the scheduler does when a step is raised: notify only, or also issue a 督办单. */
export type LadderAction = 'notify' | 'notice'

/** One ladder step: raised at the end of the n-th working day after due (0 = when due passes). */
export interface LadderStep {
  readonly name: string
  readonly label: string
  readonly afterDueWorkingDays: number
  readonly action: LadderAction
}

/** The configuration of one kind. */
export interface SupervisionConfig {
  readonly kind: string
  /** Working days before due when the 临期提醒 (due-soon reminder) goes out; 0 = none. */
  readonly warnBefore: number
  readonly reporting: ReportingCadence
  readonly ladder: readonly LadderStep[]
  /** Working days a unit has to reply to a 督办单 the ladder issues. */
  readonly noticeReplyWorkingDays: number
  /**
   * Working days after dispatch before the first progress report is expected (首报宽限): the first expected
   * report is the first cadence date on or after the day this many working days after the dispatch day.
   */
  readonly reportGraceWorkingDays: number
}

/** The first-report grace duban ships: 5 working days after dispatch. */
export const DEFAULT_REPORT_GRACE_WORKING_DAYS = 5

/** The ladder duban ships (逐级升级), offsets in working days after due. */
export const DEFAULT_LADDER: readonly LadderStep[] = [
  { name: 'remind', label: '提醒', afterDueWorkingDays: 0, action: 'notify' },
  { name: 'notice', label: '督办单', afterDueWorkingDays: 2, action: 'notice' },
  { name: 'interview', label: '约谈', afterDueWorkingDays: 5, action: 'notify' },
  { name: 'bulletin', label: '通报', afterDueWorkingDays: 10, action: 'notify' },
  { name: 'accountability', label: '问责', afterDueWorkingDays: 20, action: 'notify' },
]

/**
 * The clock the supervision configuration governs (督办时限) in a kind: the one whose limit is a due date,
 * else the one named `due`. Its warning window and escalation ladder are the configured ones.
 */
export function supervisedClockOf(def: KindDef): ClockDef | undefined {
  return def.clocks.find((c) => c.unit === 'due_date') ?? def.clocks.find((c) => c.name === 'due')
}

/** The registered kind of an id, or null for kinds the catalogue does not know. */
function kindOf(kind: string): KindDef | null {
  return kindCatalog.all.some((k) => k.id === kind) ? kindCatalog.latest(kind) : null
}

/**
 * The configuration a kind has until an admin stores one: the kind definition's own warning window,
 * reporting cadence (task: 当月25日前报) and escalation ladder; the step named supervision_notice
 * (or labelled 督办单) issues a notice. Unknown kinds get DEFAULT_LADDER and no reporting.
 */
export function defaultSupervisionConfig(kind: string): SupervisionConfig {
  const def = kindOf(kind)
  if (!def) return { kind, warnBefore: 3, reporting: { every: 'none' }, ladder: DEFAULT_LADDER, noticeReplyWorkingDays: 5, reportGraceWorkingDays: DEFAULT_REPORT_GRACE_WORKING_DAYS }
  const dueClock = supervisedClockOf(def)
  const ladder: LadderStep[] = def.escalation.map((s) => ({
    name: s.name,
    label: s.label,
    afterDueWorkingDays: s.afterDueWorkingDays,
    action: s.name === 'supervision_notice' || s.name === 'notice' || s.label === '督办单' ? 'notice' : 'notify',
  }))
  return {
    kind,
    warnBefore: dueClock?.warnBefore ?? 3,
    reporting: def.reporting,
    ladder: ladder.length > 0 ? ladder : DEFAULT_LADDER,
    noticeReplyWorkingDays: 5,
    reportGraceWorkingDays: DEFAULT_REPORT_GRACE_WORKING_DAYS,
  }
}

/** One field problem in a configuration. */
export interface ConfigIssue {
  readonly path: string
  readonly message: string
}

const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi

function checkCadence(v: unknown, issues: ConfigIssue[]): ReportingCadence | null {
  if (typeof v !== 'object' || v === null) {
    issues.push({ path: 'reporting', message: 'reporting must be an object {every, …}' })
    return null
  }
  const r = v as Record<string, unknown>
  switch (r.every) {
    case 'none':
      return { every: 'none' }
    case 'month':
    case 'quarter':
      if (!isInt(r.day, 1, 31)) {
        issues.push({ path: 'reporting.day', message: 'day must be an integer 1–31' })
        return null
      }
      return { every: r.every, day: r.day }
    case 'week':
      if (!isInt(r.weekday, 1, 7)) {
        issues.push({ path: 'reporting.weekday', message: 'weekday must be 1 (Monday) … 7 (Sunday)' })
        return null
      }
      return { every: 'week', weekday: r.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7 }
    default:
      issues.push({ path: 'reporting.every', message: "every must be 'none', 'week', 'month' or 'quarter'" })
      return null
  }
}

/**
 * Refuses a kind the catalogue does not know (未知事项类型): a configuration stored under a misspelt kind would be
 * read by no item and carried out by nothing, and one shown for it would describe no item either.
 */
export function assertConfigurableKind(kind: string): void {
  if (kindOf(kind)) return
  const known = [...new Set(kindCatalog.all.map((k) => k.id))]
  throw new DubanError('DUBAN_ERR_KIND_UNKNOWN', `querystring/kind: unknown kind '${kind}'; known: ${known.join(', ')}`, { where: 'querystring/kind', details: { known } })
}

/** Validates untrusted input; throws DUBAN_ERR_SUPERVISION_CONFIG_INVALID listing every issue (DUBAN_ERR_KIND_UNKNOWN for an unknown kind). */
export function parseSupervisionConfig(kind: string, input: unknown): SupervisionConfig {
  assertConfigurableKind(kind)
  const issues: ConfigIssue[] = []
  const base = defaultSupervisionConfig(kind)
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DubanError('DUBAN_ERR_SUPERVISION_CONFIG_INVALID', 'body must be an object', { where: '(root)', details: { issues: [{ path: '', message: 'body must be an object' }] } })
  }
  const o = input as Record<string, unknown>
  const warnBefore = o.warnBefore ?? base.warnBefore
  if (!isInt(warnBefore, 0, 60)) issues.push({ path: 'warnBefore', message: 'warnBefore must be an integer 0–60 (working days)' })
  const reply = o.noticeReplyWorkingDays ?? base.noticeReplyWorkingDays
  if (!isInt(reply, 1, 60)) issues.push({ path: 'noticeReplyWorkingDays', message: 'noticeReplyWorkingDays must be an integer 1–60' })
  const grace = o.reportGraceWorkingDays ?? base.reportGraceWorkingDays
  if (!isInt(grace, 0, 60)) issues.push({ path: 'reportGraceWorkingDays', message: 'reportGraceWorkingDays must be an integer 0–60 (working days after dispatch)' })
  const reporting = o.reporting === undefined ? base.reporting : checkCadence(o.reporting, issues)
  const ladder: LadderStep[] = []
  if (!Array.isArray(o.ladder) || o.ladder.length === 0) {
    issues.push({ path: 'ladder', message: 'ladder must be a non-empty array of steps' })
  } else {
    const names = new Set<string>()
    let prev = -1
    o.ladder.forEach((s: unknown, i: number) => {
      const at = `ladder[${i}]`
      const step = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>
      const name = step.name
      if (typeof name !== 'string' || !/^[a-z][a-z0-9_]{0,39}$/.test(name)) issues.push({ path: `${at}.name`, message: 'name must be a lower-case identifier' })
      else if (names.has(name)) issues.push({ path: `${at}.name`, message: `step '${name}' appears twice` })
      else names.add(name)
      if (typeof step.label !== 'string' || step.label.trim() === '') issues.push({ path: `${at}.label`, message: 'label must be a non-empty string' })
      const off = step.afterDueWorkingDays
      if (!isInt(off, 0, 250)) issues.push({ path: `${at}.afterDueWorkingDays`, message: 'afterDueWorkingDays must be an integer 0–250' })
      else if (off < prev) issues.push({ path: `${at}.afterDueWorkingDays`, message: `steps must not go back in time (${off} after ${prev})` })
      else prev = off
      const action = step.action ?? 'notify'
      if (action !== 'notify' && action !== 'notice') issues.push({ path: `${at}.action`, message: "action must be 'notify' or 'notice'" })
      ladder.push({ name: String(name), label: String(step.label), afterDueWorkingDays: Number(off), action: action as LadderAction })
    })
  }
  // The kind is the query's; a body naming another would be stored under the query's kind, not the one it names.
  if (o.kind !== undefined && o.kind !== kind) issues.push({ path: 'kind', message: `kind ${JSON.stringify(o.kind)} differs from the query's kind '${kind}'` })
  for (const key of Object.keys(o)) {
    if (!['kind', 'warnBefore', 'reporting', 'ladder', 'noticeReplyWorkingDays', 'reportGraceWorkingDays'].includes(key)) issues.push({ path: key, message: `unknown field '${key}'` })
  }
  // A kind with no supervised clock (the 12345 ticket: its limits are per category) has no due date for these to
  // count from: a value other than its own would be stored and never carried out, so it is refused.
  const def = kindOf(kind)
  if (def && !supervisedClockOf(def)) {
    const unused = { warnBefore: [warnBefore, base.warnBefore], reporting: [reporting, base.reporting], reportGraceWorkingDays: [grace, base.reportGraceWorkingDays] }
    for (const [path, [given, own]] of Object.entries(unused)) {
      if (given !== null && JSON.stringify(given) !== JSON.stringify(own)) {
        issues.push({ path, message: `kind '${kind}' has no supervised clock (no due date, no clock named 'due'), so ${path} would never be carried out; leave it at ${JSON.stringify(own)}` })
      }
    }
  }
  if (issues.length > 0 || reporting === null) {
    throw new DubanError('DUBAN_ERR_SUPERVISION_CONFIG_INVALID', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
      where: issues[0]?.path ?? 'reporting',
      details: { issues },
    })
  }
  return { kind, warnBefore: warnBefore as number, reporting, ladder, noticeReplyWorkingDays: reply as number, reportGraceWorkingDays: grace as number }
}
