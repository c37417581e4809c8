/** Request and response schemas of the calendar routes (工作日历). */
import { errorBodySchema } from './errors.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const
const yearParams = { type: 'object', properties: { year: { type: 'integer' } }, required: ['year'] } as const

/** A CalendarYear as stored; open-ended so the validator, not the schema, names each wrong field. */
const calendarYearData = { type: 'object', additionalProperties: true } as const

const yearView = {
  type: 'object',
  properties: {
    year: { type: 'integer' },
    origin: { type: 'string', enum: ['admin', 'official', 'none'] },
    data: { anyOf: [calendarYearData, { type: 'null' }] },
  },
  required: ['year', 'origin', 'data'],
} as const

export const getCalendarYearSchema = {
  tags: ['calendar'],
  summary: 'A calendar year in effect: admin-supplied, official (built in) or none (weekends and statutory solar-date holidays, unverified)',
  security: [{ bearer: [] }],
  params: yearParams,
  response: { 200: yearView, ...errors },
} as const

export const putCalendarYearSchema = {
  tags: ['calendar'],
  summary: 'Store a calendar year (holidays, 调休 working days, source); every wrong field is named, nothing is written on error',
  security: [{ bearer: [] }],
  params: yearParams,
  // Deliberately open: validateCalendarYear reports unknown and wrong fields with their paths.
  body: { type: 'object' },
  response: { 200: yearView, ...errors },
} as const

export const checkDateSchema = {
  tags: ['calendar'],
  summary: 'What a date is: workday, weekend, holiday or 调休 working day',
  security: [{ bearer: [] }],
  params: { type: 'object', properties: { date: { type: 'string' } }, required: ['date'] },
  response: {
    200: {
      type: 'object',
      properties: {
        date: { type: 'string' },
        kind: { type: 'string' },
        working: { type: 'boolean' },
        holiday: { type: ['string', 'null'] },
        covered: { type: 'boolean' },
        nextWorkingDay: { type: 'string' },
      },
    },
    ...errors,
  },
} as const

export const calendarCoverageSchema = {
  tags: ['calendar'],
  summary: 'Years the calendar holds, and years open items are due in that it does not hold (their dates are unverified)',
  security: [{ bearer: [] }],
  response: {
    200: {
      type: 'object',
      properties: {
        years: { type: 'array', items: { type: 'integer' } },
        uncoveredInUse: {
          type: 'array',
          items: { type: 'object', properties: { year: { type: 'integer' }, items: { type: 'integer' } }, required: ['year', 'items'] },
        },
        message: { type: ['string', 'null'] },
      },
      required: ['years', 'uncoveredInUse', 'message'],
    },
    ...errors,
  },
} as const
