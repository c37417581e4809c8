/**
 * Open311 GeoReport v2 ↔ duban tickets (12345 工单), as pure functions: a ticket view → a GeoReport
 * service request record; catalogue categories → GeoReport services and service definitions; a
 * GeoReport POST body → the intake fields receiveTicket takes; query parameters → a request filter.
 *
 * Mapping (docs/tickets.md § Open311): service_code = level-3 category code; service_request_id = the
 * ticket number; status = closed when the state's type is closed, else open; agency_responsible = the
 * lead unit's name; address_id = the place unit id (the unit tree is this jurisdiction's address
 * repository); times are ISO 8601 with +08:00. Nothing of the requester (name, phone, email) is ever
 * mapped into a record, and phone and ID-card numbers written inside free text are masked.
 */
import { formatChinaInstant, toEpochMs } from '../../../domain/calendar/index.ts'
import { DubanError } from '../../../domain/errors.ts'
import { REQUEST_TYPES, type RequestType, type TicketIntakeFields } from '../../../domain/tickets/intake.rules.ts'

/** The spec this endpoint implements (Service Discovery `specification`). */
export const GEOREPORT_V2_SPEC = 'http://wiki.open311.org/GeoReport_v2'
/** The longest description the spec allows. */
export const DESCRIPTION_MAX = 4000
/** At most this many requests per GET requests answer (spec: "first 1000 requests"). */
export const REQUESTS_MAX = 1000
/** The default and longest span of a GET requests query (spec: "may not span more than 90 days"). */
export const SPAN_DAYS = 90
/** The request type of a POST that does not say (attribute[request_type]). */
export const DEFAULT_REQUEST_TYPE: RequestType = 'complaint'

const REQUEST_TYPE_NAMES: Record<RequestType, string> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
}

// ── ticket view → GeoReport request ─────────────────────────────────────────────────────────────

/**
 * What a GeoReport record is made from: the fields of TicketView (docs/tickets.md) it reads, plus the
 * update time and media URL, which TicketView does not carry. A TicketView is assignable to it.
 */
export interface GeoReportSource {
  readonly number: string
  readonly stateType: string
  readonly stateLabel: string
  readonly categoryCode: string
  /** 举报 (report) tickets keep their content, place and reply out of the public record. */
  readonly requestType?: string
  /** Names from level 1 to the category itself; service_name is the last. */
  readonly categoryPath: readonly string[]
  readonly content: string
  readonly lead: { readonly id: string; readonly name: string } | null
  readonly receivedAt: string
  readonly dueAt: string | null
  readonly address: string
  readonly placeUnitId?: string | null
  readonly lat: number | null
  readonly lng: number | null
  readonly limits?: { readonly handle?: { readonly unit: string; readonly amount: number } | undefined } | null
  readonly reply?: { readonly text: string; readonly at: string } | null
  /** When the ticket last changed (item.updated_at); receivedAt when absent. */
  readonly updatedAt?: string | null
  readonly mediaUrl?: string | null
  /** With `extensions=true` (open311.ts Open311Duplicates): mapped to `extended_attributes`. */
  readonly duplicates?: {
    readonly check: 'pending' | 'done'
    readonly mergedInto: string | null
    readonly possible: readonly { readonly number: string; readonly stateType: string; readonly receivedAt: string; readonly similarity: number }[]
  }
}

/**
 * The extension a client asks for with `extensions=true` (as Chicago's endpoint names it: non-standard details in
 * `extended_attributes`): the duplicate detection's findings, which the POST answer cannot hold (docs/tickets.md).
 */
export interface GeoReportExtended {
  /** pending: not run yet (it runs within about a second of the POST); done: what follows is what it found. */
  duplicate_check: 'pending' | 'done'
  /** The service_request_id this request was merged into (并单) by an operator: it shares that one's handling. */
  duplicate_of: string | null
  /** Earlier requests at the same place this one may repeat, not yet decided by an operator, most similar first. */
  possible_duplicates: { service_request_id: string; status: 'open' | 'closed'; requested_datetime: string; similarity: number }[]
}

/** A GeoReport v2 service request, fields in the spec's order. */
export interface GeoReportRequest {
  service_request_id: string
  status: 'open' | 'closed'
  status_notes: string | null
  service_name: string
  service_code: string
  description: string
  agency_responsible: string | null
  service_notice: string | null
  requested_datetime: string
  updated_datetime: string
  expected_datetime: string | null
  address: string | null
  address_id: string | null
  zipcode: null
  lat: number | null
  long: number | null
  media_url: string | null
  extended_attributes?: GeoReportExtended
}

/**
 * Masks personal numbers written in free text: ID-card numbers (first 6 and last 4 kept), mobile numbers
 * (138****5678) and landline numbers (the middle digits). Everything else is kept as written.
 */
export function maskPersonalNumbers(text: string): string {
  return text
    .replace(/(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g, '$1********$2')
    .replace(/(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)/g, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(/(?<!\d)(0\d{2,3})(-?)(\d{3,4})(\d{4})(?!\d)/g, (_m, area: string, dash: string, mid: string, last: string) => `${area}${dash}${'*'.repeat(mid.length)}${last}`)
}

/** A time limit as the requester reads it: `按规定7个工作日内办理`. */
export function serviceNoticeOf(limit: { unit: string; amount: number } | undefined | null): string | null {
  if (!limit || !Number.isFinite(limit.amount) || limit.amount <= 0) return null
  const unit = { working_days: '个工作日', working_hours: '个工作小时', days: '天', hours: '小时' }[limit.unit]
  return unit ? `按规定${limit.amount}${unit}内办理` : null
}

/** The China-time w3 form of an instant, to the second (`2026-03-02T09:00:00+08:00`), as the spec's examples. */
export function georeportTime(instant: string | number | Date): string {
  const ms = instant instanceof Date ? instant.getTime() : toEpochMs(instant)
  return formatChinaInstant(Math.floor(ms / 1000) * 1000)
}

/** The description shown for a 举报 (report) ticket: a whistle-blower's report is not published. */
export const REPORT_WITHHELD = '举报内容依法不予公开 (the content of a report is not published)'

/** Maps a ticket to a GeoReport v2 service request record. */
export function toGeoReportRequest(t: GeoReportSource): GeoReportRequest {
  const closed = t.stateType === 'closed'
  const confidential = t.requestType === 'report'
  const reply = t.reply?.text && !confidential ? maskPersonalNumbers(t.reply.text) : null
  return {
    service_request_id: t.number,
    status: closed ? 'closed' : 'open',
    status_notes: reply ? `${t.stateLabel}：${reply}` : t.stateLabel || null,
    service_name: t.categoryPath[t.categoryPath.length - 1] ?? t.categoryCode,
    service_code: t.categoryCode,
    description: confidential ? REPORT_WITHHELD : maskPersonalNumbers(t.content),
    agency_responsible: t.lead?.name ?? null,
    service_notice: serviceNoticeOf(t.limits?.handle),
    requested_datetime: georeportTime(t.receivedAt),
    updated_datetime: georeportTime(t.updatedAt ?? t.receivedAt),
    expected_datetime: !closed && t.dueAt ? georeportTime(t.dueAt) : null,
    address: t.address && !confidential ? t.address : null,
    address_id: confidential ? null : (t.placeUnitId ?? null),
    zipcode: null,
    lat: confidential ? null : t.lat,
    long: confidential ? null : t.lng,
    media_url: t.mediaUrl ?? null,
    ...(t.duplicates ? { extended_attributes: toGeoReportExtended(t.duplicates) } : {}),
  }
}

/** The duplicate facts of a record as its `extended_attributes`. */
export function toGeoReportExtended(d: NonNullable<GeoReportSource['duplicates']>): GeoReportExtended {
  return {
    duplicate_check: d.check,
    duplicate_of: d.mergedInto,
    possible_duplicates: d.possible.map((p) => ({
      service_request_id: p.number,
      status: p.stateType === 'closed' ? 'closed' : 'open',
      requested_datetime: georeportTime(p.receivedAt),
      similarity: Math.round(p.similarity * 100) / 100,
    })),
  }
}

/** Whether a query asks for the extension (`extensions=true`); anything else but absent or false is refused. */
export function extensionsOf(query: Readonly<Record<string, unknown>>): boolean {
  const v = query['extensions']
  if (v === undefined || v === 'false') return false
  if (v === 'true') return true
  throw bad('extensions', 'must be true or false')
}

// ── catalogue → services ───────────────────────────────────────────────────────────────────────

/** A current category of the service catalogue, as stored (service_category). */
export interface CatalogueEntry {
  readonly code: string
  readonly parentCode: string | null
  readonly level: number
  readonly name: string
  readonly description: string
  /** 群众常说的说法 (migration 193); absent = none. */
  readonly keywords?: readonly string[]
}

/** A GeoReport v2 service (GET services). */
export interface GeoReportService {
  service_code: string
  service_name: string
  description: string
  metadata: boolean
  type: 'realtime'
  keywords: string
  group: string
}

/**
 * The level-3 categories as GeoReport services: group = the level-1 name, keywords = the path above and then the
 * category's own 群众常说的说法 (synonyms people use, as GeoReport v2 means `keywords`), comma-separated, each once.
 */
export function toGeoReportServices(entries: readonly CatalogueEntry[]): GeoReportService[] {
  const byCode = new Map(entries.map((e) => [e.code, e]))
  const pathOf = (e: CatalogueEntry): CatalogueEntry[] => {
    const path = [e]
    let cur = e
    for (let i = 0; i < 5 && cur.parentCode; i++) {
      const parent = byCode.get(cur.parentCode)
      if (!parent) break
      path.unshift(parent)
      cur = parent
    }
    return path
  }
  return entries
    .filter((e) => e.level === 3)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((e) => {
      const path = pathOf(e)
      const above = path.slice(0, -1).map((p) => p.name)
      return {
        service_code: e.code,
        service_name: e.name,
        description: e.description || path.map((p) => p.name).join(' › '),
        metadata: false,
        type: 'realtime',
        keywords: [...new Set([...above, ...(e.keywords ?? [])])].join(', '),
        group: path[0]?.level === 1 ? path[0].name : (above[0] ?? ''),
      }
    })
}

/** A GeoReport v2 service definition: one optional attribute, the request type (诉求类型). */
export interface GeoReportServiceDefinition {
  service_code: string
  attributes: {
    variable: boolean
    code: string
    datatype: 'singlevaluelist'
    required: boolean
    datatype_description: string
    order: number
    description: string
    values: { key: string; name: string }[]
  }[]
}

export function serviceDefinitionOf(code: string): GeoReportServiceDefinition {
  return {
    service_code: code,
    attributes: [
      {
        variable: true,
        code: 'request_type',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: `诉求类型，不填为“${REQUEST_TYPE_NAMES[DEFAULT_REQUEST_TYPE]}”`,
        order: 1,
        description: '诉求类型 (request type)',
        values: REQUEST_TYPES.map((key) => ({ key, name: REQUEST_TYPE_NAMES[key] })),
      },
    ],
  }
}

// ── discovery ──────────────────────────────────────────────────────────────────────────────────

export interface Discovery {
  changeset: string
  contact: string
  key_service: string
  endpoints: { specification: string; url: string; changeset: string; type: 'production' | 'test'; formats: string[] }[]
}

/** The Service Discovery document for one endpoint at `url` (…/open311/v2). */
export function discoveryOf(url: string, changeset: string): Discovery {
  return {
    changeset,
    contact: '12345 政务服务便民热线 (12345 hotline)',
    key_service: 'No API key is needed; requests are received as from the public web form (无需 API key)',
    endpoints: [{ specification: GEOREPORT_V2_SPEC, url, changeset, type: 'production', formats: ['text/xml', 'application/json'] }],
  }
}

/** A sortable changeset (`2026-03-02 09:00`, China time) from an instant. */
export function changesetOf(instant: string | number | Date): string {
  return georeportTime(instant).slice(0, 16).replace('T', ' ')
}

// ── POST body → intake ─────────────────────────────────────────────────────────────────────────

/** A parsed POST body: form fields (a repeated field is an array) or a JSON object. */
export type PostFields = Readonly<Record<string, unknown>>

/** What a GeoReport POST asks for, in duban's words. */
export interface GeoReportIntake {
  readonly intake: TicketIntakeFields
  readonly mediaUrl: string | null
}

/** duban's intake field → the GeoReport field a client sent, for error messages. */
const OPEN311_FIELD: Record<string, string> = {
  content: 'description',
  requesterPhone: 'phone',
  requesterName: 'first_name',
  address: 'address_string',
  lat: 'lat',
  lng: 'long',
  categoryCode: 'service_code',
  placeUnitId: 'address_id',
  requestType: 'attribute[request_type]',
  urgency: 'urgency',
}

/** The GeoReport field name for a duban field path (`requesterPhone` → `phone`). */
export function open311FieldOf(where: string | null | undefined): string | null {
  if (!where) return null
  const bare = where.replace(/^body\//, '')
  return OPEN311_FIELD[bare] ?? bare
}

const bad = (field: string, detail: string) => new DubanError('DUBAN_ERR_VALIDATION', `${field}: ${detail}`, { where: field })

/** One text value of a field: a repeated form field or a non-string is refused; empty means absent. */
function textOf(fields: PostFields, name: string): string | null {
  const v = fields[name]
  if (v === undefined || v === null) return null
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  if (typeof v !== 'string') throw bad(name, 'must be given once, as text')
  return v.trim() === '' ? null : v
}

function numberOf(fields: PostFields, name: string): number | null {
  const s = textOf(fields, name)
  if (s === null) return null
  const t = s.trim()
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw bad(name, 'must be a number')
  return Number(t)
}

/** attribute[request_type] as a form field, or `attribute: {request_type}` in JSON. */
function requestTypeOf(fields: PostFields): RequestType {
  let v: unknown = fields['attribute[request_type]']
  const attr = fields['attribute']
  if (v === undefined && attr && typeof attr === 'object' && !Array.isArray(attr)) v = (attr as Record<string, unknown>)['request_type']
  if (v === undefined || v === null || v === '') return DEFAULT_REQUEST_TYPE
  if (typeof v !== 'string' || !(REQUEST_TYPES as readonly string[]).includes(v)) {
    throw bad('attribute[request_type]', `must be one of ${REQUEST_TYPES.join(', ')}`)
  }
  return v as RequestType
}

const CJK = /[\u3400-\u9FFF\uF900-\uFAFF]/

/** first_name + last_name as one name: 张 + 三 → 张三 (family name first in Chinese), John Smith otherwise. */
export function nameOf(first: string | null, last: string | null): string | null {
  const f = first?.trim() ?? ''
  const l = last?.trim() ?? ''
  if (!f && !l) return null
  if (CJK.test(f) || CJK.test(l)) return `${l}${f}`
  return [f, l].filter(Boolean).join(' ')
}

/**
 * Reads a GeoReport POST (form fields or JSON) into intake fields. Requires service_code and a
 * location (lat & long, address_string or address_id) as the spec does, and a description (a ticket
 * has content), at most 4,000 characters. jurisdiction_id, api_key, device_id, account_id and email
 * are accepted and not kept. The intake rules (checkIntake) run afterwards, in receiveTicket.
 */
export function fromGeoReportPost(fields: PostFields): GeoReportIntake {
  const serviceCode = textOf(fields, 'service_code')
  if (serviceCode === null) throw bad('service_code', 'is required')
  const lat = numberOf(fields, 'lat')
  const lng = numberOf(fields, 'long')
  if ((lat === null) !== (lng === null)) throw bad(lat === null ? 'lat' : 'long', 'lat and long are sent together')
  const address = textOf(fields, 'address_string')
  const addressId = textOf(fields, 'address_id')
  if (lat === null && address === null && addressId === null) {
    throw bad('lat', 'a location is required: lat & long, address_string or address_id')
  }
  const description = textOf(fields, 'description')
  if (description === null) throw bad('description', 'is required')
  if ([...description.trim()].length > DESCRIPTION_MAX) throw bad('description', `is longer than ${DESCRIPTION_MAX} characters`)
  const mediaUrl = textOf(fields, 'media_url')
  if (mediaUrl !== null && !/^https?:\/\/[^\s<>"]+$/i.test(mediaUrl.trim())) throw bad('media_url', 'must be an http(s) URL')
  if (mediaUrl !== null && mediaUrl.length > 2000) throw bad('media_url', 'is longer than 2000 characters')
  for (const ignored of ['jurisdiction_id', 'api_key', 'device_id', 'account_id', 'email']) textOf(fields, ignored)

  const name = nameOf(textOf(fields, 'first_name'), textOf(fields, 'last_name'))
  const intake: TicketIntakeFields = {
    requestType: requestTypeOf(fields),
    categoryCode: serviceCode.trim(),
    content: description,
    requesterName: name,
    requesterPhone: textOf(fields, 'phone'),
    address,
    lat,
    lng,
    placeUnitId: addressId?.trim() ?? null,
  }
  return { intake, mediaUrl: mediaUrl?.trim() ?? null }
}

// ── GET requests filters ───────────────────────────────────────────────────────────────────────

/** What GET requests asks for. `ids` set: only those, every other argument ignored (the spec's rule). */
export interface GeoReportFilter {
  readonly ids: readonly string[] | null
  readonly serviceCodes: readonly string[] | null
  readonly statuses: readonly ('open' | 'closed')[] | null
  /** [from, to] in epoch ms, at most SPAN_DAYS apart. */
  readonly from: number
  readonly to: number
  readonly limit: number
}

/** Comma lists, also when a parameter is repeated (`status=open&status=closed`). */
function commaList(v: unknown): string[] | null {
  if (v === undefined || v === null) return null
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean)
  return parts.length > 0 ? parts : null
}

function dateOf(v: unknown, name: string): number | null {
  if (v === undefined || v === null || v === '') return null
  if (typeof v !== 'string') throw bad(name, 'must be given once')
  try {
    return toEpochMs(v.trim())
  } catch {
    throw bad(name, 'must be a w3 datetime, e.g. 2026-03-01T00:00:00+08:00')
  }
}

/**
 * The instants a GET requests span may reach: PostgreSQL reads the years 0001–9999 as a driver writes a Date (in
 * UTC or in the server process's zone, hence a day's margin at each end).
 */
const SPAN_MIN_MS = Date.parse('0001-01-02T00:00:00Z')
const SPAN_MAX_MS = Date.parse('9999-12-30T00:00:00Z')

/** Reads GET requests' query; `now` is the end of the default span (the most recent 90 days). */
export function requestFilterOf(query: Readonly<Record<string, unknown>>, now: number): GeoReportFilter {
  const dayMs = 86_400_000
  const ids = commaList(query['service_request_id'])
  if (ids) return { ids: ids.slice(0, REQUESTS_MAX), serviceCodes: null, statuses: null, from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, limit: REQUESTS_MAX }
  const statuses = commaList(query['status'])
  for (const s of statuses ?? []) if (s !== 'open' && s !== 'closed') throw bad('status', 'must be open or closed (comma delimited)')
  const start = dateOf(query['start_date'], 'start_date')
  const end = dateOf(query['end_date'], 'end_date')
  let from: number
  let to: number
  if (start !== null && end !== null) {
    if (end < start) throw bad('end_date', 'is before start_date')
    if (end - start > SPAN_DAYS * dayMs) throw bad('end_date', `the range may not span more than ${SPAN_DAYS} days`)
    ;[from, to] = [start, end]
  } else if (start !== null) {
    ;[from, to] = [start, start + SPAN_DAYS * dayMs]
  } else if (end !== null) {
    ;[from, to] = [end - SPAN_DAYS * dayMs, end]
  } else {
    ;[from, to] = [now - SPAN_DAYS * dayMs, now]
  }
  // The default span around a date near either end of the years 0001–9999 may leave them (start_date=9999-12-31
  // reaches into the year 10000): the span is cut there, where no ticket lies, never handed on for the database to refuse.
  from = Math.min(Math.max(from, SPAN_MIN_MS), SPAN_MAX_MS)
  to = Math.min(Math.max(to, SPAN_MIN_MS), SPAN_MAX_MS)
  return { ids: null, serviceCodes: commaList(query['service_code']), statuses: statuses as ('open' | 'closed')[] | null, from, to, limit: REQUESTS_MAX }
}
