/** Schemas of the documents an office sends: the 督办通知单 and the issuing office's particulars (落款). */
import { errorBodySchema } from './errors.ts'

const sec = [{ bearer: [] }]
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const
const profile = {
  type: 'object',
  properties: {
    issuingOffice: { type: 'string', description: '落款, e.g. 云州市人民政府督查室' },
    bulletinPrefix: { type: 'string', description: '通报文号前缀, e.g. 云督通 → 云督通〔2026〕3号' },
    configured: { type: 'boolean', description: 'false while derived from the unit tree (no admin has set it)' },
  },
  required: ['issuingOffice', 'bulletinPrefix', 'configured'],
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
  summary: 'Set the issuing office (落款) and 通报 number prefix (admin); audited',
  security: sec,
  body: {
    type: 'object',
    properties: { issuingOffice: { type: 'string', maxLength: 60 }, bulletinPrefix: { type: 'string', maxLength: 12 } },
    required: ['issuingOffice', 'bulletinPrefix'],
    additionalProperties: false,
  },
  response: { 200: profile, ...errors },
} as const
