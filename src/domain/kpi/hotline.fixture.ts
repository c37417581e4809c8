/**
 * A hand-made set of 12345 tickets for the KPI formulas (hotline.formulas.test.ts, arithmetic written out there)
 * and for the SQL twin (test/e2e/tickets-kpi.test.ts loads the same tickets into a database).
 */
import type { HotlineEvent, TicketFacts } from './hotline.formulas.ts'

/** November 2026 in China time, assessed at its end. */
export const NOV = { from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' }
export const AS_OF = NOV.to
export const t = (mmddhhmm: string): string => `2026-${mmddhhmm.slice(0, 5)}T${mmddhhmm.slice(6)}:00+08:00`

export type Step = readonly [event: string, at: string, over?: { unit?: string; accept?: string; respond?: string; handle?: string; rating?: string; resolved?: boolean | null }]

/**
 * A ticket's hotline_event rows from a script. The lead unit and the clocks' dues carry forward from event
 * to event unless a step sets them (as the snapshot does); the handling clock runs after dispatch, reassign,
 * reopen, approve/refuse_extension and material_received, and stops or pauses after reply, withdraw,
 * request_extension and request_material.
 */
let seq = 0
export function ticket(itemId: string, steps: readonly Step[]): TicketFacts {
  let unit: string | null = null
  let accept: string | null = null
  let respond: string | null = null
  let handle: string | null = null
  let running = false
  const events: HotlineEvent[] = steps.map(([event, at, o = {}]) => {
    unit = o.unit ?? unit
    accept = o.accept ? t(o.accept) : accept
    respond = o.respond ? t(o.respond) : respond
    handle = o.handle ? t(o.handle) : handle
    if (['dispatch', 'reassign', 'reopen', 'approve_extension', 'refuse_extension', 'material_received'].includes(event)) running = true
    if (['reply', 'withdraw', 'request_extension', 'request_material'].includes(event)) running = false
    return {
      seq: ++seq, event, at: t(at), unitId: unit, acceptDueAt: accept, respondDueAt: respond, handleDueAt: handle, handleRunning: running,
      rating: o.rating ?? null, resolved: o.resolved ?? null,
    }
  })
  return { itemId, categoryCode: '01.01.01', placeUnitId: null, receivedAt: events[0]?.at ?? t('11-01 00:00'), events }
}

// Dues are written out as the clocks would have set them (2 working hours to accept, 24 to respond, 5 working
// days to handle); the formulas only compare instants, so what matters is which side of each due an event falls.
export const FIXTURE: TicketFacts[] = [
  // T1 A: accepted, contacted, replied on time; satisfied, resolved.
  ticket('T1', [
    ['dispatch', '11-03 09:00', { unit: 'A', accept: '11-03 11:00', respond: '11-04 09:00', handle: '11-10 18:00' }],
    ['accept', '11-03 10:00'],
    ['contact', '11-03 15:00'],
    ['reply', '11-09 10:00'],
    ['follow_up', '11-10 10:00', { rating: 'satisfied', resolved: true }],
    ['close', '11-10 11:00'],
  ]),
  // T2 A: accepted late; no contact, the reply answers the respond clock late; unsatisfied → reopened, replied late.
  ticket('T2', [
    ['dispatch', '11-05 09:00', { unit: 'A', accept: '11-05 11:00', respond: '11-06 09:00', handle: '11-12 18:00' }],
    ['accept', '11-05 12:00'],
    ['reply', '11-06 10:00'],
    ['follow_up', '11-07 10:00', { rating: 'unsatisfied', resolved: false }],
    ['reopen', '11-07 11:00', { handle: '11-14 18:00' }],
    ['reply', '11-16 10:00'],
    ['follow_up', '11-17 10:00', { rating: 'basically_satisfied', resolved: true }],
  ]),
  // T3 A → B: A returns within its accept limit; B accepts on time, contacts late, never replies (due 11-17).
  ticket('T3', [
    ['dispatch', '11-10 09:00', { unit: 'A', accept: '11-10 11:00', respond: '11-11 09:00', handle: '11-17 18:00' }],
    ['return', '11-10 10:00'],
    ['reassign', '11-10 14:00', { unit: 'B', accept: '11-10 16:00', respond: '11-11 14:00', handle: '11-17 18:00' }],
    ['accept', '11-10 15:00'],
    ['contact', '11-12 09:00'],
  ]),
  // T4 B: never accepted; every clock ran out in November.
  ticket('T4', [['dispatch', '11-20 09:00', { unit: 'B', accept: '11-20 11:00', respond: '11-21 09:00', handle: '11-27 18:00' }]]),
  // T5 B: dispatched in October, replied on time in November; followed up without asking whether it was solved.
  ticket('T5', [
    ['dispatch', '10-28 09:00', { unit: 'B', accept: '10-28 11:00', respond: '10-29 09:00', handle: '11-04 18:00' }],
    ['accept', '10-28 10:00'],
    ['contact', '10-28 11:00'],
    ['reply', '11-03 10:00'],
    ['follow_up', '11-04 10:00', { rating: 'satisfied', resolved: null }],
  ]),
  // T6 B: dispatched on the period's last afternoon; every due falls after asOf.
  ticket('T6', [['dispatch', '11-30 16:00', { unit: 'B', accept: '12-01 10:00', respond: '12-01 16:00', handle: '12-07 18:00' }]]),
  // T7 A: overdue since October, still open: not carried into November.
  ticket('T7', [
    ['dispatch', '10-20 09:00', { unit: 'A', accept: '10-20 11:00', respond: '10-21 09:00', handle: '10-27 18:00' }],
    ['accept', '10-20 10:00'],
  ]),
  // T8 A: an extension moves the handling due from 11-09 to 11-20 (the clock pauses while it waits); replied 11-19.
  ticket('T8', [
    ['dispatch', '11-02 09:00', { unit: 'A', accept: '11-02 11:00', respond: '11-03 09:00', handle: '11-09 18:00' }],
    ['accept', '11-02 10:00'],
    ['request_extension', '11-05 09:00'],
    ['approve_extension', '11-06 10:00', { handle: '11-20 18:00' }],
    ['reply', '11-19 10:00'],
  ]),
  // T9 B: waiting for the requester's material since 11-18 (clock paused) when its 11-23 due passes: not counted.
  ticket('T9', [
    ['dispatch', '11-16 09:00', { unit: 'B', accept: '11-16 11:00', respond: '11-17 09:00', handle: '11-23 18:00' }],
    ['accept', '11-16 10:00'],
    ['contact', '11-16 11:00'],
    ['request_material', '11-18 09:00'],
  ]),
  // T10 A: returned after its accept due; the centre refuses the return (a new accept run); accepted on time, contacted late.
  ticket('T10', [
    ['dispatch', '11-24 09:00', { unit: 'A', accept: '11-24 11:00', respond: '11-25 09:00', handle: '12-01 18:00' }],
    ['return', '11-24 14:00'],
    ['refuse_return', '11-24 16:00', { accept: '11-25 10:00' }],
    ['accept', '11-25 09:00'],
    ['contact', '11-25 09:30'],
  ]),
  // T11 A → B → A: returned twice within the accept limits, never accepted (a problem ticket).
  ticket('T11', [
    ['dispatch', '11-25 09:00', { unit: 'A', accept: '11-25 11:00', respond: '11-26 09:00', handle: '12-02 18:00' }],
    ['return', '11-25 10:00'],
    ['reassign', '11-25 11:00', { unit: 'B', accept: '11-25 13:00', respond: '11-26 11:00', handle: '12-02 18:00' }],
    ['return', '11-25 12:00'],
    ['reassign', '11-25 14:00', { unit: 'A', accept: '11-25 16:00', respond: '11-26 14:00', handle: '12-02 18:00' }],
  ]),
]

