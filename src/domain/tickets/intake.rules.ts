/**
 * Intake rules (受理校验) of a 12345 ticket: what a ticket may be received with, whoever sends it (the desk,
 * the public page, an Open311 client). Pure: no database, no clock. `checkIntake` returns the input
 * normalised (trimmed text, phone as digits, defaults filled in) or throws a DubanError naming the field.
 *
 * Rules:
 * - requestType ∈ REQUEST_TYPES; urgency ∈ URGENCIES (required at the desk; the public page and Open311
 *   do not ask for it and get 'normal').
 * - content: 1..5,000 characters (code points) after trimming.
 * - every string anywhere in the input (also fields this module does not know, e.g. attachment names):
 *   no NUL, no other C0/C1 control character except \n and \t, no lone surrogate, no U+FFFD (the mark a
 *   decoder leaves where bytes were not UTF-8, e.g. a GBK body read as UTF-8). \r\n and a lone \r are
 *   read as \n first (form posts from a <textarea> send \r\n). Emoji and any other text are kept as they
 *   are; markup such as `<script>` is stored as plain text — views escape it.
 * - requesterPhone: a mainland mobile `1[3-9]\d{9}` or a landline `0\d{2,3}-?\d{7,8}`; spaces, dashes,
 *   dots and brackets are dropped, full-width digits read as digits, a +86 / 0086 prefix dropped; stored as
 *   digits only. Required for the public page (channel 'web': the requester looks the ticket up by
 *   number and phone); optional elsewhere, so a desk intake may be fully anonymous.
 * - requesterName ≤ 50 characters; anonymous: true means no name is kept (a name sent with it is dropped).
 * - lat ∈ [-90, 90], lng ∈ [-180, 180], both or neither; address ≤ 200 characters.
 */
import { DubanError } from '../errors.ts'

export const REQUEST_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const
export type RequestType = (typeof REQUEST_TYPES)[number]

export const URGENCIES = ['urgent', 'pressing', 'normal'] as const
export type Urgency = (typeof URGENCIES)[number]

export const INTAKE_CHANNELS = ['phone', 'web', 'api', 'open311'] as const
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number]

export const CONTENT_MAX = 5000
export const NAME_MAX = 50
export const ADDRESS_MAX = 200
export const CATEGORY_CODE_MAX = 64
export const PLACE_UNIT_ID_MAX = 100

/** The intake fields as a caller sends them; the core's TicketIntake extends this with attachments, dispatch … */
export interface TicketIntakeFields {
  requestType: RequestType
  categoryCode: string
  /** Required at the desk ('phone' / 'api'); 'normal' when absent on 'web' and 'open311'. */
  urgency?: Urgency | undefined
  anonymous?: boolean | undefined
  requesterName?: string | null | undefined
  requesterPhone?: string | null | undefined
  address?: string | null | undefined
  lat?: number | null | undefined
  lng?: number | null | undefined
  placeUnitId?: string | null | undefined
  content: string
}

/** The intake fields after checkIntake: every field present, text trimmed, phone as digits. */
export interface CheckedIntakeFields {
  requestType: RequestType
  categoryCode: string
  urgency: Urgency
  anonymous: boolean
  requesterName: string | null
  requesterPhone: string | null
  address: string
  lat: number | null
  lng: number | null
  placeUnitId: string | null
  content: string
}

export interface IntakeOptions {
  /** Who sends it; decides what is required (see the module comment). 'phone' (the desk) by default. */
  readonly channel?: IntakeChannel
}

/** The checked input: the intake fields normalised, every other field of the input passed through. */
export type CheckedIntake<T> = Omit<T, keyof TicketIntakeFields> & CheckedIntakeFields

const fieldInvalid = (where: string, detail: string): DubanError => new DubanError('DUBAN_ERR_FIELD_INVALID', `${where}: ${detail}`, { where })
const missing = (where: string): DubanError => new DubanError('DUBAN_ERR_VALIDATION', `${where}: is required`, { where })

// C0 controls except \t (09) and \n (0A), DEL, C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Reads \r\n and a lone \r as \n. */
export function normaliseNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n')
}

/**
 * Throws naming `where` if the text holds a control character (other than \n and \t) or a lone surrogate.
 * Call it on text already passed through normaliseNewlines.
 */
export function checkText(s: string, where: string): void {
  const c = CONTROL.exec(s)
  if (c) {
    const code = c[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    throw fieldInvalid(where, `holds the control character U+${code} at ${c.index}`)
  }
  const l = LONE_SURROGATE.exec(s)
  if (l) throw fieldInvalid(where, `holds a lone surrogate at ${l.index} (not well-formed Unicode)`)
  const r = s.indexOf('\uFFFD')
  if (r >= 0) throw fieldInvalid(where, `holds U+FFFD at ${r}: the text was sent in another encoding than UTF-8 (e.g. GBK) and could not be read`)
}

/** Length in characters (code points: an emoji counts once). */
export function charLength(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** Checks every string anywhere in a value (objects, arrays), naming its path, e.g. `attachments/0/name`. */
function checkAllText(value: unknown, path: string, depth = 0): void {
  if (depth > 8) return
  if (typeof value === 'string') {
    checkText(normaliseNewlines(value), path)
    return
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkAllText(v, `${path}/${i}`, depth + 1))
    return
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'contentBase64') continue // bytes in base64, not text; checked by the attachment code
      checkAllText(v, path ? `${path}/${k}` : k, depth + 1)
    }
  }
}

/** The text of an optional string field: undefined/null → null; else trimmed; a non-string is refused. */
function optionalText(value: unknown, where: string, max: number): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw fieldInvalid(where, 'must be a string')
  const s = normaliseNewlines(value).trim()
  if (s === '') return null
  if (charLength(s) > max) throw fieldInvalid(where, `is longer than ${max} characters`)
  return s
}

function oneOf<T extends string>(value: unknown, where: string, allowed: readonly T[]): T {
  if (value === undefined || value === null || value === '') throw missing(where)
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw fieldInvalid(where, `must be one of ${allowed.join(', ')}`)
  }
  return value as T
}

const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g

/**
 * A phone number as digits, or null if it is not a mainland mobile or landline number.
 * '+86 138-1234-5678' → '13812345678'; '010-12345678' → '01012345678'; '+86 10 1234 5678' → '01012345678'.
 */
export function normalisePhone(raw: string): string | null {
  let s = raw.replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
  s = s.replace(/\uFF0B/g, '+').replace(/[\s\-\u2010-\u2015\uFF0D.()\uFF08\uFF09]/g, '')
  let international = false
  if (s.startsWith('+86')) {
    s = s.slice(3)
    international = true
  } else if (s.startsWith('0086')) {
    s = s.slice(4)
    international = true
  }
  if (!/^\d+$/.test(s)) return null
  if (/^1[3-9]\d{9}$/.test(s)) return s
  // From abroad a landline drops its trunk 0: +86 10 1234 5678.
  if (international && !s.startsWith('0')) s = `0${s}`
  if (/^0\d{9,11}$/.test(s)) return s
  return null
}

function coordinate(value: unknown, where: string, limit: number): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fieldInvalid(where, 'must be a number')
  if (value < -limit || value > limit) throw fieldInvalid(where, `must lie in [-${limit}, ${limit}]`)
  return value
}

/**
 * Checks and normalises a ticket intake. Throws DubanError DUBAN_ERR_VALIDATION (a required field is
 * missing) or DUBAN_ERR_FIELD_INVALID (a field is malformed), `where` naming the field.
 */
export function checkIntake<T extends TicketIntakeFields>(input: T, opts: IntakeOptions = {}): CheckedIntake<T> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new DubanError('DUBAN_ERR_VALIDATION', 'body: must be an object', { where: 'body' })
  const channel = opts.channel ?? 'phone'
  const raw = input as unknown as Record<string, unknown>

  // Every string first, so a control character is reported whatever field it hides in.
  checkAllText(raw, '')

  const requestType = oneOf(raw.requestType, 'requestType', REQUEST_TYPES)
  const urgency =
    raw.urgency === undefined || raw.urgency === null || raw.urgency === ''
      ? channel === 'web' || channel === 'open311'
        ? 'normal'
        : oneOf(raw.urgency, 'urgency', URGENCIES)
      : oneOf(raw.urgency, 'urgency', URGENCIES)

  const categoryCode = optionalText(raw.categoryCode, 'categoryCode', CATEGORY_CODE_MAX)
  if (categoryCode === null) throw missing('categoryCode')
  if (!/^[\w.-]+$/.test(categoryCode)) throw fieldInvalid('categoryCode', 'may hold only letters, digits, dots, dashes and underscores')

  if (raw.content === undefined || raw.content === null) throw missing('content')
  if (typeof raw.content !== 'string') throw fieldInvalid('content', 'must be a string')
  const content = normaliseNewlines(raw.content).trim()
  if (content === '') throw fieldInvalid('content', 'is empty')
  if (content.length > CONTENT_MAX * 2 || charLength(content) > CONTENT_MAX) {
    throw fieldInvalid('content', `is longer than ${CONTENT_MAX} characters`)
  }

  if (raw.anonymous !== undefined && raw.anonymous !== null && typeof raw.anonymous !== 'boolean') throw fieldInvalid('anonymous', 'must be true or false')
  const anonymous = raw.anonymous === true
  const name = optionalText(raw.requesterName, 'requesterName', NAME_MAX)
  const requesterName = anonymous ? null : name

  const phoneText = optionalText(raw.requesterPhone, 'requesterPhone', 40)
  let requesterPhone: string | null = null
  if (phoneText !== null) {
    requesterPhone = normalisePhone(phoneText)
    if (requesterPhone === null) throw fieldInvalid('requesterPhone', 'is not a mainland mobile (1[3-9] and 9 digits) or landline (0, area code, 7–8 digits) number')
  } else if (channel === 'web') {
    throw missing('requesterPhone')
  }

  const address = optionalText(raw.address, 'address', ADDRESS_MAX) ?? ''
  const lat = coordinate(raw.lat, 'lat', 90)
  const lng = coordinate(raw.lng, 'lng', 180)
  if ((lat === null) !== (lng === null)) {
    const where = lat === null ? 'lat' : 'lng'
    throw fieldInvalid(where, 'lat and lng come together: give both or neither')
  }
  const placeUnitId = optionalText(raw.placeUnitId, 'placeUnitId', PLACE_UNIT_ID_MAX)

  const checked: CheckedIntakeFields = { requestType, categoryCode, urgency, anonymous, requesterName, requesterPhone, address, lat, lng, placeUnitId, content }
  return { ...(input as object), ...checked } as CheckedIntake<T>
}
