import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DubanError } from '../../../domain/errors.ts'
import {
  discoveryOf,
  fromGeoReportPost,
  maskPersonalNumbers,
  nameOf,
  open311FieldOf,
  REPORT_WITHHELD,
  requestFilterOf,
  serviceDefinitionOf,
  toGeoReportRequest,
  toGeoReportServices,
  type GeoReportSource,
} from './georeport.map.ts'
import { escapeXml, list, toXml } from './xml.ts'

const ticket: GeoReportSource = {
  number: 'GD-2026-000001',
  stateType: 'waiting',
  stateLabel: '已派单',
  requestType: 'complaint',
  categoryCode: '03.02.05',
  categoryPath: ['城乡建设', '市容环境', '占道经营'],
  content: '江滨路夜市占道，联系电话13812345678',
  lead: { id: 'dh-cg', name: '东湖区城市管理局' },
  receivedAt: '2026-03-02T01:00:00.000Z',
  updatedAt: '2026-03-02T02:30:00.000Z',
  dueAt: '2026-03-11T09:00:00.000Z',
  address: '江滨路 1 号',
  placeUnitId: 'dh-jb',
  lat: 30.5,
  lng: 120.1,
  limits: { handle: { unit: 'working_days', amount: 7 } },
  reply: null,
}

function thrown(fn: () => unknown): DubanError {
  try {
    fn()
  } catch (e) {
    if (e instanceof DubanError) return e
    throw e
  }
  throw new Error('did not throw')
}

describe('toGeoReportRequest', () => {
  it('maps a ticket to the spec fields, in China time with the offset', () => {
    expect(toGeoReportRequest(ticket)).toEqual({
      service_request_id: 'GD-2026-000001',
      status: 'open',
      status_notes: '已派单',
      service_name: '占道经营',
      service_code: '03.02.05',
      description: '江滨路夜市占道，联系电话138****5678',
      agency_responsible: '东湖区城市管理局',
      service_notice: '按规定7个工作日内办理',
      requested_datetime: '2026-03-02T09:00:00+08:00',
      updated_datetime: '2026-03-02T10:30:00+08:00',
      expected_datetime: '2026-03-11T17:00:00+08:00',
      address: '江滨路 1 号',
      address_id: 'dh-jb',
      zipcode: null,
      lat: 30.5,
      long: 120.1,
      media_url: null,
    })
  })

  it('is closed exactly when the state type is closed, with the reply as status notes and no expected time', () => {
    const closed = toGeoReportRequest({ ...ticket, stateType: 'closed', stateLabel: '已办结', reply: { text: '已清理，回访电话0571-87654321', at: '2026-03-05T01:00:00Z' } })
    expect(closed.status).toBe('closed')
    expect(closed.status_notes).toBe('已办结：已清理，回访电话0571-****4321')
    expect(closed.expected_datetime).toBeNull()
    for (const stateType of ['open', 'waiting']) expect(toGeoReportRequest({ ...ticket, stateType }).status).toBe('open')
  })

  it('never carries requester fields, even when the source has them', () => {
    const withRequester = { ...ticket, requesterName: '张三', requesterPhone: '13812345678', anonymous: false } as GeoReportSource
    const out = JSON.stringify(toGeoReportRequest(withRequester))
    expect(out).not.toContain('张三')
    expect(out).not.toContain('13812345678')
    expect(out).not.toMatch(/requester|phone|first_name|last_name|email/)
  })

  it('withholds the content, place and reply of a 举报 (report)', () => {
    const r = toGeoReportRequest({ ...ticket, requestType: 'report', reply: { text: '已查处', at: '2026-03-05T01:00:00Z' } })
    expect(r.description).toBe(REPORT_WITHHELD)
    expect([r.address, r.address_id, r.lat, r.long]).toEqual([null, null, null, null])
    expect(r.status_notes).toBe('已派单')
  })

  it('writes times to the second, as the spec examples do', () => {
    const r = toGeoReportRequest({ ...ticket, receivedAt: '2026-12-01T06:51:20.788Z', updatedAt: '2026-12-01T06:51:20.999Z' })
    expect([r.requested_datetime, r.updated_datetime]).toEqual(['2026-12-01T14:51:20+08:00', '2026-12-01T14:51:20+08:00'])
  })

  it('takes a missing update time as the receipt time; an unknown limit unit gives no notice', () => {
    const r = toGeoReportRequest({ ...ticket, updatedAt: null, limits: { handle: { unit: 'fortnights', amount: 1 } }, lead: null, address: '' })
    expect(r.updated_datetime).toBe(r.requested_datetime)
    expect(r.service_notice).toBeNull()
    expect(r.agency_responsible).toBeNull()
    expect(r.address).toBeNull()
  })
})

describe('maskPersonalNumbers', () => {
  it('masks mobiles, landlines and ID-card numbers, and keeps other numbers', () => {
    expect(maskPersonalNumbers('电话 +86 138-1234-5678 或 13912345678')).toBe('电话 138****5678 或 139****5678')
    expect(maskPersonalNumbers('座机010-12345678')).toBe('座机010-****5678')
    expect(maskPersonalNumbers('身份证 33010219900101123X')).toBe('身份证 330102********123X')
    expect(maskPersonalNumbers('3号楼2单元，共12户，2026年3月')).toBe('3号楼2单元，共12户，2026年3月')
  })

  it('property: no 11-digit mobile number survives', () => {
    const mobile = fc.tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/)).map(([d, r]) => `1${d}${r}`)
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), mobile, fc.string({ maxLength: 10 }), (a, m, b) => {
        expect(maskPersonalNumbers(`${a} ${m} ${b}`)).not.toContain(m)
      }),
    )
  })
})

describe('services', () => {
  const entries = [
    { code: '03', parentCode: null, level: 1, name: '城乡建设', description: '' },
    { code: '03.02', parentCode: '03', level: 2, name: '市容环境', description: '' },
    { code: '03.02.05', parentCode: '03.02', level: 3, name: '占道经营', description: '' },
    { code: '03.02.01', parentCode: '03.02', level: 3, name: '垃圾清运', description: '生活垃圾未及时清运' },
  ]

  it('lists level-3 categories with their level-1 group', () => {
    expect(toGeoReportServices(entries)).toEqual([
      { service_code: '03.02.01', service_name: '垃圾清运', description: '生活垃圾未及时清运', metadata: false, type: 'realtime', keywords: '城乡建设, 市容环境', group: '城乡建设' },
      { service_code: '03.02.05', service_name: '占道经营', description: '城乡建设 › 市容环境 › 占道经营', metadata: false, type: 'realtime', keywords: '城乡建设, 市容环境', group: '城乡建设' },
    ])
  })

  it('defines the request type as an optional single-value list', () => {
    const d = serviceDefinitionOf('03.02.05')
    expect(d.service_code).toBe('03.02.05')
    expect(d.attributes).toHaveLength(1)
    expect(d.attributes[0]).toMatchObject({ code: 'request_type', datatype: 'singlevaluelist', required: false, order: 1 })
    expect(d.attributes[0]?.values.map((v) => v.key)).toEqual(['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'])
  })

  it('describes one GeoReport v2 endpoint in discovery', () => {
    const d = discoveryOf('http://localhost/open311/v2', '2026-03-02 09:00')
    expect(d.endpoints[0]).toEqual({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://localhost/open311/v2',
      changeset: '2026-03-02 09:00',
      type: 'production',
      formats: ['text/xml', 'application/json'],
    })
  })
})

describe('fromGeoReportPost', () => {
  const post = { service_code: '03.02.05', lat: '30.5', long: '120.1', description: '夜市占道', first_name: '三', last_name: '张', phone: '13812345678' }

  it('reads a form post into intake fields', () => {
    expect(fromGeoReportPost(post)).toEqual({
      intake: {
        requestType: 'complaint',
        categoryCode: '03.02.05',
        content: '夜市占道',
        requesterName: '张三',
        requesterPhone: '13812345678',
        address: null,
        lat: 30.5,
        lng: 120.1,
        placeUnitId: null,
      },
      mediaUrl: null,
    })
  })

  it('takes JSON numbers, address_id as the place, attribute[request_type] in both spellings, media_url', () => {
    const a = fromGeoReportPost({ service_code: '03.02.05', address_id: 'dh-jb', description: 'x', 'attribute[request_type]': 'help', media_url: 'https://img.example/a.jpg' })
    expect(a.intake).toMatchObject({ placeUnitId: 'dh-jb', requestType: 'help', lat: null })
    expect(a.mediaUrl).toBe('https://img.example/a.jpg')
    const b = fromGeoReportPost({ service_code: '03.02.05', lat: 30.5, long: 120.1, description: 'x', attribute: { request_type: 'suggestion' } })
    expect(b.intake).toMatchObject({ lat: 30.5, lng: 120.1, requestType: 'suggestion' })
  })

  it('refuses, naming the GeoReport field: no service_code, no location, half a coordinate, no or long description, bad type, bad URL', () => {
    expect(thrown(() => fromGeoReportPost({ ...post, service_code: '' })).where).toBe('service_code')
    expect(thrown(() => fromGeoReportPost({ service_code: 'x', description: 'x' })).where).toBe('lat')
    expect(thrown(() => fromGeoReportPost({ ...post, long: undefined })).where).toBe('long')
    expect(thrown(() => fromGeoReportPost({ ...post, lat: 'north' })).where).toBe('lat')
    expect(thrown(() => fromGeoReportPost({ ...post, description: ' ' })).where).toBe('description')
    expect(thrown(() => fromGeoReportPost({ ...post, description: 'x'.repeat(4001) })).where).toBe('description')
    expect(thrown(() => fromGeoReportPost({ ...post, 'attribute[request_type]': 'rant' })).where).toBe('attribute[request_type]')
    expect(thrown(() => fromGeoReportPost({ ...post, media_url: 'javascript:alert(1)' })).where).toBe('media_url')
    expect(thrown(() => fromGeoReportPost({ ...post, phone: ['1', '2'] })).where).toBe('phone')
  })

  it('names people in Chinese and Western order', () => {
    expect(nameOf('三', '张')).toBe('张三')
    expect(nameOf('John', 'Smith')).toBe('John Smith')
    expect(nameOf(null, 'Smith')).toBe('Smith')
    expect(nameOf(' ', null)).toBeNull()
  })

  it('names duban fields in GeoReport words', () => {
    expect(open311FieldOf('requesterPhone')).toBe('phone')
    expect(open311FieldOf('body/content')).toBe('description')
    expect(open311FieldOf('lng')).toBe('long')
    expect(open311FieldOf('jurisdiction_id')).toBe('jurisdiction_id')
  })
})

describe('requestFilterOf', () => {
  const now = Date.parse('2026-06-01T00:00:00Z')
  const day = 86_400_000

  it('defaults to the most recent 90 days, at most 1000', () => {
    expect(requestFilterOf({}, now)).toEqual({ ids: null, serviceCodes: null, statuses: null, from: now - 90 * day, to: now, limit: 1000 })
  })

  it('reads comma lists and repeated parameters; service_request_id overrides everything', () => {
    const f = requestFilterOf({ service_code: '03.02.05,03.02.01', status: ['open', 'closed'] }, now)
    expect(f.serviceCodes).toEqual(['03.02.05', '03.02.01'])
    expect(f.statuses).toEqual(['open', 'closed'])
    const ids = requestFilterOf({ service_request_id: 'GD-2026-000001, GD-2026-000002', status: 'bogus' }, now)
    expect(ids.ids).toEqual(['GD-2026-000001', 'GD-2026-000002'])
  })

  it('takes w3 dates, refuses bad ones, reversed ranges and spans over 90 days', () => {
    const f = requestFilterOf({ start_date: '2026-03-01T00:00:00Z', end_date: '2026-03-31T00:00:00+08:00' }, now)
    expect(f.from).toBe(Date.parse('2026-03-01T00:00:00Z'))
    expect(f.to).toBe(Date.parse('2026-03-30T16:00:00Z'))
    expect(requestFilterOf({ start_date: '2026-03-01T00:00:00Z' }, now).to).toBe(Date.parse('2026-03-01T00:00:00Z') + 90 * day)
    expect(thrown(() => requestFilterOf({ start_date: 'yesterday' }, now)).where).toBe('start_date')
    expect(thrown(() => requestFilterOf({ start_date: '2026-03-02', end_date: '2026-03-01' }, now)).where).toBe('end_date')
    expect(thrown(() => requestFilterOf({ start_date: '2026-01-01', end_date: '2026-05-01' }, now)).where).toBe('end_date')
    expect(thrown(() => requestFilterOf({ status: 'pending' }, now)).where).toBe('status')
  })
})

describe('xml', () => {
  it('writes the spec shapes: declaration, lists, empty elements', () => {
    const doc = toXml('service_requests', list('request', [{ service_request_id: 'GD-2026-000001', service_notice: 'a & b', account_id: null }]))
    expect(doc).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<service_requests>',
        '  <request>',
        '    <service_request_id>GD-2026-000001</service_request_id>',
        '    <service_notice>a &amp; b</service_notice>',
        '    <account_id/>',
        '  </request>',
        '</service_requests>',
        '',
      ].join('\n'),
    )
    expect(toXml('services', list('service', []))).toBe('<?xml version="1.0" encoding="utf-8"?>\n<services/>\n')
  })

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;y&apos;')
    expect(escapeXml('a\u0000b\u001Fc\uD800d\tz\n😀')).toBe('abcd\tz\n😀')
  })

  it('property: any text round-trips through escaping (XML character entities decoded back)', () => {
    const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const e = escapeXml(s)
        expect(e).not.toMatch(/[<>]/)
        expect(unescape(e)).toBe(s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''))
      }),
    )
  })
})

describe('xml lists under plural names', () => {
  it('names entries of a plain array by the singular of its element', () => {
    const doc = toXml('discovery', { endpoints: [{ formats: ['text/xml', 'application/json'] }], categories: [] })
    expect(doc).toContain('<endpoints>\n    <endpoint>\n      <formats>\n        <format>text/xml</format>')
    expect(doc).toContain('<categories/>')
  })
})
