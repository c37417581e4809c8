/**
 * The scheduler's tick (督办巡查): drives every clock an item's kind declares through the engine's own
 * clockSignals (临期 warning, expiry with the kind's declared event, escalation ladder 提醒 → 督办单 → 约谈 →
 * 通报 → 问责), and flags progress reports missing on the item's cadence (未按期报送进展). Every action is
 * claimed once in `supervision_action` before it happens, in the same transaction as what it does, so
 * running the tick twice at the same `now`, or on two servers at once, does nothing new.
 */
import { createHash } from 'node:crypto'
import type { Queryable } from '../../persistence/db.ts'
import { listCalendarYears } from '../../persistence/calendar.repo.ts'
import {
  getTickState, listFiringItems, listOpenItemsPage, listSupervisionConfigs, reportTimesOf, setNextFire, setTickState,
  type FiringCursor, type FiringItem, type SupervisedItem,
} from '../../persistence/supervision.repo.ts'
import type { Calendar } from '../../domain/calendar/calendar.model.ts'
import { OFFICIAL_CALENDAR_YEARS } from '../../domain/calendar/china-holidays.data.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'
import { countOnTimeReports, expectedReportDates } from '../../domain/workflow/cadence.ts'
import { clockSignals, computeDueAt, type ClockSignal, type WorkingCalendar } from '../../domain/workflow/clock.ts'
import type { ClockDef, ClockState, EscalationStep, KindDef, ReportingCadence, Snapshot } from '../../domain/workflow/kind.types.ts'
import { addCalendarDays, endOfDay, localDate } from '../../domain/workflow/time.ts'
import { cachedCalendar } from '../calendar/calendar.load.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { takeEvent } from '../items/take-event.ts'
import { maintainHotlineKpiCounters, raiseProblemTickets } from '../tickets/hotline-kpis.ts'
import { hotSpotsTick } from '../tickets/hot-spots.ts'
import { remindExpiringKnowledge } from '../knowledge/knowledge-expiry.ts'
import { defaultSupervisionConfig, supervisedClockOf, type LadderStep, type SupervisionConfig } from '../../domain/supervision/supervision-config.ts'
import { nextFireAt, type ReportRule } from './next-fire.ts'
import { claimActions } from '../../persistence/supervision-batch.repo.ts'
import { loadSubscriptions, TickBatch } from './tick-batch.ts'
import { climbUnansweredNotices } from './notice-overdue.ts'
import { TickEvents } from './tick-events.ts'
import { calendarFor } from '../items/item-engine.ts'
import { Pacer, UNPACED, type TickPace } from './tick-pace.ts'

/** What one tick did (new actions only). */
export interface TickResult {
  readonly warned: number
  /** The supervised (completion) clock passed its due instant: 逾期. */
  readonly overdue: number
  /** Another clock of the kind passed its limit (e.g. 签收时限): its declared event or a reminder to the lead unit. */
  readonly expired: number
  readonly reportsMissing: number
  readonly escalated: number
  readonly notices: number
}

/** The scheduler acts as `system` (系统) when it fires a kind's declared event. */
const SYSTEM: Actor = { userId: null, role: 'system', unitId: null, scopeUnitIds: null }

/** Before any clock starts: clockSignals over (EPOCH, now] yields every signal due by now; the ledger drops those already acted on. */
const EPOCH = '1970-01-01T00:00:00.000Z'

/** True for a usable ReportingCadence stored in item data. */
export function isCadence(v: unknown): v is ReportingCadence {
  if (typeof v !== 'object' || v === null) return false
  const c = v as Record<string, unknown>
  if (c.every === 'none') return true
  if (c.every === 'month' || c.every === 'quarter') return typeof c.day === 'number' && c.day >= 1 && c.day <= 31
  return c.every === 'week' && typeof c.weekday === 'number' && c.weekday >= 1 && c.weekday <= 7
}

/**
 * The first date a progress report can be expected (首次应报日期) for an item whose due clock started on
 * `startedOn` (dispatch): a unit gets `graceWorkingDays` working days before its first report, so the first
 * expected report is the first cadence date on or after that day (never the start day itself).
 */
export function firstReportFrom(startedOn: string, graceWorkingDays: number, cal: Pick<Calendar, 'addWorkingDays'>): string {
  const afterGrace = graceWorkingDays > 0 ? cal.addWorkingDays(startedOn, graceWorkingDays) : startedOn
  const nextDay = addCalendarDays(startedOn, 1)
  return afterGrace > nextDay ? afterGrace : nextDay
}

/** The kind an item runs under, or null for kinds the catalogue does not know. */
function kindDefOf(item: SupervisedItem, snapshot: Partial<Snapshot>): KindDef | null {
  const all = kindCatalog.all.filter((k) => k.id === item.kind)
  return all.find((k) => k.version === String(snapshot.kindVersion)) ?? all[all.length - 1] ?? null
}

/**
 * The kind as the tick runs it: the stored supervision configuration replaces the kind's escalation ladder
 * (step events kept by name) and the warning window of its supervised clock, which escalates through every
 * configured step; other clocks keep their own limits and raise the configured steps they name.
 * A kind the catalogue does not know gets one `due` clock on its `due` field.
 */
function supervisedKind(def: KindDef | null, cfg: SupervisionConfig): { kind: KindDef; supervised: string | null } {
  const base: KindDef = def ?? {
    id: cfg.kind, version: 'supervision', label: cfg.kind, states: {}, initial: '', events: {}, transitions: [],
    clocks: [{ name: 'due', label: '完成时限', unit: 'due_date', limit: { field: 'due' }, startsOn: [], stopsOn: [] }],
    escalation: [], reporting: cfg.reporting, fields: {},
  }
  const supervised = supervisedClockOf(base)
  const declared = new Map(base.escalation.map((s) => [s.name, s]))
  const escalation: EscalationStep[] = cfg.ladder.map((s) => {
    const emit = declared.get(s.name)?.emit
    return { name: s.name, label: s.label, afterDueWorkingDays: s.afterDueWorkingDays, ...(emit ? { emit } : {}) }
  })
  const names = new Set(escalation.map((s) => s.name))
  const clocks: ClockDef[] = base.clocks.map((c) => {
    if (c === supervised) return { ...c, warnBefore: cfg.warnBefore, onExpiry: { ...c.onExpiry, escalate: [...names] } }
    if (!c.onExpiry?.escalate) return c
    return { ...c, onExpiry: { ...c.onExpiry, escalate: c.onExpiry.escalate.filter((n) => names.has(n)) } }
  })
  return { kind: { ...base, clocks, escalation }, supervised: supervised?.name ?? null }
}

/**
 * The item's snapshot as the engine reads it, its clocks' due instants computed afresh for limits taken
 * from a field (the `due` column is the truth after an extension). A kind the catalogue does not know
 * runs its `due` clock from the item's creation.
 */
function snapshotOf(item: SupervisedItem, kind: KindDef, known: boolean, wcal: WorkingCalendar): Snapshot {
  const raw = item.snapshot as Partial<Snapshot>
  const data: Record<string, unknown> = { ...(raw.data ?? {}), ...(item.dueDate ? { due: item.dueDate } : {}) }
  const stored: Record<string, ClockState> = { ...(raw.clocks ?? {}) }
  if (!known && !stored['due']) stored['due'] = { startedAt: item.createdAt, dueAt: null, stoppedAt: null }
  const clocks: Record<string, ClockState> = {}
  for (const [name, state] of Object.entries(stored)) {
    const def = kind.clocks.find((c) => c.name === name)
    const fromField = def && typeof def.limit === 'object' && 'field' in def.limit
    clocks[name] = fromField ? { ...state, dueAt: computeDueAt(def, state.startedAt, data, wcal) } : state
  }
  return { kind: item.kind, kindVersion: String(raw.kindVersion ?? ''), state: String(raw.state ?? ''), counters: raw.counters ?? {}, data, clocks }
}

/** An action the tick owes an item, keyed in the claims ledger. */
type Claim = { key: string; item: SupervisedItem; action: 'warn' | 'overdue' | 'report_missing' | 'escalate'; step?: string; ref: string; dueAt: string | null }

/** Fires a kind's event on an item as the scheduler; the event fired, or null when the item's state does not allow it. */
type Fire = (item: SupervisedItem, event: string | undefined) => Promise<string | null>

/** What an action does once claimed: fire the kind's event with `fire`, and gather its notifications, audit rows and 督办单 in `b`. */
type Act = (fire: Fire, b: TickBatch) => Promise<void> | void

/**
 * Plans an action: the page claims every planned action in one statement, then runs the acts of those it
 * claimed (in the order planned) and counts them with `counted`.
 */
type Once = (a: Claim, act: Act, counted: () => void) => void

/** An action planned for an item, with what it does and how it is counted. */
type Planned = { a: Claim; act: Act; counted: () => void }

/** What one item of a page is owed (or why it could not be supervised), computed before the page's transaction. */
type ItemPlan = { planned: Planned[]; at: string | null; error: unknown }

/** Items per page, and so per transaction: bounded, so a tick never holds locks long whatever fires. */
export const TICK_PAGE_SIZE = 200

/** Rows of the 12345 KPI counters' backfill and fold a tick takes at most (maintainHotlineKpiCounters' budget), and per paced step. */
const KPI_BUDGET = 50_000
const KPI_STEP = 5_000

/** How long an item the tick failed on waits before the tick tries it again. */
const RETRY_FAILED_MS = 3_600_000

/** Bump when the next-fire rule changes in code: the next tick then recomputes every open item. */
const NEXT_FIRE_RULE = 'next-fire/1'

/**
 * What every next-fire time depends on besides the item: the stored configurations, the calendar (built-in
 * and admin years), the kinds and their default configurations. A change makes the next tick a full pass.
 */
export async function fingerprintOf(db: Queryable, stored: ReadonlyMap<string, SupervisionConfig>): Promise<string> {
  const years = await listCalendarYears(db)
  const defaults = kindCatalog.all.map((k) => defaultSupervisionConfig(k.id))
  const h = createHash('sha256')
  h.update(JSON.stringify([NEXT_FIRE_RULE, [...stored.entries()].sort(([a], [b]) => a.localeCompare(b)), years, OFFICIAL_CALENDAR_YEARS, kindCatalog.all, defaults]))
  return h.digest('hex')
}

/**
 * Runs one tick at `now`; see the module comment. It takes up, page by page, only the open items whose
 * next-fire time has come (all open items on a full pass: after the migration, or when the configuration,
 * calendar or kinds changed), acts on each page in one transaction, and writes each item's next-fire time back.
 */
export async function superviseTick(
  deps: AppDeps,
  now: Date,
  opts: {
    pageSize?: number
    onItemError?: (itemId: string, e: unknown) => void
    /** Fire events one by one through take-event (a statement sequence each), as before batching: for comparison only. */
    oneByOne?: boolean
    /** How the tick shares the process and the database with the API (tick-pace.ts); default flat out. */
    pace?: TickPace
    /** Or a pacer to pace it with (its pace and what it rested readable afterwards). */
    pacer?: Pacer
  } = {},
): Promise<TickResult> {
  const onItemError =
    opts.onItemError ?? ((id: string, e: unknown) => process.stderr.write(`duban: supervision tick: item ${id}: ${e instanceof Error ? e.message : String(e)}\n`))
  const d: AppDeps = { ...deps, clock: { now: () => now } }
  const stored = await listSupervisionConfigs(deps.db)
  const configOf = (kind: string): SupervisionConfig => stored.get(kind) ?? defaultSupervisionConfig(kind)
  const counts = { warned: 0, overdue: 0, expired: 0, reportsMissing: 0, escalated: 0, notices: 0 }
  const pacer = opts.pacer ?? new Pacer(opts.pace ?? UNPACED)
  const pageSize = opts.pageSize ?? pacer.pace.pageSize ?? TICK_PAGE_SIZE
  const fingerprint = await fingerprintOf(deps.db, stored)
  const full = (await getTickState(deps.db, 'fingerprint')) !== fingerprint
  // The calendar after the fingerprint, its stamp rechecked now (one small statement): at least as new as the years
  // the fingerprint read. A cached calendar older than them (another process's write, seen only after the usual
  // recheck) would plan this full pass with the old days and store the new fingerprint, so nothing would plan again.
  const { calendar: cal, working: wcal } = await cachedCalendar(deps.db, 0)
  const ctx: ItemContext = { d, cal, wcal, configOf, now, counts }

  let cursor: FiringCursor | null = null
  let afterId = ''
  for (;;) {
    let page: FiringItem[]
    let more: boolean
    if (full) {
      page = await listOpenItemsPage(deps.db, afterId, pageSize)
      more = page.length === pageSize
      if (page.length > 0) afterId = page[page.length - 1]!.id
    } else {
      // The page's cursor is past its stale clock rows too (items gone or closed, deleted as met): see listFiringItems.
      const p = await listFiringItems(deps.db, now, cursor, pageSize)
      page = p.items
      more = p.more
      cursor = p.cursor ?? cursor
    }
    if (page.length === 0) {
      if (more) continue
      break
    }
    const reports = await reportTimesOf(deps.db, page.map((i) => i.id))
    // Every action the page's items are owed and their next-fire times, computed in Node before the transaction
    // opens (no lock or connection held meanwhile), in slices between which the API's requests run.
    const plans = new Map<string, ItemPlan>()
    for (const item of page) {
      await pacer.slice()
      const planned: Planned[] = []
      try {
        const at = superviseItem(ctx, item, reports.get(item.id) ?? [], (a, act, counted) => void planned.push({ a, act, counted }))
        plans.set(item.id, { planned, at, error: null })
      } catch (e) {
        plans.set(item.id, { planned: [], at: null, error: e })
      }
    }
    /** Supervises `items` in one transaction: their actions, claims and next-fire times commit together. */
    const inOneTransaction = (items: readonly FiringItem[]): Promise<void> =>
      deps.db.transaction(async (tx) => {
        // The page's planned actions claimed in one statement; those claimed now carried out in the planned order
        // (events fired through the engine, the rest gathered and written set-based).
        const planned: Planned[] = []
        const fires: { id: string; version: number; at: string | null }[] = []
        for (const item of items) {
          const plan = plans.get(item.id)!
          if (plan.error !== null) throw plan.error
          planned.push(...plan.planned)
          fires.push({ id: item.id, version: item.version, at: plan.at })
        }
        const fresh = await claimActions(tx, planned.map(({ a }) => ({ key: a.key, itemId: a.item.id, action: a.action, step: a.step ?? null, ref: a.ref, dueAt: a.dueAt, at: now })))
        const batch = new TickBatch(now, d.newId, cal, await loadSubscriptions(tx))
        const run = planned.filter((p) => fresh.delete(p.a.key)) // not claimed before (nor planned twice in this page: once only)
        let fireIt: Fire
        let events: TickEvents | null = null
        if (opts.oneByOne) {
          fireIt = (item, event) => fire(tx, d, item, event)
        } else {
          // The page's events computed in Node on its items read once under lock, written set-based (tick-events.ts).
          const ev = new TickEvents(d, SYSTEM, (await calendarFor(tx)).working, configOf, batch)
          await ev.lock(tx, run.filter((p) => p.a.action === 'overdue' || p.a.action === 'escalate').map((p) => p.a.item.id))
          fireIt = (item, event) => ev.fire(tx, item.id, item, event)
          events = ev
        }
        for (const p of run) {
          await pacer.yieldIfDue()
          await p.act(fireIt, batch)
          p.counted()
        }
        await events?.flush(tx)
        await batch.flush(tx)
        await setNextFire(tx, fires)
      })
    const before = { ...counts }
    try {
      await inOneTransaction(page)
    } catch {
      // One item that cannot be supervised (bad data, a kind that refuses) must not hold back the others, which
      // would otherwise wait behind it every minute: redo the page item by item and put a failing item off an hour.
      Object.assign(counts, before)
      for (const item of page) {
        try {
          await inOneTransaction([item])
        } catch (e) {
          onItemError(item.id, e)
          await setNextFire(deps.db, [{ id: item.id, version: item.version, at: new Date(now.getTime() + RETRY_FAILED_MS).toISOString() }])
        }
      }
    }
    if (!more) break
    await pacer.rest()
  }
  if (full) await setTickState(deps.db, 'fingerprint', fingerprint, now)
  await pacer.rest()
  // A 督办单 unanswered past its reply deadline climbs the ladder, once per notice (notice-overdue.ts).
  const climbed = await climbUnansweredNotices(d, now, configOf, (id, e) => onItemError(`notice ${id}`, e))
  counts.escalated += climbed.escalated
  counts.notices += climbed.notices
  await pacer.rest()
  // 12345 problem tickets (问题工单) are raised to supervision (提级督办) once each.
  await raiseProblemTickets(d)
  await pacer.rest()
  // 未诉先办 hot spots (hourly), 知识库 expiry reminders, and the 12345 KPI counters' backfill and fold (bounded per
  // tick, migrations 152–153); a failure is reported and does not undo the tick.
  // Paced, the KPI counters go in steps of KPI_STEP rows (the same KPI_BUDGET a tick) with a rest after each.
  const kpiCounters = async (): Promise<void> => {
    if (pacer.pace.share >= 1) return void (await maintainHotlineKpiCounters(d, KPI_BUDGET))
    for (let done = 0; done < KPI_BUDGET; done += KPI_STEP) {
      const r = await maintainHotlineKpiCounters(d, KPI_STEP)
      await pacer.rest()
      if (r.backfilled + r.folded === 0) break
    }
  }
  for (const [name, job] of [['hot spots', () => hotSpotsTick(d, now)], ['knowledge expiry', () => remindExpiringKnowledge(d, now)], ['12345 KPI counters', kpiCounters]] as const) {
    try {
      await job()
    } catch (e) {
      process.stderr.write(`duban: supervision tick: ${name}: ${e instanceof Error ? e.message : String(e)}\n`)
    }
    await pacer.rest()
  }
  return counts
}

/** What one tick shares across the items it supervises. */
interface ItemContext {
  readonly d: AppDeps
  readonly cal: Calendar
  readonly wcal: WorkingCalendar
  readonly configOf: (kind: string) => SupervisionConfig
  readonly now: Date
  readonly counts: { warned: number; overdue: number; expired: number; reportsMissing: number; escalated: number; notices: number }
}

/** Supervises one item at the tick's now (every clock signal due by now, the reporting cadence); returns its next-fire time. */
function superviseItem(ctx: ItemContext, item: SupervisedItem, reported: readonly string[], once: Once): string | null {
  const { d, cal, wcal, now, counts } = ctx
  const nowIso = now.toISOString()
  const today = chinaDateOf(now.getTime())
  const cfg = ctx.configOf(item.kind)
  const def = kindDefOf(item, item.snapshot as Partial<Snapshot>)
  const { kind, supervised } = supervisedKind(def, cfg)
  const snapshot = snapshotOf(item, kind, def !== null, wcal)
  const ref = { id: item.id, number: item.number, title: item.title, due: item.dueDate, lead: item.lead, responsible: item.responsible }
  const units = [...new Set([...item.lead, ...item.responsible])]
  const leadUnits = item.lead.length > 0 ? item.lead : units

  const signals = clockSignals(kind, snapshot, EPOCH, nowIso, wcal)
  for (const s of signals) {
    const clock = kind.clocks.find((c) => c.name === s.clock)!
    const dueAt = snapshot.clocks[s.clock]!.dueAt!
    // The supervised clock keeps the ledger keys it always had (one per due date); others name the clock and its due instant.
    const main = s.clock === supervised
    const due = main ? (item.dueDate ?? localDate(dueAt)) : dueAt
    const tag = main ? due : `${s.clock}:${dueAt}`
    if (s.type === 'warn') {
      const left = cal.workingDaysBetween(today, localDate(dueAt))
      once({ key: `warn:${item.id}:${tag}`, item, action: 'warn', ref: due, dueAt }, (_fire, b) =>
        b.emit({
          id: `item.due_soon:${item.id}:${tag}`, type: 'item.due_soon', itemId: item.id,
          title: `临期提醒：${item.title}`,
          body: main ? `${item.number} 将于${due}到期（还剩${left}个工作日）。` : `${item.number} 的${clock.label}将于${fmt(dueAt)}届满。`,
          to: { units: leadUnits }, data: { item: ref, clock: s.clock, dueAt, workingDaysLeft: left },
        }), () => counts.warned++)
    } else if (s.type === 'expire') {
      // One reminder for one due day: when the clock's ladder raises a step at the expiry instant itself (提醒, offset 0),
      // that step's escalation.raised is what the units and supervisors read; the expiry still fires the clock's declared
      // event, is counted and goes to webhook subscribers, but tells no one in the app (no second 逾期 / 催办 notice).
      const laddered = signals.some((x) => x.type === 'escalate' && x.clock === s.clock && Date.parse(x.at) === Date.parse(s.at))
      const told = <T>(to: T): T | Record<string, never> => (laddered ? {} : to)
      if (main) {
        once({ key: `overdue:${item.id}:${tag}`, item, action: 'overdue', ref: due, dueAt }, async (fire, b) => {
          await fire(item, s.event)
          b.emit({
            id: `item.overdue:${item.id}:${tag}`, type: 'item.overdue', itemId: item.id,
            title: `逾期：${item.title}`, body: `${item.number} 已超过完成时限${due}。`,
            to: told({ units, roles: ['supervisor'] }), data: { item: ref },
          })
        }, () => counts.overdue++)
      } else {
        once({ key: `expire:${item.id}:${tag}`, item, action: 'overdue', ref: dueAt, dueAt }, async (fire, b) => {
          const fired = await fire(item, s.event)
          b.emit({
            id: `clock.expired:${item.id}:${tag}`, type: 'clock.expired', itemId: item.id,
            title: `催办：${item.title}`, body: `${item.number} 已超过${clock.label}（${fmt(dueAt)}），请抓紧办理。`,
            to: told({ units: leadUnits }), data: { item: ref, clock: s.clock, label: clock.label, dueAt, event: fired },
          })
        }, () => counts.expired++)
      }
    } else {
      const step = cfg.ladder.find((l) => l.name === s.step)!
      const what = main ? `完成时限${due}` : `${clock.label}${fmt(dueAt)}`
      escalate(d, cfg, item, step, s, tag, what, units, ref, once, counts, eventIssuesNotice(kind, s.event))
    }
  }

  // The item's own cadence (from its plan: 每月上报…) wins over the kind's configured one.
  const dueClock = snapshot.clocks['due']
  const running = dueClock ? dueClock.stoppedAt === null : def === null
  const cadence = isCadence(item.data['cadence']) ? item.data['cadence'] : cfg.reporting
  let report: ReportRule | null = null
  if (cadence.every !== 'none' && running) {
    const startedOn = localDate(dueClock?.startedAt ?? item.createdAt)
    const firstReport = firstReportFrom(startedOn, cfg.reportGraceWorkingDays, cal)
    report = { cadence, firstReport }
    const expected = expectedReportDates(cadence, firstReport, addCalendarDays(today, -1))
    const last = expected[expected.length - 1]
    if (last) {
      const prev = expected[expected.length - 2] ?? ''
      const times = reported.filter((t) => localDate(t) > prev)
      if (countOnTimeReports([last], times) === 0) {
        once({ key: `report:${item.id}:${last}`, item, action: 'report_missing', ref: last, dueAt: endOfDay(last) }, (_fire, b) =>
          b.emit({
            id: `report.missing:${item.id}:${last}`, type: 'report.missing', itemId: item.id,
            title: `未按期报送进展：${item.title}`, body: `${item.number} 应于${last}前报送工作进展，至今未报。`,
            to: { units: leadUnits, roles: ['supervisor'] }, data: { item: ref, expectedBy: last },
          }), () => counts.reportsMissing++)
      }
    }
  }
  return nextFireAt(kind, snapshot, now, wcal, report)
}

/** An instant as China-local `YYYY-MM-DD HH:mm`. */
function fmt(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/**
 * Fires a kind's declared event on the item as `system`, inside the tick's transaction (so the claim and
 * the event commit together). An event the item's current state does not allow is skipped quietly.
 * Returns the event fired, or null.
 */
async function fire(tx: Queryable, d: AppDeps, item: SupervisedItem, event: string | undefined): Promise<string | null> {
  if (!event) return null
  const inTx: AppDeps = { ...d, db: { dialect: d.db.dialect, query: (sql, params) => tx.query(sql, params), transaction: (fn) => fn(tx), close: async () => undefined } }
  try {
    await takeEvent(inTx, SYSTEM, item.id, { event, payload: {} })
    return event
  } catch (e) {
    if (e instanceof DubanError && e.code === 'DUBAN_ERR_TRANSITION_NOT_ALLOWED') return null
    throw e
  }
}

/** Whether taking `event` issues a 督办单 itself (an `issueNotice:<step>` effect, as the ticket's 督办 `supervise`). */
function eventIssuesNotice(kind: KindDef, event: string | undefined): boolean {
  return event !== undefined && kind.transitions.some((t) => t.event === event && (t.effects ?? []).some((e) => e.startsWith('issueNotice:')))
}

/**
 * Raises one ladder step once: the step's declared event, audit, notify, and for a notice step the 督办单 —
 * unless the step's event issued it already (`eventNotices`: the ticket's 督办 as the system), so one notice, not two.
 */
function escalate(
  d: AppDeps,
  cfg: SupervisionConfig,
  item: SupervisedItem,
  step: LadderStep,
  s: Extract<ClockSignal, { type: 'escalate' }>,
  due: string,
  what: string,
  units: readonly string[],
  ref: Record<string, unknown>,
  once: Once,
  counts: ItemContext['counts'],
  eventNotices: boolean,
): void {
  const at = s.at
  once({ key: `escalate:${item.id}:${due}:${step.name}`, item, action: 'escalate', step: step.name, ref: due, dueAt: at }, async (fire, b) => {
    const fired = await fire(item, s.event)
    if (fired !== null && eventNotices) counts.notices++
    b.audit({ action: 'supervision.escalate', entity: 'item', entityId: item.id, after: { step: step.name, label: step.label, due, at } })
    b.emit({
      id: `escalation.raised:${item.id}:${due}:${step.name}`, type: 'escalation.raised', itemId: item.id,
      title: `${step.label}：${item.title}`, body: `${item.number} 逾期（${what}），升级至「${step.label}」。`,
      to: { units, roles: ['supervisor', 'leader'] }, data: { item: ref, step: { name: step.name, label: step.label, afterDueWorkingDays: step.afterDueWorkingDays, at } },
    })
    if (step.action === 'notice' && units.length > 0 && !(fired !== null && eventNotices)) {
      b.notice({ item: { id: item.id, number: item.number, title: item.title, dueDate: item.dueDate }, reason: `逾期未办结（${what}），按督办规定发出督办单`, replyWorkingDays: cfg.noticeReplyWorkingDays, unitIds: units })
      counts.notices++
    }
  }, () => counts.escalated++)
}
