/**
 * Demo step (演示数据): a few hundred 12345 tickets over the last ~90 days of the demo clock, played through
 * the use-cases (receiveTicket, takeEvent, the public withdraw and rating) by the demo's operators,
 * liaisons and supervisor, so the desk, the ticket lists, the KPIs and the public lookup have something to
 * show in every state: received, dispatched, accepted, return requested, extension requested, 补充材料,
 * replied, followed up, closed (satisfied / unsatisfied / after a reopen), withdrawn, answered directly.
 *
 * Deterministic: the texts come from demo/hotline/requests.json and every choice from a seeded PRNG; only
 * the instants move with the demo clock. Runs once: skipped when any ticket exists.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findUserForLogin, type UserRow } from '../../persistence/users.repo.ts'
import { addWorkingHours, type Calendar } from '../../domain/calendar/index.ts'
import { actorOf } from '../auth/session.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { calendarFor, chinaDate } from '../items/item-engine.ts'
import { takeEvent } from '../items/take-event.ts'
import { dispatchTarget } from '../tickets/dispatch-rules.ts'
import { rateTicket, withdrawTicket } from '../tickets/public-tickets.ts'
import { receiveTicket } from '../tickets/receive-ticket.ts'
import { ticketActor } from '../tickets/ticket-queries.ts'

/** How many tickets the demo seeds. */
export const DEMO_TICKET_COUNT = 300
/** How far back the first ticket lies, in days before the demo clock. */
export const DEMO_TICKET_DAYS = 90

interface RequestTemplate {
  readonly categoryCode: string
  readonly requestType: 'consultation' | 'help' | 'complaint' | 'report' | 'suggestion' | 'praise'
  readonly urgency: 'urgent' | 'pressing' | 'normal'
  readonly where: 'urban' | 'rural' | 'any'
  readonly content: string
  readonly reply: string
}

interface RequestsFile {
  readonly surnames: readonly string[]
  readonly givenNames: readonly string[]
  readonly addresses: Readonly<Record<string, readonly string[]>>
  readonly urbanPlaces: readonly string[]
  readonly ruralPlaces: readonly string[]
  readonly returnReasons: readonly string[]
  readonly extensionReasons: readonly string[]
  readonly contactNotes: readonly string[]
  readonly directAnswers: readonly string[]
  readonly unsatisfiedComments: readonly string[]
  readonly requests: readonly RequestTemplate[]
}

type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied'

/** One step of a ticket's script. */
type Step =
  | 'dispatch'
  | 'accept'
  | 'contact'
  | 'return'
  | 'reassign'
  | 'refuse_return'
  | 'request_extension'
  | 'approve_extension'
  | 'refuse_extension'
  | 'request_material'
  | 'material_received'
  | 'reply'
  | `follow_up:${Rating}`
  | 'close'
  | 'reopen'
  | 'supervise'
  | 'withdraw'
  | 'answer'
  | 'rate'

/** Where a ticket ends, with its script and how old such a ticket is (days). */
const OUTCOMES: Readonly<Record<string, { steps: readonly Step[]; age: readonly [number, number]; weight: number }>> = {
  received: { steps: [], age: [0.005, 0.06], weight: 2 },
  dispatched: { steps: ['dispatch'], age: [0.01, 0.12], weight: 4 },
  accepted: { steps: ['dispatch', 'accept', 'contact'], age: [0.3, 5], weight: 8 },
  overdue: { steps: ['dispatch', 'accept', 'contact', 'supervise'], age: [12, 40], weight: 3 },
  return_requested: { steps: ['dispatch', 'return'], age: [0.1, 1], weight: 2 },
  reassigned: { steps: ['dispatch', 'return', 'reassign', 'accept', 'contact', 'reply', 'follow_up:satisfied', 'close'], age: [8, 80], weight: 3 },
  refused_return: { steps: ['dispatch', 'return', 'refuse_return', 'accept', 'contact', 'reply', 'follow_up:basically_satisfied', 'close'], age: [8, 80], weight: 2 },
  extension_requested: { steps: ['dispatch', 'accept', 'contact', 'request_extension'], age: [3, 9], weight: 2 },
  extension_approved: { steps: ['dispatch', 'accept', 'contact', 'request_extension', 'approve_extension', 'reply', 'follow_up:satisfied', 'close'], age: [25, 85], weight: 2 },
  extension_refused: { steps: ['dispatch', 'accept', 'contact', 'request_extension', 'refuse_extension', 'reply', 'follow_up:basically_satisfied', 'close'], age: [20, 85], weight: 1 },
  material_requested: { steps: ['dispatch', 'accept', 'contact', 'request_material'], age: [1, 6], weight: 1 },
  material_done: { steps: ['dispatch', 'accept', 'contact', 'request_material', 'material_received', 'reply', 'follow_up:satisfied', 'close'], age: [15, 85], weight: 1 },
  replied: { steps: ['dispatch', 'accept', 'contact', 'reply'], age: [0.5, 3], weight: 4 },
  followed_up: { steps: ['dispatch', 'accept', 'contact', 'reply', 'follow_up:satisfied'], age: [1, 4], weight: 2 },
  closed_satisfied: { steps: ['dispatch', 'accept', 'contact', 'reply', 'follow_up:satisfied', 'close', 'rate'], age: [3, 90], weight: 30 },
  closed_basic: { steps: ['dispatch', 'accept', 'contact', 'reply', 'follow_up:basically_satisfied', 'close'], age: [3, 90], weight: 12 },
  closed_unsatisfied: { steps: ['dispatch', 'accept', 'contact', 'reply', 'follow_up:unsatisfied', 'close', 'rate'], age: [3, 90], weight: 5 },
  reopened: { steps: ['dispatch', 'accept', 'contact', 'reply', 'follow_up:unsatisfied', 'reopen', 'contact'], age: [6, 14], weight: 2 },
  reopened_closed: { steps: ['dispatch', 'accept', 'contact', 'reply', 'follow_up:unsatisfied', 'reopen', 'reply', 'follow_up:satisfied', 'close'], age: [15, 90], weight: 4 },
  withdrawn: { steps: ['withdraw'], age: [1, 80], weight: 2 },
  withdrawn_dispatched: { steps: ['dispatch', 'withdraw'], age: [1, 80], weight: 1 },
  answered: { steps: ['answer'], age: [0.1, 90], weight: 10 },
}

/** mulberry32: a small seeded PRNG, so the demo is the same on every fresh start. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Rough centres of the demo districts, for the map. */
const DISTRICT_CENTRES: Readonly<Record<string, readonly [number, number]>> = { ql: [30.593, 114.305], bh: [30.552, 114.382], sq: [30.748, 114.102] }

interface Planned {
  readonly index: number
  readonly template: RequestTemplate
  readonly outcome: string
  readonly steps: readonly Step[]
  readonly channel: 'phone' | 'web' | 'api' | 'open311'
  readonly placeUnitId: string
  readonly address: string
  readonly content: string
  readonly requesterName: string | null
  readonly requesterPhone: string
  readonly anonymous: boolean
  readonly lat: number
  readonly lng: number
  readonly lead: string | null
  readonly receivedAt: Date
  /** Instant of each step (same length as steps). */
  readonly at: Date[]
  readonly pick: () => number
}

/** Hours of the handling limit, roughly, to time the reply. */
function handleHours(template: RequestTemplate, limits: Readonly<Record<string, { unit: string; amount: number }>>): number {
  const tier = template.requestType === 'consultation' ? 'consultation' : template.urgency
  const l = limits[tier] ?? { unit: 'working_days', amount: 7 }
  return l.unit === 'working_hours' ? l.amount : l.unit === 'working_days' ? l.amount * 8 : l.amount * 6
}

/** Plays the demo tickets; returns the `demo:` line, or null when tickets exist already. */
export async function seedHotlineTickets(deps: AppDeps, dir: string, count = DEMO_TICKET_COUNT): Promise<string | null> {
  const existing = await deps.db.query(`SELECT 1 FROM item WHERE kind = 'ticket' LIMIT 1`)
  if (existing.rows.length > 0) return null
  const file = JSON.parse(await readFile(join(dir, 'hotline', 'requests.json'), 'utf8')) as RequestsFile
  const now = deps.clock.now()
  const { calendar } = await calendarFor(deps.db)

  const operators: Actor[] = []
  for (const name of ['hotline', 'hotline2']) {
    const u = await findUserForLogin(deps.db, name)
    if (u && u.role === 'operator') operators.push(ticketActor(await actorOf(deps, u)))
  }
  const supervisorUser = await findUserForLogin(deps.db, 'supervisor')
  if (operators.length === 0 || !supervisorUser) return 'demo: no 12345 tickets seeded (the hotline operator or the supervisor is missing)'
  const supervisor = await actorOf(deps, supervisorUser)
  const liaisonCache = new Map<string, Actor | null>()
  const liaisonOf = async (unitId: string): Promise<Actor | null> => {
    if (!liaisonCache.has(unitId)) {
      const { rows } = await deps.db.query<UserRow>(
        `SELECT id, username, display_name AS "displayName", role, unit_id AS "unitId", active FROM app_user
          WHERE unit_id = $1 AND role = 'unit_liaison' AND active ORDER BY username LIMIT 1`,
        [unitId],
      )
      liaisonCache.set(unitId, rows[0] ? await actorOf(deps, rows[0]) : null)
    }
    return liaisonCache.get(unitId) ?? null
  }
  const units = (await deps.db.query<{ id: string; name: string; parentId: string | null; level: string; function: string | null }>(
    `SELECT id, name, parent_id AS "parentId", level, function FROM unit WHERE active ORDER BY id`,
  )).rows
  const unitById = new Map(units.map((u) => [u.id, u]))
  const limitsByCode = new Map<string, Record<string, { unit: string; amount: number }>>()
  const catRows = await deps.db.query<{ code: string; parent: string | null; limits: Record<string, { unit: string; amount: number }> | null }>(
    `SELECT code, parent_code AS parent, time_limits AS limits FROM service_category WHERE active`,
  )
  const byCode = new Map(catRows.rows.map((r) => [r.code, r]))
  for (const r of catRows.rows) {
    const merged: Record<string, { unit: string; amount: number }> = {}
    for (let c: typeof r | undefined = r; c; c = c.parent ? byCode.get(c.parent) : undefined) for (const [k, v] of Object.entries(c.limits ?? {})) merged[k] ??= v
    limitsByCode.set(r.code, merged)
  }

  const rand = prng(20261201)
  const pickOf = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const between = (a: number, b: number): number => a + (b - a) * rand()
  const outcomeNames = Object.keys(OUTCOMES)
  const totalWeight = outcomeNames.reduce((s, k) => s + (OUTCOMES[k]?.weight ?? 0), 0)
  const drawOutcome = (): string => {
    let x = rand() * totalWeight
    for (const k of outcomeNames) {
      x -= OUTCOMES[k]?.weight ?? 0
      if (x < 0) return k
    }
    return 'closed_satisfied'
  }
  const townshipName = (placeId: string): string => {
    const chain: string[] = []
    for (let u = unitById.get(placeId); u && u.level !== 'city'; u = u.parentId ? unitById.get(u.parentId) : undefined) chain.unshift(u.name)
    return chain.join('')
  }
  const districtOf = (placeId: string): string => {
    for (let u = unitById.get(placeId); u; u = u.parentId ? unitById.get(u.parentId) : undefined) if (u.level === 'district') return u.id
    return 'ql'
  }
  const working = (from: Date, hours: number): Date => new Date(addWorkingHours(calendar as Calendar, from.toISOString(), hours))
  const consultationTemplates = file.requests.filter((t) => t.requestType === 'consultation')

  // Plan every ticket: the first ones walk through every outcome once, the rest are drawn by weight.
  const planned: Planned[] = []
  for (let i = 0; i < count; i++) {
    let outcome = i < outcomeNames.length ? (outcomeNames[i] as string) : drawOutcome()
    // Templates: first every one in order, then drawn; 咨询 mostly answered on the call.
    let template = i < file.requests.length ? (file.requests[(i * 7) % file.requests.length] as RequestTemplate) : pickOf(file.requests)
    if (outcome === 'answered' && template.requestType !== 'consultation') template = pickOf(consultationTemplates)
    else if (outcome !== 'answered' && template.requestType === 'consultation' && rand() < 0.6) outcome = 'answered'
    if (template.requestType === 'praise' && !outcome.startsWith('closed')) outcome = 'closed_satisfied'
    const places = template.where === 'urban' ? file.urbanPlaces : template.where === 'rural' ? file.ruralPlaces : [...file.urbanPlaces, ...file.ruralPlaces]
    const placeUnitId = pickOf(places)
    let lead: string | null = null
    if (outcome !== 'answered') {
      const target = await dispatchTarget(deps.db, { categoryCode: template.categoryCode, placeUnitId })
      lead = target?.unitId ?? null
      if (!lead || !(await liaisonOf(lead))) {
        // No rule or no one to act: a 咨询 is answered on the call, anything else waits at the desk.
        outcome = template.requestType === 'consultation' ? 'answered' : 'received'
        lead = null
      }
    }
    const spec = OUTCOMES[outcome] as (typeof OUTCOMES)[string]
    const street = pickOf(file.addresses[placeUnitId] ?? [''])
    const placeName = unitById.get(placeUnitId)?.name ?? ''
    // 云州市 + 区 + 街道 (+ 社区) + the street, without saying the place twice.
    const address = `云州市${townshipName(placeUnitId)}${placeName && street.startsWith(placeName) ? street.slice(placeName.length) : street}`
    const content = template.content.replaceAll('{addr}', street).replaceAll('{place}', placeName)
    const channel = outcome === 'received' ? 'web' : ((): Planned['channel'] => {
      const x = rand()
      return x < 0.74 ? 'phone' : x < 0.93 ? 'web' : x < 0.97 ? 'open311' : 'api'
    })()
    const anonymous = rand() < 0.08
    const name = `${pickOf(file.surnames)}${pickOf(file.givenNames)}`
    const phone = `1${pickOf(['3', '5', '7', '8', '9'])}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`
    const [clat, clng] = DISTRICT_CENTRES[districtOf(placeUnitId)] ?? [30.6, 114.3]
    const lat = Math.round((clat + between(-0.02, 0.02)) * 1e6) / 1e6
    const lng = Math.round((clng + between(-0.02, 0.02)) * 1e6) / 1e6
    const hours = handleHours(template, limitsByCode.get(template.categoryCode) ?? {})
    const ticketRand = prng(1000 + i)

    // Time the steps from an instant of reception; older when the script would run past the demo clock.
    let age = between(spec.age[0], spec.age[1])
    let receivedAt = new Date(0)
    let at: Date[] = []
    for (let attempt = 0; attempt < 6; attempt++, age = Math.min(age * 1.6 + 1, DEMO_TICKET_DAYS)) {
      receivedAt = new Date(now.getTime() - age * DAY)
      // Calls come in between 07:00 and 22:00 北京时间; the web form any time.
      const hourCn = (receivedAt.getUTCHours() + 8) % 24
      if (channel === 'phone' && (hourCn < 7 || hourCn >= 22)) receivedAt = new Date(receivedAt.getTime() + ((31 - hourCn) % 24) * HOUR)
      if (receivedAt.getTime() > now.getTime() - 5 * 60_000) receivedAt = new Date(now.getTime() - between(10, 60) * 60_000)
      const r = prng(2000 + i * 31 + attempt)
      const span = (a: number, b: number): number => a + (b - a) * r()
      at = []
      let t = receivedAt
      for (const step of spec.steps) {
        const urgent = template.urgency === 'urgent' && template.requestType !== 'consultation'
        switch (step) {
          case 'dispatch':
            t = channel === 'phone' ? t : new Date(t.getTime() + span(12, 110) * 60_000)
            break
          case 'accept':
            t = working(t, urgent ? span(0.05, 0.4) : r() < 0.12 ? span(2.2, 6) : span(0.1, 1.6))
            break
          case 'contact':
            t = working(t, urgent ? span(0.1, 0.8) : span(0.3, 5))
            break
          case 'return':
            t = working(t, span(0.3, 1.8))
            break
          case 'reassign':
          case 'refuse_return':
          case 'reopen':
            t = new Date(t.getTime() + span(20, 150) * 60_000)
            break
          case 'request_extension':
            t = working(t, hours * span(0.5, 0.8))
            break
          case 'approve_extension':
          case 'refuse_extension':
            t = working(t, span(1, 6))
            break
          case 'request_material':
            t = working(t, span(2, 10))
            break
          case 'material_received':
            t = working(t, span(6, 24))
            break
          case 'reply':
            t = working(t, hours * (r() < 0.15 ? span(1.05, 1.5) : span(0.25, 0.9)))
            break
          case 'close':
            t = new Date(t.getTime() + span(5, 90) * 60_000)
            break
          case 'supervise':
            t = working(t, hours * 1.3 + 4)
            break
          case 'withdraw':
            t = new Date(t.getTime() + span(20, 240) * 60_000)
            break
          case 'answer':
            t = new Date(t.getTime() + span(3, 12) * 60_000)
            break
          case 'rate':
            t = new Date(t.getTime() + span(1, 40) * HOUR)
            break
          default:
            // follow_up:*: the centre calls back within two working days.
            t = working(t, span(1, 14))
        }
        at.push(t)
      }
      if (at.length === 0 || (at[at.length - 1] as Date).getTime() < now.getTime() - 60_000) break
    }
    // Whatever still lies in the future is dropped: the ticket stays where the demo clock finds it.
    const keep = at.filter((x) => x.getTime() < now.getTime() - 60_000).length
    planned.push({
      index: i,
      template,
      outcome,
      steps: spec.steps.slice(0, keep),
      channel,
      placeUnitId,
      address,
      content,
      requesterName: anonymous ? null : name,
      requesterPhone: phone,
      anonymous,
      lat,
      lng,
      lead,
      receivedAt,
      at: at.slice(0, keep),
      pick: ticketRand,
    })
  }

  // Play every ticket's steps in the order of time across all tickets, so history, notifications and the
  // audit log run forward as they would have.
  type Action = { at: Date; ticket: Planned; step: Step | 'receive'; n: number }
  const actions: Action[] = []
  for (const p of planned) {
    actions.push({ at: p.receivedAt, ticket: p, step: 'receive', n: -1 })
    p.steps.forEach((step, n) => actions.push({ at: p.at[n] as Date, ticket: p, step, n }))
  }
  actions.sort((a, b) => a.at.getTime() - b.at.getTime() || a.ticket.index - b.ticket.index || a.n - b.n)

  const state = new Map<number, { id: string; number: string; lead: string | null; broken: boolean; dispatchedAtIntake: boolean }>()
  const failures: string[] = []
  let events = 0
  for (const a of actions) {
    const p = a.ticket
    const s = state.get(p.index)
    if (a.step !== 'receive' && (!s || s.broken)) continue
    const d: AppDeps = { ...deps, clock: { now: () => a.at } }
    const operator = operators[p.index % operators.length] as Actor
    const pick = <T>(list: readonly T[]): T => list[Math.floor(p.pick() * list.length)] as T
    try {
      if (a.step === 'receive') {
        const dispatchNow = p.channel === 'phone' && p.steps[0] === 'dispatch' && p.lead !== null
        const view = await receiveTicket(
          d,
          p.channel === 'phone' ? operator : null,
          {
            requestType: p.template.requestType,
            categoryCode: p.template.categoryCode,
            urgency: p.template.urgency,
            anonymous: p.anonymous,
            requesterName: p.requesterName,
            requesterPhone: p.requesterPhone,
            address: p.address,
            lat: p.lat,
            lng: p.lng,
            placeUnitId: p.placeUnitId,
            content: p.content,
            ...(dispatchNow ? { dispatch: { lead: p.lead as string } } : {}),
          },
          p.channel,
        )
        state.set(p.index, { id: view.id, number: view.number, lead: dispatchNow ? p.lead : null, broken: false, dispatchedAtIntake: dispatchNow })
        events++
        continue
      }
      const t = s as NonNullable<typeof s>
      const liaison = async (): Promise<Actor> => {
        const l = t.lead ? await liaisonOf(t.lead) : null
        if (!l) throw new Error(`no liaison for ${t.lead}`)
        return l
      }
      const step = a.step
      if (step === 'dispatch') {
        if (t.dispatchedAtIntake) continue
        await takeEvent(d, operator, t.id, { event: 'dispatch', payload: { lead: p.lead } })
        t.lead = p.lead
      } else if (step === 'accept') {
        await takeEvent(d, await liaison(), t.id, { event: 'accept' })
      } else if (step === 'contact') {
        await takeEvent(d, await liaison(), t.id, { event: 'contact', payload: { text: pick(file.contactNotes) } })
      } else if (step === 'return') {
        await takeEvent(d, await liaison(), t.id, { event: 'return', payload: { reason: pick(file.returnReasons) } })
      } else if (step === 'reassign') {
        const lead = unitById.get(t.lead ?? '')
        // 不在管辖范围: the same function's unit of another district; a city department's return is refused.
        const others = units.filter(
          (u) => u.id !== lead?.id && u.function !== null && u.function === lead?.function && unitById.get(u.parentId ?? '')?.level === 'district' && unitById.get(lead?.parentId ?? '')?.level === 'district',
        )
        const candidates: string[] = []
        for (const o of others) if (await liaisonOf(o.id)) candidates.push(o.id)
        if (candidates.length === 0) {
          await takeEvent(d, operator, t.id, { event: 'refuse_return', payload: { reason: '经核实属于你单位职责范围，请按职责办理。' } })
        } else {
          const next = pick(candidates)
          await takeEvent(d, operator, t.id, { event: 'reassign', payload: { lead: next } })
          t.lead = next
        }
      } else if (step === 'refuse_return') {
        await takeEvent(d, operator, t.id, { event: 'refuse_return', payload: { reason: '经核实属于你单位职责范围，请按职责办理。' } })
      } else if (step === 'request_extension') {
        const { rows } = await deps.db.query<{ snapshot: { clocks?: Record<string, { dueAt?: string | null }> } }>('SELECT snapshot FROM item WHERE id = $1', [t.id])
        const due = rows[0]?.snapshot.clocks?.['handle']?.dueAt
        const base = due ? chinaDate(new Date(due)) : chinaDate(a.at)
        const newDue = (calendar as Calendar).addWorkingDays(base, 5 + Math.floor(p.pick() * 6))
        await takeEvent(d, await liaison(), t.id, { event: 'request_extension', payload: { reason: pick(file.extensionReasons), newDue } })
      } else if (step === 'approve_extension') {
        await takeEvent(d, operator, t.id, { event: 'approve_extension' })
      } else if (step === 'refuse_extension') {
        await takeEvent(d, operator, t.id, { event: 'refuse_extension', payload: { reason: '该诉求不属于需要延期的情形，请按原时限办结。' } })
      } else if (step === 'request_material') {
        await takeEvent(d, await liaison(), t.id, { event: 'request_material', payload: { text: '请诉求人补充现场照片和具体门牌号，便于核实。' } })
      } else if (step === 'material_received') {
        await takeEvent(d, operator, t.id, { event: 'material_received', payload: { text: '诉求人已补充现场照片和门牌号。' } })
      } else if (step === 'reply') {
        await takeEvent(d, await liaison(), t.id, { event: 'reply', payload: { text: p.template.reply } })
      } else if (step.startsWith('follow_up:')) {
        const rating = step.slice('follow_up:'.length) as Rating
        const resolved = rating === 'satisfied' || (rating === 'basically_satisfied' && p.pick() < 0.75)
        const payload: Record<string, unknown> = { rating, resolved }
        if (rating === 'unsatisfied') payload['comment'] = pick(file.unsatisfiedComments)
        await takeEvent(d, operator, t.id, { event: 'follow_up', payload })
      } else if (step === 'close') {
        await takeEvent(d, operator, t.id, { event: 'close' })
      } else if (step === 'reopen') {
        await takeEvent(d, operator, t.id, { event: 'reopen' })
      } else if (step === 'supervise') {
        await takeEvent(d, supervisor, t.id, { event: 'supervise', payload: { text: '该工单已超过办理时限，请于2个工作日内办结并答复诉求人。' } })
      } else if (step === 'withdraw') {
        await withdrawTicket(d, { number: t.number, phone: p.requesterPhone, reason: '问题已自行解决，申请撤回。' })
      } else if (step === 'answer') {
        await takeEvent(d, operator, t.id, { event: 'answer_directly', payload: { text: `${p.template.reply}（${pick(file.directAnswers)}）` } })
      } else if (step === 'rate') {
        // Only some requesters rate on the public page; an unsatisfied one usually does.
        if (p.outcome === 'closed_unsatisfied' || p.pick() < 0.35) {
          const rating = p.outcome === 'closed_unsatisfied' ? 'unsatisfied' : 'satisfied'
          await rateTicket(d, { number: t.number, phone: p.requesterPhone, rating, ...(rating === 'unsatisfied' ? { comment: pick(file.unsatisfiedComments) } : {}) })
        } else continue
      }
      events++
    } catch (e) {
      if (s) s.broken = true
      if (failures.length < 5) failures.push(`${s?.number ?? `#${p.index}`} ${a.step}: ${(e as Error).message}`)
      else failures.push('')
    }
  }
  const { rows } = await deps.db.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM item WHERE kind = 'ticket' GROUP BY state ORDER BY state`)
  const byState = rows.map((r) => `${r.state} ${r.n}`).join(', ')
  const failed = failures.length ? `; ${failures.length} steps failed (${failures.filter(Boolean).join(' | ')})` : ''
  return `demo: ${state.size} 12345 tickets over the last ${DEMO_TICKET_DAYS} days (${events} intake and events by the demo users): ${byState}${failed}`
}
