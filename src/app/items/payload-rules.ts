/**
 * Payload rules (事件内容规则): an event's payload holds exactly the fields its kind declares for that event
 * (the union of `requires` and `optional` over the kind's transitions for it), and every field is bounded by
 * its type, so nothing a user sends makes a stored event, item or answer grow without bound. takeEvent calls
 * `checkEventPayload` before the engine; the engine still checks presence and type.
 */
import { DubanError } from '../../domain/errors.ts'
import { fieldLabelOf, labelsOf } from '../../domain/field-labels.ts'
import type { FieldType, KindDef } from '../../domain/workflow/index.ts'

/** Longest text of each text-like field type, in characters. */
export const TEXT_LIMITS: Readonly<Record<'text' | 'reason' | 'unit' | 'date', number>> = {
  /** A progress or completion report (报送内容). */
  text: 20_000,
  /** A reason for an extension, a refusal, a return. */
  reason: 2_000,
  /** A unit id. */
  unit: 100,
  /** An ISO date or instant. */
  date: 40,
}

/** Most entries of the list-like field types. */
export const LIST_LIMITS: Readonly<Record<'units' | 'attachments' | 'measures', number>> = { units: 100, attachments: 20, measures: 50 }

/** Longest measure name, attachment name or MIME type. */
const NAME_LIMIT = 255

/** The fields a kind declares for an event, with their type; null when no transition declares the event. */
export function declaredFields(kind: KindDef, event: string): Map<string, FieldType> | null {
  let found = false
  const fields = new Map<string, FieldType>()
  for (const t of kind.transitions) {
    if (t.event !== event) continue
    found = true
    // A decision may always carry a short comment (the API's approve/return `reason`), bounded like a reason.
    fields.set('reason', 'reason')
    for (const [f, type] of [...Object.entries(t.requires ?? {}), ...Object.entries(t.optional ?? {})]) fields.set(f, type)
  }
  return found ? fields : null
}

/** The kind's names of its fields on the event (labelsOf: 报送进展's `text` is 进展情况), which win over the shared table in an error's message. */
type OwnLabels = Readonly<Record<string, string>>

function tooLong(own: OwnLabels, where: string, n: number, limit: number, what = 'characters'): DubanError {
  return new DubanError('DUBAN_ERR_FIELD_INVALID', `${where} is ${n} ${what} long, limit ${limit}`, { where, label: fieldLabelOf(where, own) ?? undefined, details: { limit } })
}

function checkField(own: OwnLabels, type: FieldType, v: unknown, where: string): void {
  switch (type) {
    case 'text':
    case 'reason':
    case 'unit':
    case 'date':
      if (typeof v === 'string' && v.length > TEXT_LIMITS[type]) throw tooLong(own, where, v.length, TEXT_LIMITS[type])
      return
    case 'units':
      if (Array.isArray(v)) {
        if (v.length > LIST_LIMITS.units) throw tooLong(own, where, v.length, LIST_LIMITS.units, 'entries')
        v.forEach((x, i) => {
          if (typeof x === 'string' && x.length > TEXT_LIMITS.unit) throw tooLong(own, `${where}[${i}]`, x.length, TEXT_LIMITS.unit)
        })
      }
      return
    case 'attachments':
      if (Array.isArray(v)) {
        if (v.length > LIST_LIMITS.attachments) throw tooLong(own, where, v.length, LIST_LIMITS.attachments, 'entries')
        v.forEach((a, i) => {
          if (typeof a === 'string' && a.length > TEXT_LIMITS.unit) throw tooLong(own, `${where}[${i}]`, a.length, TEXT_LIMITS.unit)
          if (a && typeof a === 'object' && !Array.isArray(a)) {
            for (const k of ['name', 'mime'] as const) {
              const s = (a as Record<string, unknown>)[k]
              if (typeof s === 'string' && s.length > NAME_LIMIT) throw tooLong(own, `${where}[${i}].${k}`, s.length, NAME_LIMIT)
            }
          }
        })
      }
      return
    case 'measures':
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const keys = Object.keys(v)
        if (keys.length > LIST_LIMITS.measures) throw tooLong(own, where, keys.length, LIST_LIMITS.measures, 'entries')
        const long = keys.find((k) => k.length > NAME_LIMIT)
        if (long !== undefined) throw tooLong(own, `${where}.${long.slice(0, 20)}…`, long.length, NAME_LIMIT)
      }
      return
    case 'number':
    case 'flag':
      return
  }
}

/**
 * Refuses a payload field the kind does not declare for the event (400 naming it) and a declared field beyond
 * its bound (20,000 characters of report text, 2,000 of a reason, 100 units, 20 attachments, 50 measures).
 * An event no transition declares is left to the engine, which refuses it by name.
 */
export function checkEventPayload(kind: KindDef, event: string, payload: Readonly<Record<string, unknown>> | undefined): void {
  const fields = declaredFields(kind, event)
  if (!fields || !payload) return
  const own: OwnLabels = labelsOf(kind, event)
  for (const [field, value] of Object.entries(payload)) {
    const type = fields.get(field)
    if (!type) {
      const allowed = [...fields.keys()].join(', ') || 'none'
      throw new DubanError('DUBAN_ERR_VALIDATION', `payload.${field}: unknown field for '${event}' (declared: ${allowed})`, { where: `payload.${field}` })
    }
    checkField(own, type, value, `payload.${field}`)
  }
}
