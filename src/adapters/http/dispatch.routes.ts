/**
 * Dispatch suggestions (智能派单建议) for the operator desk: `POST /api/dispatch/suggestions` with the request's
 * text and address, answering the three units most likely to handle it, with a confidence.
 */
import { dispatchSuggesterFor } from '../../app/dispatch/dispatch-suggester.ts'
import type { DispatchQuery } from '../../domain/dispatch/dispatch.model.ts'
import { jiebaTokenize } from '../text/jieba.tokenize.ts'
import { errorBodySchema } from './errors.ts'
import { requireRole } from './auth.ts'
import type { RoutePlugin } from './routes.ts'

const str = { type: 'string' } as const

/** Request and response schema (the response schema keeps anything else from leaking). */
export const dispatchSuggestionsSchema = {
  tags: ['tickets'],
  summary: 'Up to three units likely to handle a request (智能派单建议), best first, with a confidence 0–1',
  security: [{ bearer: [] }],
  body: {
    type: 'object',
    properties: {
      text: { type: 'string', minLength: 1, maxLength: 5000, description: 'what the requester says (诉求内容)' },
      address: { type: 'string', maxLength: 200, description: 'where (诉求地址); decides district or township' },
    },
    required: ['text'],
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: {
        suggestions: {
          type: 'array',
          maxItems: 3,
          items: {
            type: 'object',
            properties: {
              unit: { type: 'object', properties: { id: str, name: str, function: str }, required: ['id', 'name', 'function'] },
              confidence: { type: 'number', minimum: 0, maximum: 1 },
            },
            required: ['unit', 'confidence'],
          },
        },
      },
      required: ['suggestions'],
    },
    400: errorBodySchema,
    401: errorBodySchema,
    403: errorBodySchema,
  },
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.post<{ Body: DispatchQuery }>('/dispatch/suggestions', { schema: dispatchSuggestionsSchema }, async (request) => {
    requireRole(request, 'operator', 'admin')
    const suggestions = await dispatchSuggesterFor(deps, jiebaTokenize).suggest({ text: request.body.text, address: request.body.address })
    return { suggestions }
  })
}

export default plugin
