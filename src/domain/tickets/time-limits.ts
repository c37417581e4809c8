/**
 * Time limits of a 12345 ticket (工单时限), pure. A ticket's tier (时限档次) is `consultation` for a 咨询,
 * else its urgency (紧急 / 较急 / 一般). The handling limit (办理时限) comes from the service catalogue
 * (服务目录) by tier, a level-2/3 category without one taking its parent's; the accept (签收) and respond
 * (响应, first contact with the requester) limits are national-practice defaults by tier.
 */
import { DubanError } from '../errors.ts'
import type { TimeLimit } from '../workflow/kind.types.ts'

/** 诉求类型 request type. */
export type RequestType = 'consultation' | 'help' | 'complaint' | 'report' | 'suggestion' | 'praise'
export const REQUEST_TYPES: readonly RequestType[] = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise']

/** 紧急程度 urgency. */
export type Urgency = 'urgent' | 'pressing' | 'normal'
export const URGENCIES: readonly Urgency[] = ['urgent', 'pressing', 'normal']

/** 时限档次: the urgency, or consultation for a 咨询. */
export type Tier = Urgency | 'consultation'
export const TIERS: readonly Tier[] = ['urgent', 'pressing', 'normal', 'consultation']

/** A category's handling limits by tier, as stored in service_category.time_limits (any tier may be missing). */
export type TimeLimitsByTier = Partial<Record<Tier, TimeLimit>>

/** The three limits a ticket runs on. */
export interface TicketLimits {
  readonly handle: TimeLimit
  readonly accept: TimeLimit
  readonly respond: TimeLimit
}

/** Anything with (maybe) time limits and (maybe) a parent to inherit from: a catalogue row or a resolved category. */
export interface LimitSource {
  readonly timeLimits?: TimeLimitsByTier | null
  readonly parent?: LimitSource | null
}

/** Handling limits when neither the category nor its parents give one (the demo catalogue's defaults). */
export const DEFAULT_HANDLE_LIMITS: Readonly<Record<Tier, TimeLimit>> = {
  urgent: { unit: 'working_hours', amount: 2 },
  pressing: { unit: 'working_hours', amount: 24 },
  normal: { unit: 'working_days', amount: 7 },
  consultation: { unit: 'working_days', amount: 1 },
}

/** 签收时限: half an hour for 紧急, else two working hours. */
export const ACCEPT_LIMITS: Readonly<Record<Tier, TimeLimit>> = {
  urgent: { unit: 'working_hours', amount: 0.5 },
  pressing: { unit: 'working_hours', amount: 2 },
  normal: { unit: 'working_hours', amount: 2 },
  consultation: { unit: 'working_hours', amount: 2 },
}

/** 响应时限 (first contact with the requester): 紧急 2, 较急 4, 一般 24, 咨询 4 working hours. */
export const RESPOND_LIMITS: Readonly<Record<Tier, TimeLimit>> = {
  urgent: { unit: 'working_hours', amount: 2 },
  pressing: { unit: 'working_hours', amount: 4 },
  normal: { unit: 'working_hours', amount: 24 },
  consultation: { unit: 'working_hours', amount: 4 },
}

/** The tier of a ticket: `consultation` for a 咨询, else the urgency. */
export function tierOf(requestType: RequestType | string, urgency: Urgency): Tier {
  return requestType === 'consultation' ? 'consultation' : urgency
}

/** The handling limit of a tier: the category's own, else the nearest parent's, else the default. */
export function handleLimitOf(category: LimitSource | null | undefined, tier: Tier): TimeLimit {
  for (let c = category; c; c = c.parent ?? null) {
    const own = c.timeLimits?.[tier]
    if (own) return { unit: own.unit, amount: own.amount }
  }
  return DEFAULT_HANDLE_LIMITS[tier]
}

/** The limits of a ticket of this category and tier: handling from the catalogue, accept and respond by tier. */
export function limitsFor(category: LimitSource | null | undefined, tier: Tier): TicketLimits {
  return { handle: handleLimitOf(category, tier), accept: ACCEPT_LIMITS[tier], respond: RESPOND_LIMITS[tier] }
}

/** Every tier's handling limit as the chain (category, its parent, …) gives it; tiers no level gives stay missing. */
export function resolveTimeLimits(chain: readonly (TimeLimitsByTier | null | undefined)[]): TimeLimitsByTier {
  const out: Partial<Record<Tier, TimeLimit>> = {}
  for (const tier of TIERS) {
    for (const limits of chain) {
      const own = limits?.[tier]
      if (own) {
        out[tier] = { unit: own.unit, amount: own.amount }
        break
      }
    }
  }
  return out
}

/** Largest amount accepted for each unit: a year of working time or calendar days. */
export const MAX_AMOUNT: Readonly<Record<TimeLimit['unit'], number>> = {
  working_hours: 8 * 250,
  working_days: 250,
  calendar_days: 366,
}

const UNITS = Object.keys(MAX_AMOUNT) as TimeLimit['unit'][]

function invalid(where: string, detail: string): DubanError {
  return new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}: ${detail}`, { where })
}

/**
 * Checks a time_limits object (`{urgent?: {unit, amount}, pressing?, normal?, consultation?}`) and returns it
 * typed; throws DUBAN_ERR_FIELD_INVALID naming the field (`timeLimits/urgent/amount`) otherwise.
 * `null`/`undefined` mean "inherit from the parent" and come back as null.
 */
export function parseTimeLimits(input: unknown, where = 'timeLimits'): TimeLimitsByTier | null {
  if (input === null || input === undefined) return null
  if (typeof input !== 'object' || Array.isArray(input)) throw invalid(where, 'must be an object keyed by tier (urgent, pressing, normal, consultation)')
  const out: Partial<Record<Tier, TimeLimit>> = {}
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const at = `${where}/${key}`
    if (!(TIERS as readonly string[]).includes(key)) throw invalid(at, `unknown tier (one of ${TIERS.join(', ')})`)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(at, 'must be {unit, amount}')
    const v = value as Record<string, unknown>
    for (const k of Object.keys(v)) if (k !== 'unit' && k !== 'amount') throw invalid(`${at}/${k}`, 'unknown field')
    const unit = v.unit
    if (typeof unit !== 'string' || !(UNITS as readonly string[]).includes(unit)) throw invalid(`${at}/unit`, `must be one of ${UNITS.join(', ')}`)
    const amount = v.amount
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) throw invalid(`${at}/amount`, 'must be a number greater than 0')
    const max = MAX_AMOUNT[unit as TimeLimit['unit']]
    if (amount > max) throw invalid(`${at}/amount`, `must be at most ${max} ${unit}`)
    if (unit !== 'working_hours' && !Number.isInteger(amount)) throw invalid(`${at}/amount`, `must be a whole number of ${unit}`)
    if (unit === 'working_hours' && !Number.isInteger(amount * 4)) throw invalid(`${at}/amount`, 'must be a multiple of a quarter hour')
    out[key as Tier] = { unit: unit as TimeLimit['unit'], amount }
  }
  return out
}
