/** Schemas of the documents an office sends: the 督办通知单 and the issuing office's particulars (落款). */
import { errorBodySchema } from './errors.ts'

const sec = [{ bearer: [] }]
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const
const profile = {
  type: 'object',
  properties: {
    issuingOffice: { type: 'string', description: '落款, e.g. 云州市人民政府督查室' },
    bulletinPrefix: { type: 'string', description: '通报文号前缀, e.g. 云督通 → 云督通〔2026〕3号' },
    noticePrefix: {
      type: 'string',
      description: "督办通知单文号前缀: the admin's own when set apart (noticePrefixSet), else from the office: the top's 督办 → 督办〔2026〕12号; an area's from its 通报 prefix, 青龙督通 → 青龙督办〔2026〕1号",
    },
    noticePrefixSet: { type: 'boolean', description: 'true when an admin set the 督办通知单 prefix apart from the 通报 prefix' },
    configured: { type: 'boolean', description: 'false while derived from the unit tree (no admin has set it)' },
  },
  required: ['issuingOffice', 'bulletinPrefix', 'noticePrefix', 'noticePrefixSet', 'configured'],
} as const

export const noticeDocumentSchema = {
  tags: ['supervision'],
  summary: 'The printable 督办通知单 (.docx): 文号, 主送单位, the task and its due date, reason, reply deadline, 落款 and date',
  security: sec,
  params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
} as const

export const getOfficeSchema = {
  tags: ['documents'],
  summary: 'The issuing office (落款) and 通报 number prefix printed on documents',
  security: sec,
  response: { 200: profile, ...errors },
} as const

export const putOfficeSchema = {
  tags: ['documents'],
  summary: 'Set the issuing office (落款), the 通报 number prefix and, optionally, the 督办通知单 number prefix (admin); audited',
  security: sec,
  body: {
    type: 'object',
    properties: {
      issuingOffice: { type: 'string', maxLength: 60 },
      bulletinPrefix: { type: 'string', maxLength: 12 },
      noticePrefix: {
        type: ['string', 'null'],
        maxLength: 12,
        description: "督办通知单文号前缀 of its own (e.g. 青督字 → 青督字〔2026〕1号); absent, null or '' follows from the office. Numbering goes on in the office's series of the year",
      },
    },
    required: ['issuingOffice', 'bulletinPrefix'],
    additionalProperties: false,
  },
  response: { 200: profile, ...errors, 409: errorBodySchema },
} as const

const areaOffice = {
  type: 'object',
  properties: {
    ...profile.properties,
    unit: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' } },
      required: ['id', 'name', 'level'],
      description: 'the area unit the office belongs to (the top of the tree for the top office; null when the directory is empty)',
    },
    top: { type: 'boolean', description: "true for the top of the tree's office (the one GET /api/office gives)" },
  },
  required: ['issuingOffice', 'bulletinPrefix', 'noticePrefix', 'noticePrefixSet', 'configured', 'unit', 'top'],
} as const

export const listAreaOfficesSchema = {
  tags: ['documents'],
  summary: "Every issuing office (admin): the top's, then each province, city or district unit below it, with its 落款 and 通报 prefix (set or derived)",
  description: "A 通报 downloaded, or a 督办通知单 issued, by a reader whose data scope lies within one area below the top (a district's 督查室) is signed and numbered by that area's office, each office counting its own numbers per year.",
  security: sec,
  response: { 200: { type: 'array', items: areaOffice }, ...errors },
} as const

export const putAreaOfficeSchema = {
  tags: ['documents'],
  summary: "Set an area's 落款, 通报 prefix and, optionally, 督办通知单 prefix (admin; the top's unit sets the top's office); audited. 409 when another office prints one of them",
  security: sec,
  params: { type: 'object', properties: { unitId: { type: 'string', maxLength: 64 } }, required: ['unitId'] },
  body: putOfficeSchema.body,
  response: { 200: areaOffice, ...errors, 409: errorBodySchema },
} as const

export const bulletinOfficeSchema = {
  tags: ['documents'],
  summary: "The office that signs and numbers the reader's 通报 and 督办通知单 (admin, supervisor, leader): an area's below the top when the reader's data scope lies within it (office = its unit id), else the top's (office '')",
  security: sec,
  response: {
    200: {
      type: 'object',
      properties: { ...profile.properties, office: { type: 'string', description: "'' for the top's office, else the area unit's id" } },
      required: ['issuingOffice', 'bulletinPrefix', 'noticePrefix', 'noticePrefixSet', 'configured', 'office'],
    },
    ...errors,
  },
} as const
