import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DubanError } from '../errors.ts'
import { checkIntake, CONTENT_MAX, normalisePhone, REQUEST_TYPES, URGENCIES, type TicketIntakeFields } from './intake.rules.ts'

const base: TicketIntakeFields = { requestType: 'complaint', categoryCode: '03.02.05', urgency: 'normal', content: '小区门口占道经营', requesterPhone: '13812345678' }

/** The error checkIntake throws for the input, or null. */
function refusal(input: unknown, channel?: 'phone' | 'web' | 'api' | 'open311'): DubanError | null {
  try {
    checkIntake(input as TicketIntakeFields, channel ? { channel } : {})
    return null
  } catch (e) {
    if (e instanceof DubanError) return e
    throw e
  }
}

describe('checkIntake', () => {
  it('accepts a plain desk intake and fills in defaults', () => {
    const out = checkIntake({ ...base, content: '  路灯不亮\r\n请尽快修  ', address: ' 江滨路 1 号 ' })
    expect(out).toMatchObject({
      requestType: 'complaint',
      urgency: 'normal',
      anonymous: false,
      requesterName: null,
      requesterPhone: '13812345678',
      address: '江滨路 1 号',
      lat: null,
      lng: null,
      placeUnitId: null,
      content: '路灯不亮\n请尽快修',
    })
  })

  it('passes other fields through untouched', () => {
    const out = checkIntake({ ...base, dispatch: { lead: 'sjj' }, attachments: [{ name: 'a.jpg', mime: 'image/jpeg', contentBase64: 'AAAA' }] })
    expect(out.dispatch).toEqual({ lead: 'sjj' })
    expect(out.attachments).toHaveLength(1)
  })

  it('knows every request type and urgency, and refuses others naming the field', () => {
    for (const requestType of REQUEST_TYPES) expect(checkIntake({ ...base, requestType }).requestType).toBe(requestType)
    for (const urgency of URGENCIES) expect(checkIntake({ ...base, urgency }).urgency).toBe(urgency)
    expect(refusal({ ...base, requestType: 'rant' })?.where).toBe('requestType')
    expect(refusal({ ...base, urgency: 'whenever' })?.where).toBe('urgency')
    expect(refusal({ ...base, requestType: undefined })?.code).toBe('DUBAN_ERR_VALIDATION')
  })

  it('requires urgency at the desk and defaults it on the public page and Open311', () => {
    const { urgency: _, ...noUrgency } = base
    expect(refusal(noUrgency)?.where).toBe('urgency')
    expect(refusal(noUrgency, 'api')?.where).toBe('urgency')
    expect(checkIntake(noUrgency as TicketIntakeFields, { channel: 'web' }).urgency).toBe('normal')
    expect(checkIntake(noUrgency as TicketIntakeFields, { channel: 'open311' }).urgency).toBe('normal')
  })

  it('refuses empty, blank and over-long content naming content', () => {
    expect(refusal({ ...base, content: '' })?.where).toBe('content')
    expect(refusal({ ...base, content: ' \n\t ' })?.where).toBe('content')
    expect(refusal({ ...base, content: undefined })?.where).toBe('content')
    expect(refusal({ ...base, content: 42 })?.where).toBe('content')
    const big = refusal({ ...base, content: 'x'.repeat(100 * 1024) })
    expect(big?.code).toBe('DUBAN_ERR_FIELD_INVALID')
    expect(big?.where).toBe('content')
    expect(checkIntake({ ...base, content: '字'.repeat(CONTENT_MAX) }).content).toHaveLength(CONTENT_MAX)
    expect(refusal({ ...base, content: '字'.repeat(CONTENT_MAX + 1) })?.where).toBe('content')
  })

  it('counts emoji as one character and keeps them as they are', () => {
    const emoji = '😀'.repeat(CONTENT_MAX)
    expect(checkIntake({ ...base, content: emoji }).content).toBe(emoji)
    expect(checkIntake({ ...base, content: '路灯坏了 👍🏽 👨‍👩‍👧' }).content).toBe('路灯坏了 👍🏽 👨‍👩‍👧')
  })

  it('stores markup as plain text', () => {
    const s = '<script>alert(1)</script><img src=x onerror=alert(1)>'
    const out = checkIntake({ ...base, content: s, address: s.slice(0, 25), requesterName: '<b>张</b>' })
    expect(out.content).toBe(s)
    expect(out.address).toBe(s.slice(0, 25))
    expect(out.requesterName).toBe('<b>张</b>')
  })

  it('refuses NUL, control characters and lone surrogates in any string field, naming it', () => {
    for (const bad of ['a\uFFFDb', 'a\u0000b', 'a\u0007b', 'a\u001Bb', 'a\u007Fb', 'a\u0085b', 'a\u009Fb', 'a\uD800b', 'a\uDC00b', 'x\uD83D']) {
      for (const field of ['content', 'requesterName', 'address', 'categoryCode', 'placeUnitId', 'requesterPhone'] as const) {
        const e = refusal({ ...base, [field]: bad })
        expect(e?.code, `${field} ${JSON.stringify(bad)}`).toBe('DUBAN_ERR_FIELD_INVALID')
        expect(e?.where).toBe(field)
      }
    }
    expect(refusal({ ...base, attachments: [{ name: 'a\u0000.jpg', mime: 'image/jpeg', contentBase64: 'AAAA' }] })?.where).toBe('attachments/0/name')
    // Tabs and newlines are text.
    expect(checkIntake({ ...base, content: 'a\tb\nc' }).content).toBe('a\tb\nc')
  })

  it('normalises phones and refuses invalid ones naming requesterPhone', () => {
    expect(checkIntake({ ...base, requesterPhone: '+86 138 1234 5678' }).requesterPhone).toBe('13812345678')
    expect(checkIntake({ ...base, requesterPhone: '138-1234-5678' }).requesterPhone).toBe('13812345678')
    expect(checkIntake({ ...base, requesterPhone: '010-12345678' }).requesterPhone).toBe('01012345678')
    expect(checkIntake({ ...base, requesterPhone: '0571 8765432' }).requesterPhone).toBe('05718765432')
    for (const bad of ['12345678901', '1381234567', '138123456789', '23812345678', '010-123456', 'abc', '+1 415 555 0100', '1381234567８9']) {
      const e = refusal({ ...base, requesterPhone: bad })
      expect(e?.where, bad).toBe('requesterPhone')
      expect(e?.code).toBe('DUBAN_ERR_FIELD_INVALID')
    }
  })

  it('requires a phone on the public page; the desk may be fully anonymous', () => {
    const { requesterPhone: _, ...noPhone } = base
    expect(refusal(noPhone, 'web')?.where).toBe('requesterPhone')
    const desk = checkIntake({ ...noPhone, anonymous: true } as TicketIntakeFields)
    expect(desk.requesterPhone).toBeNull()
    expect(desk.requesterName).toBeNull()
    expect(desk.anonymous).toBe(true)
  })

  it('keeps no name for an anonymous requester; names are at most 50 characters', () => {
    expect(checkIntake({ ...base, anonymous: true, requesterName: '张三' }).requesterName).toBeNull()
    expect(checkIntake({ ...base, requesterName: ' 张三 ' }).requesterName).toBe('张三')
    expect(checkIntake({ ...base, requesterName: '名'.repeat(50) }).requesterName).toHaveLength(50)
    expect(refusal({ ...base, requesterName: '名'.repeat(51) })?.where).toBe('requesterName')
    expect(refusal({ ...base, anonymous: 'yes' })?.where).toBe('anonymous')
  })

  it('checks coordinates: ranges, both or neither', () => {
    expect(checkIntake({ ...base, lat: 30.5, lng: 120.1 })).toMatchObject({ lat: 30.5, lng: 120.1 })
    expect(checkIntake({ ...base, lat: -90, lng: 180 })).toMatchObject({ lat: -90, lng: 180 })
    expect(refusal({ ...base, lat: 91, lng: 0 })?.where).toBe('lat')
    expect(refusal({ ...base, lat: 0, lng: -180.5 })?.where).toBe('lng')
    expect(refusal({ ...base, lat: 30 })?.where).toBe('lng')
    expect(refusal({ ...base, lng: 120 })?.where).toBe('lat')
    expect(refusal({ ...base, lat: Number.NaN, lng: 1 })?.where).toBe('lat')
    expect(refusal({ ...base, lat: '30', lng: 120 })?.where).toBe('lat')
  })

  it('limits the address to 200 characters', () => {
    expect(checkIntake({ ...base, address: '路'.repeat(200) }).address).toHaveLength(200)
    expect(refusal({ ...base, address: '路'.repeat(201) })?.where).toBe('address')
  })

  it('property: any well-formed text without controls is accepted and kept trimmed', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== '' && !/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\r\uFFFD]/.test(s))
    fc.assert(
      fc.property(text, (content) => {
        expect(checkIntake({ ...base, content }).content).toBe(content.trim())
      }),
    )
  })

  it('property: a control character anywhere in a text field is refused naming that field', () => {
    const controls = fc.integer({ min: 0, max: 0x9f }).filter((c) => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c >= 0x7f)
    const field = fc.constantFrom('content', 'requesterName', 'address')
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), controls, fc.string({ maxLength: 20 }), field, (before, c, after, f) => {
        const e = refusal({ ...base, [f]: `x${before}${String.fromCharCode(c)}${after}` })
        expect(e?.where).toBe(f)
      }),
    )
  })

  it('property: normalisePhone is idempotent and yields only digits of the allowed shapes', () => {
    const mobile = fc.tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/)).map(([d, rest]) => `1${d}${rest}`)
    const sep = fc.constantFrom('', ' ', '-')
    fc.assert(
      fc.property(mobile, sep, fc.boolean(), (m, s, plus) => {
        const written = `${plus ? '+86' + s : ''}${m.slice(0, 3)}${s}${m.slice(3, 7)}${s}${m.slice(7)}`
        const n = normalisePhone(written)
        expect(n).toBe(m)
        expect(normalisePhone(n as string)).toBe(m)
      }),
    )
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const n = normalisePhone(s)
        if (n !== null) expect(n).toMatch(/^(1[3-9]\d{9}|0\d{9,11})$/)
      }),
    )
  })
})
