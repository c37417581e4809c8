/**
 * Undo with a trace (issue 8 point 5): correct a progress report (更正进展) and cancel a confirmed plan's tasks
 * before any unit acted (撤销下发). 撤回 of a 督办单 lives with the notices (supervision.routes.ts).
 */
import { correctReport, type CorrectReportInput } from '../../app/items/correct-report.ts'
import { cancelPlan, type CancelPlanInput } from '../../app/plans/cancel-plan.ts'
import { requireRole } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import type { RoutePlugin } from './routes.ts'

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const
const sec = [{ bearer: [] }]
const id = { type: 'string', minLength: 1, maxLength: 100 } as const

const correctionSchema = {
  tags: ['items'],
  summary: 'Correct a progress report (更正进展): new text and/or figures with a reason; the original is kept and shown (reporting unit, supervisor, admin)',
  security: sec,
  params: { type: 'object', properties: { id, reportId: id }, required: ['id', 'reportId'] },
  body: {
    type: 'object',
    properties: {
      text: { type: 'string', minLength: 1, maxLength: 20000 },
      measures: { type: 'object', additionalProperties: { type: 'number' }, maxProperties: 50 },
      reason: { type: 'string', minLength: 1, maxLength: 2000 },
    },
    required: ['reason'],
    additionalProperties: false,
  },
  response: { 200: { type: 'object', additionalProperties: true }, ...errors },
} as const

const cancelSchema = {
  tags: ['plans'],
  summary: "Cancel a confirmed plan's tasks (撤销下发) — all, or those named — while no unit has acted on them (supervisor, admin)",
  security: sec,
  params: { type: 'object', properties: { id }, required: ['id'] },
  body: {
    type: 'object',
    properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 }, itemIds: { type: 'array', items: id, maxItems: 1000 } },
    required: ['reason'],
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        planId: { type: 'string' },
        planStatus: { type: 'string' },
        cancelled: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, number: { type: 'string' } } } },
      },
    },
    ...errors,
  },
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.post<{ Params: { id: string; reportId: string }; Body: CorrectReportInput }>(
    '/items/:id/reports/:reportId/correction',
    { schema: correctionSchema },
    async (request) => correctReport(deps, requireRole(request, 'admin', 'supervisor', 'unit_liaison'), request.params.id, request.params.reportId, request.body),
  )
  app.post<{ Params: { id: string }; Body: CancelPlanInput }>('/plans/:id/cancel', { schema: cancelSchema }, async (request) =>
    cancelPlan(deps, requireRole(request, 'admin', 'supervisor'), request.params.id, request.body),
  )
}

export default plugin
