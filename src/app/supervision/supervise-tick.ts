/**
 * The scheduler's tick (督办巡查): finds items near due (临期) and past due (逾期), progress reports
 * missing on the item's cadence (未按期报送进展), and walks the escalation ladder (提醒 → 督办单 → 约谈 →
 * 通报 → 问责). Every action is claimed once in `supervision_action` before it happens, so running the
 * tick twice at the same `now`, or on two servers at once, does nothing new.
 */
import { claimAction, listOpenItems, listSupervisionConfigs, reportTimes, type SupervisedItem } from '../../adapters/db/supervision.repo.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { countOnTimeReports, expectedReportDates } from '../../domain/workflow/cadence.ts'
import { clockStatus, escalationAt, type WorkingCalendar } from '../../domain/workflow/clock.ts'
import type { KindDef, ReportingCadence } from '../../domain/workflow/kind.types.ts'
import { addCalendarDays, endOfDay, instantMs, localDate } from '../../domain/workflow/time.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'
import { loadCalendar, workingCalendarOf } from '../calendar/calendar.load.ts'
import type { AppDeps } from '../deps.ts'
import { recordAudit } from './audit.port.ts'
import { defaultSupervisionConfig, type LadderStep, type SupervisionConfig } from './supervision-config.ts'
import { emitSupervisionEvent } from './supervision-event.emit.ts'
import { issueNoticeIn } from './supervision-notice.ts'

/** What one tick did (new actions only). */
export interface TickResult {
  readonly warned: number
  readonly overdue: number
  readonly reportsMissing: number
  readonly escalated: number
  readonly notices: number
}

/** The due-date clock as the engine models it, with the configured warning window. */
function dueClockKind(cfg: SupervisionConfig): KindDef {
  return {
    id: cfg.kind,
    version: 'supervision',
    label: cfg.kind,
    states: {},
    initial: '',
    events: {},
    transitions: [],
    clocks: [{ name: 'due', label: '完成时限', unit: 'due_date', limit: { field: 'due' }, warnBefore: cfg.warnBefore, startsOn: [], stopsOn: [] }],
    escalation: [],
    reporting: cfg.reporting,
    fields: {},
  }
}

/** True when the item's kind runs a `due` clock and it has not started (not dispatched) or has stopped (completion submitted). */
function dueClockIdle(item: SupervisedItem): boolean {
  const known = kindCatalog.all.find((k) => k.id === item.kind)
  if (!known || !known.clocks.some((c) => c.name === 'due')) return false
  const clock = item.snapshot.clocks?.['due']
  return !clock || clock.stoppedAt !== null
}

/** True for a usable ReportingCadence stored in item data. */
export function isCadence(v: unknown): v is ReportingCadence {
  if (typeof v !== 'object' || v === null) return false
  const c = v as Record<string, unknown>
  if (c.every === 'none') return true
  if (c.every === 'month' || c.every === 'quarter') return typeof c.day === 'number' && c.day >= 1 && c.day <= 31
  return c.every === 'week' && typeof c.weekday === 'number' && c.weekday >= 1 && c.weekday <= 7
}

/** Runs one tick at `now`; see the module comment. */
export async function superviseTick(deps: AppDeps, now: Date): Promise<TickResult> {
  const d: AppDeps = { ...deps, clock: { now: () => now } }
  const cal = await loadCalendar(deps.db)
  const wcal = workingCalendarOf(cal)
  const stored = await listSupervisionConfigs(deps.db)
  const configOf = (kind: string): SupervisionConfig => stored.get(kind) ?? defaultSupervisionConfig(kind)
  const nowIso = now.toISOString()
  const today = chinaDateOf(now.getTime())
  const counts = { warned: 0, overdue: 0, reportsMissing: 0, escalated: 0, notices: 0 }

  /** Claims an action and, when new, runs `act` in the same transaction. */
  const once = async (a: { key: string; item: SupervisedItem; action: 'warn' | 'overdue' | 'report_missing' | 'escalate'; step?: string; ref: string; dueAt: string | null }, act: (tx: Parameters<Parameters<AppDeps['db']['transaction']>[0]>[0]) => Promise<void>): Promise<boolean> =>
    deps.db.transaction(async (tx) => {
      const fresh = await claimAction(tx, { key: a.key, itemId: a.item.id, action: a.action, step: a.step ?? null, ref: a.ref, dueAt: a.dueAt, at: now })
      if (fresh) await act(tx)
      return fresh
    })

  for (const item of await listOpenItems(deps.db)) {
    const cfg = configOf(item.kind)
    const ref = { id: item.id, number: item.number, title: item.title, due: item.dueDate, lead: item.lead, responsible: item.responsible }
    const units = [...new Set([...item.lead, ...item.responsible])]

    if (item.dueDate && !dueClockIdle(item)) {
      const due = item.dueDate
      const dueAt = endOfDay(due)
      const startedAt = item.snapshot.clocks?.['due']?.startedAt ?? item.createdAt
      const snapshot = { kind: item.kind, kindVersion: 'supervision', state: '', counters: {}, data: { due }, clocks: { due: { startedAt, dueAt, stoppedAt: null } } }
      const status = clockStatus(dueClockKind(cfg), snapshot, nowIso, wcal)[0]?.status
      if (status === 'warning') {
        const left = cal.workingDaysBetween(today, due)
        if (await once({ key: `warn:${item.id}:${due}`, item, action: 'warn', ref: due, dueAt }, (tx) =>
          emitSupervisionEvent(tx, d, {
            id: `item.due_soon:${item.id}:${due}`, type: 'item.due_soon', itemId: item.id,
            title: `临期提醒：${item.title}`, body: `${item.number} 将于${due}到期（还剩${left}个工作日）。`,
            to: { units: item.lead.length > 0 ? item.lead : units }, data: { item: ref, workingDaysLeft: left },
          }))) counts.warned++
      }
      if (status === 'overdue') {
        if (await once({ key: `overdue:${item.id}:${due}`, item, action: 'overdue', ref: due, dueAt }, (tx) =>
          emitSupervisionEvent(tx, d, {
            id: `item.overdue:${item.id}:${due}`, type: 'item.overdue', itemId: item.id,
            title: `逾期：${item.title}`, body: `${item.number} 已超过完成时限${due}。`,
            to: { units, roles: ['supervisor'] }, data: { item: ref },
          }))) counts.overdue++
        for (const step of cfg.ladder) {
          const at = escalationAt(dueAt, step.afterDueWorkingDays, wcal)
          if (instantMs(nowIso) <= instantMs(at)) break
          const r = await escalate(d, wcal, cfg, item, step, due, at, units, ref, once)
          counts.escalated += r.raised ? 1 : 0
          counts.notices += r.notice ? 1 : 0
        }
      }
    }

    // The item's own cadence (from its plan: 每月上报…) wins over the kind's configured one.
    const cadence = isCadence(item.data['cadence']) ? item.data['cadence'] : cfg.reporting
    if (cadence.every !== 'none' && !dueClockIdle(item)) {
      const startedOn = localDate(item.snapshot.clocks?.['due']?.startedAt ?? item.createdAt)
      const expected = expectedReportDates(cadence, addCalendarDays(startedOn, 1), addCalendarDays(today, -1))
      const last = expected[expected.length - 1]
      if (last) {
        const prev = expected[expected.length - 2] ?? ''
        const times = (await reportTimes(deps.db, item.id)).filter((t) => localDate(t) > prev)
        if (countOnTimeReports([last], times) === 0) {
          if (await once({ key: `report:${item.id}:${last}`, item, action: 'report_missing', ref: last, dueAt: endOfDay(last) }, (tx) =>
            emitSupervisionEvent(tx, d, {
              id: `report.missing:${item.id}:${last}`, type: 'report.missing', itemId: item.id,
              title: `未按期报送进展：${item.title}`, body: `${item.number} 应于${last}前报送工作进展，至今未报。`,
              to: { units: item.lead.length > 0 ? item.lead : units, roles: ['supervisor'] }, data: { item: ref, expectedBy: last },
            }))) counts.reportsMissing++
        }
      }
    }
  }
  return counts
}

/** Raises one ladder step once: audit, notify, and for a notice step issue the 督办单. */
async function escalate(
  d: AppDeps,
  _wcal: WorkingCalendar,
  cfg: SupervisionConfig,
  item: SupervisedItem,
  step: LadderStep,
  due: string,
  at: string,
  units: readonly string[],
  ref: Record<string, unknown>,
  once: (a: { key: string; item: SupervisedItem; action: 'escalate'; step: string; ref: string; dueAt: string }, act: (tx: import('../../adapters/db/db.ts').Queryable) => Promise<void>) => Promise<boolean>,
): Promise<{ raised: boolean; notice: boolean }> {
  let notice = false
  const raised = await once({ key: `escalate:${item.id}:${due}:${step.name}`, item, action: 'escalate', step: step.name, ref: due, dueAt: at }, async (tx) => {
    await recordAudit(tx, d, null, { action: 'supervision.escalate', entity: 'item', entityId: item.id, after: { step: step.name, label: step.label, due, at } })
    await emitSupervisionEvent(tx, d, {
      id: `escalation.raised:${item.id}:${due}:${step.name}`, type: 'escalation.raised', itemId: item.id,
      title: `${step.label}：${item.title}`, body: `${item.number} 逾期（完成时限${due}），升级至「${step.label}」。`,
      to: { units, roles: ['supervisor', 'leader'] }, data: { item: ref, step: { name: step.name, label: step.label, afterDueWorkingDays: step.afterDueWorkingDays, at } },
    })
    if (step.action === 'notice' && units.length > 0) {
      await issueNoticeIn(tx, d, null, { itemId: item.id, reason: `逾期未办结（完成时限${due}），按督办规定发出督办单`, replyWorkingDays: cfg.noticeReplyWorkingDays, unitIds: units }, 'ladder')
      notice = true
    }
  })
  return { raised, notice }
}
