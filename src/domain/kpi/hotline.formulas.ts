/**
 * 12345 KPIs (接诉即办考核指标): pure functions over the facts of tickets, per unit and half-open period
 * [from, to), as of an instant `asOf` (the period's end once it is over, else now). The definitions are
 * written out in docs/tickets.md ("12345 KPIs"); src/app/tickets/hotline-kpis.ts computes the same figures
 * set-based in SQL, and test/e2e/tickets-kpi.test.ts checks the two against each other and against hand
 * arithmetic. Every rate is a Rate (numerator, denominator, value null when the denominator is 0).
 *
 * A ticket's facts are its events in order, each with the lead unit and the clocks as they stood just after
 * it (table hotline_event, written by a trigger with each item_event). Events at or after `asOf` are not
 * looked at, so a finished period's figures never change.
 */
import { instantMs } from '../workflow/time.ts'
import type { Rate } from './kpi.formulas.ts'

/** One event of a ticket as the KPIs see it (a hotline_event row). */
export interface HotlineEvent {
  readonly seq: number
  readonly event: string
  readonly at: string
  /** The lead unit just after the event (for dispatch/reassign: the new unit). */
  readonly unitId: string | null
  readonly acceptDueAt: string | null
  readonly respondDueAt: string | null
  readonly handleDueAt: string | null
  /** The handling clock runs just after the event (started, not stopped, not paused). */
  readonly handleRunning: boolean
  readonly rating: string | null
  readonly resolved: boolean | null
}

/** One ticket's facts. */
export interface TicketFacts {
  readonly itemId: string
  readonly number?: string
  readonly categoryCode: string
  readonly placeUnitId: string | null
  readonly receivedAt: string
  /** In the order they happened (seq). */
  readonly events: readonly HotlineEvent[]
  /** The requester's own ratings (public page), one per reply round; none when absent. */
  readonly citizenRatings?: readonly CitizenRating[]
}

/** A requester's rating of one reply (ticket_citizen_rating). */
export interface CitizenRating {
  readonly rating: string
  /** The reply it rates. */
  readonly replyAt: string
  readonly ratedAt: string
  /** The unit holding the ticket when rated (the unit of its latest event before the rating). */
  readonly unitId: string | null
}

/** Which events start and end a clock run, from the ticket kind's clock declarations. */
export interface ClockEvents {
  readonly starts: readonly string[]
  readonly stops: readonly string[]
  /** The stops that are the unit doing what the clock asks (签收; 联系/答复); other ends only count when late. */
  readonly good: readonly string[]
}

/** The ticket kind's clocks (src/domain/kinds/ticket.kind.ts) as the KPIs read them. */
export interface HotlineClocks {
  readonly accept: ClockEvents
  readonly respond: ClockEvents
  readonly handle: ClockEvents
}

/** Default clock events, as ticket.kind.ts declares them (hotline-kpis.ts reads them from the kind). */
export const TICKET_CLOCKS: HotlineClocks = {
  accept: { starts: ['dispatch', 'reassign', 'refuse_return'], stops: ['accept', 'return', 'withdraw'], good: ['accept'] },
  respond: { starts: ['dispatch', 'reassign'], stops: ['contact', 'reply', 'withdraw'], good: ['contact', 'reply'] },
  handle: { starts: ['dispatch', 'reassign', 'reopen'], stops: ['reply', 'withdraw'], good: ['reply'] },
}

/** Events that send a ticket to a unit (派单 / 改派). */
export const DISPATCH_EVENTS: readonly string[] = ['dispatch', 'reassign']

/** A period (考核周期), half-open [from, to). */
export interface HotlinePeriod {
  readonly from: string
  readonly to: string
}

/** One unit's 12345 KPIs for a period. */
export interface HotlineUnitKpis {
  readonly unitId: string
  /** Tickets dispatched (派单 or 改派) to the unit in the period, each ticket once. */
  readonly volume: number
  /** Dispatch and reassign events to the unit in the period. */
  readonly dispatches: number
  readonly returns: number
  readonly replies: number
  readonly followUps: number
  readonly reopens: number
  /** 按时签收率 */
  readonly onTimeAcceptance: Rate
  /** 响应率 */
  readonly response: Rate
  /** 按时办结率 */
  readonly onTimeCompletion: Rate
  /** 解决率 */
  readonly resolution: Rate
  /** 满意率 */
  readonly satisfaction: Rate
  /**
   * 发回重办率: 重办 ÷ 答复 — of the replies given, the share sent back to be handled again. Every 重办 follows a
   * reply (the centre's after a 回访, the requester's own 申请重办 inside the 回访 window, a supervisor's after 办结),
   * so the rate stays within 100%; ÷ 回访 passed it once requesters could ask for 重办 without a 回访.
   */
  readonly reopenRate: Rate
  /** 回退率 */
  readonly returnRate: Rate
}

export const rateOf = (numerator: number, denominator: number): Rate => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator })

const ms = (s: string): number => instantMs(s)

/** A counting cell per unit. */
class Tally {
  n = 0
  d = 0
  add(counted: boolean, good: boolean): void {
    if (!counted) return
    this.d++
    if (good) this.n++
  }
  get rate(): Rate {
    return rateOf(this.n, this.d)
  }
}

interface Acc {
  tickets: Set<string>
  dispatches: number
  returns: number
  replies: number
  followUps: number
  reopens: number
  accept: Tally
  respond: Tally
  handle: Tally
  resolution: Tally
  satisfaction: Tally
}

const newAcc = (): Acc => ({ tickets: new Set(), dispatches: 0, returns: 0, replies: 0, followUps: 0, reopens: 0, accept: new Tally(), respond: new Tally(), handle: new Tally(), resolution: new Tally(), satisfaction: new Tally() })

/**
 * The outcome of a clock run started by `events[i]` (派单 → 签收, 派单 → 联系): the first later event, before
 * `asOf`, that stops or restarts the clock. Counted when the unit did what the clock asks (a good stop),
 * when it ended otherwise after its due, or when it had not ended by `asOf` and its due had passed;
 * on time when the good stop came at or before the due.
 */
export function clockRunOutcome(events: readonly HotlineEvent[], i: number, due: string | null, clock: ClockEvents, asOf: string): { counted: boolean; onTime: boolean } {
  const end = events.slice(i + 1).find((e) => ms(e.at) < ms(asOf) && (clock.stops.includes(e.event) || clock.starts.includes(e.event)))
  if (end && clock.good.includes(end.event)) {
    const onTime = due === null || ms(end.at) <= ms(due)
    return { counted: true, onTime }
  }
  if (end) return { counted: due !== null && ms(end.at) > ms(due), onTime: false }
  return { counted: due !== null && ms(due) < ms(asOf), onTime: false }
}

/**
 * Whether the 回访 at index i is the ticket's latest as of asOf (no later 回访 before asOf): 满意率 and 解决率 count each
 * ticket once, by its latest round's 回访 (重办 sends a ticket round again, and its next 回访 replaces the earlier one's
 * rating). A 回访 superseded only after asOf still counts, so a finished period's figures never change.
 */
export function latestFollowUp(events: readonly HotlineEvent[], i: number, asOf: string): boolean {
  const cut = ms(asOf)
  return !events.slice(i + 1).some((f) => f.event === 'follow_up' && ms(f.at) < cut)
}

/** Every unit's 12345 KPIs for the period (units in order of first appearance). See docs/tickets.md. */
export function hotlineUnitKpis(tickets: readonly TicketFacts[], period: HotlinePeriod, asOf: string, clocks: HotlineClocks = TICKET_CLOCKS): HotlineUnitKpis[] {
  const from = ms(period.from)
  const to = ms(period.to)
  const cut = ms(asOf)
  const inPeriod = (at: string): boolean => ms(at) >= from && ms(at) < to && ms(at) < cut
  const units = new Map<string, Acc>()
  const acc = (unitId: string | null): Acc | null => {
    if (!unitId) return null
    let a = units.get(unitId)
    if (!a) units.set(unitId, (a = newAcc()))
    return a
  }
  for (const t of tickets) {
    const events = [...t.events].sort((a, b) => a.seq - b.seq)
    const ratings = t.citizenRatings ?? []
    events.forEach((e, i) => {
      if (!inPeriod(e.at)) return
      const a = acc(e.unitId)
      if (!a) return
      if (DISPATCH_EVENTS.includes(e.event)) {
        a.tickets.add(t.itemId)
        a.dispatches++
      }
      if (e.event === 'return') a.returns++
      if (e.event === 'reopen') a.reopens++
      if (clocks.accept.starts.includes(e.event)) {
        const o = clockRunOutcome(events, i, e.acceptDueAt, clocks.accept, asOf)
        a.accept.add(o.counted, o.onTime)
      }
      if (clocks.respond.starts.includes(e.event)) {
        const o = clockRunOutcome(events, i, e.respondDueAt, clocks.respond, asOf)
        a.respond.add(o.counted, o.onTime)
      }
      if (clocks.handle.good.includes(e.event)) {
        a.replies++
        a.handle.add(true, e.handleDueAt === null || ms(e.at) <= ms(e.handleDueAt))
      }
      if (e.event === 'follow_up') {
        a.followUps++
        // One rating per ticket: a 回访 followed by another (after 重办) before asOf no longer counts (latestFollowUp);
        // for 满意率, neither does one whose ticket the requester rated again on a later reply before asOf.
        if (latestFollowUp(events, i, asOf)) {
          const replaced = ratings.some((c) => ms(c.replyAt) > ms(e.at) && ms(c.ratedAt) < cut)
          a.satisfaction.add(e.rating !== null && !replaced, e.rating === 'satisfied' || e.rating === 'basically_satisfied')
          a.resolution.add(e.resolved !== null, e.resolved === true)
        }
      }
    })
    // The requester's own rating is the ticket's 满意率 vote while it is their latest before asOf and no 回访 of the
    // same reply or a later one came before asOf (the 回访 wins within a round).
    for (const c of ratings) {
      if (!inPeriod(c.ratedAt)) continue
      const later = ratings.some((l) => ms(l.ratedAt) > ms(c.ratedAt) && ms(l.ratedAt) < cut)
      const followedUp = events.some((f) => f.event === 'follow_up' && ms(f.at) >= ms(c.replyAt) && ms(f.at) < cut)
      if (!later && !followedUp) acc(c.unitId)?.satisfaction.add(true, c.rating === 'satisfied' || c.rating === 'basically_satisfied')
    }
    // Still being handled at asOf (the last event before asOf left the handling clock running) with its due
    // in the period and passed: counts against the unit that holds it, as not on time.
    const last = events.filter((e) => ms(e.at) < cut).at(-1)
    if (last && last.handleRunning && last.handleDueAt && ms(last.handleDueAt) >= from && ms(last.handleDueAt) < to && ms(last.handleDueAt) < cut) {
      acc(last.unitId)?.handle.add(true, false)
    }
  }
  return [...units].map(([unitId, a]) => ({
    unitId,
    volume: a.tickets.size,
    dispatches: a.dispatches,
    returns: a.returns,
    replies: a.replies,
    followUps: a.followUps,
    reopens: a.reopens,
    onTimeAcceptance: a.accept.rate,
    response: a.respond.rate,
    onTimeCompletion: a.handle.rate,
    resolution: a.resolution.rate,
    satisfaction: a.satisfaction.rate,
    reopenRate: rateOf(a.reopens, a.replies),
    returnRate: rateOf(a.returns, a.dispatches),
  }))
}

/** Sums units' KPIs into a total row (rates from summed numerators and denominators; volume from the distinct tickets given). */
export function totalKpis(rows: readonly HotlineUnitKpis[], volume: number): Omit<HotlineUnitKpis, 'unitId'> {
  const sum = (f: (r: HotlineUnitKpis) => number): number => rows.reduce((n, r) => n + f(r), 0)
  const rate = (f: (r: HotlineUnitKpis) => Rate): Rate => rateOf(sum((r) => f(r).numerator), sum((r) => f(r).denominator))
  return {
    volume,
    dispatches: sum((r) => r.dispatches),
    returns: sum((r) => r.returns),
    replies: sum((r) => r.replies),
    followUps: sum((r) => r.followUps),
    reopens: sum((r) => r.reopens),
    onTimeAcceptance: rate((r) => r.onTimeAcceptance),
    response: rate((r) => r.response),
    onTimeCompletion: rate((r) => r.onTimeCompletion),
    resolution: rate((r) => r.resolution),
    satisfaction: rate((r) => r.satisfaction),
    reopenRate: rate((r) => r.reopenRate),
    returnRate: rate((r) => r.returnRate),
  }
}

/** A hot topic (热点): a category or place with its count in the period and in the previous equal period. */
export interface HotTopic {
  readonly key: string
  readonly count: number
  readonly previous: number
  /** count − previous */
  readonly rise: number
  /** (count − previous) ÷ previous; null when previous is 0. */
  readonly riseRate: number | null
}

/**
 * 热点诉求: keys by count in the period (most first; ties by larger rise, then key), with the rise against the
 * previous period of equal length [from − (to − from), from). Keys counted only in the previous period are left out.
 */
export function hotTopics(current: ReadonlyMap<string, number>, previous: ReadonlyMap<string, number>, limit = 10): HotTopic[] {
  return [...current]
    .filter(([, count]) => count > 0)
    .map(([key, count]) => {
      const prev = previous.get(key) ?? 0
      return { key, count, previous: prev, rise: count - prev, riseRate: prev === 0 ? null : (count - prev) / prev }
    })
    .sort((a, b) => b.count - a.count || b.rise - a.rise || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit)
}

/** The previous period of equal length (环比). */
export function previousPeriod(p: HotlinePeriod): HotlinePeriod {
  const len = ms(p.to) - ms(p.from)
  return { from: new Date(ms(p.from) - len).toISOString(), to: new Date(ms(p.from)).toISOString() }
}

/** Thresholds of a problem ticket (问题工单). */
export const PROBLEM_REOPENS = 3
export const PROBLEM_REASSIGNMENTS = 2

/** Why a ticket is a problem ticket, as of its events before `asOf` (all of them when omitted), or null. */
export function problemReason(events: readonly HotlineEvent[], asOf?: string): { reason: 'reopened' | 'passed_around'; reopens: number; reassignments: number } | null {
  const seen = asOf === undefined ? events : events.filter((e) => ms(e.at) < ms(asOf))
  const reopens = seen.filter((e) => e.event === 'reopen').length
  const reassignments = seen.filter((e) => e.event === 'reassign').length
  const accepted = seen.some((e) => e.event === 'accept')
  if (reopens >= PROBLEM_REOPENS) return { reason: 'reopened', reopens, reassignments }
  if (reassignments >= PROBLEM_REASSIGNMENTS && !accepted) return { reason: 'passed_around', reopens, reassignments }
  return null
}
