/** Hot spots (未诉先办): GET /api/hotspots detects at now and lists the hot spots of the last 30 days with their tickets. */
import { hotSpotsFor } from '../../app/tickets/hot-spots.ts'
import { requireRole } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import { boardScopeSchema } from './hotline-kpi.schema.ts'
import type { RoutePlugin } from './routes.ts'

const str = { type: 'string' } as const
const strOrNull = { type: ['string', 'null'] } as const
const num = { type: 'number' } as const
const int = { type: 'integer' } as const

const ticket = {
  type: 'object',
  properties: { id: str, number: str, content: str, address: str, receivedAt: str, state: str, leadUnitName: strOrNull },
} as const

const hotSpot = {
  type: 'object',
  properties: {
    id: str,
    placeUnitId: str,
    placeName: strOrNull,
    categoryCode: str,
    categoryName: strOrNull,
    recentFrom: str,
    recentTo: str,
    recentCount: int,
    baselineCount: int,
    expected: { ...num, description: 'the baseline scaled to the recent window' },
    ratio: { ...num, description: 'recentCount / max(expected, 1)' },
    detectedAt: str,
    updatedAt: str,
    tickets: { type: 'array', items: ticket },
  },
} as const

const listSchema = {
  tags: ['tickets'],
  summary: '未诉先办: hot spots — a street or district and category whose last 7 days hold at least 5 tickets and twice the usual',
  description:
    'Detects at the current time (new hot spots are recorded and notified to operators, supervisors and the units leading their tickets, once), then lists those whose recent window ended in the last 30 days, sharpest first. Within a data scope (a unit liaison, a district 督查室, a 分管 leader, an operator an admin gave a scope; an operator without one sees every hot spot) only the hot spots of a place in scope or with a ticket in scope are listed, each with its tickets in scope (one of its units or its place in scope); `scope` names the scope applied.',
  security: [{ bearer: [] }],
  response: {
    200: {
      type: 'object',
      properties: {
        hotSpots: { type: 'array', items: hotSpot },
        scope: boardScopeSchema,
        rule: { type: 'object', properties: { recentDays: int, baselineDays: int, minCount: int, minRatio: num } },
        run: { type: 'object', properties: { found: int, created: int, updated: int, notified: int } },
      },
    },
    401: errorBodySchema,
    403: errorBodySchema,
  },
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get('/hotspots', { schema: listSchema }, async (request) =>
    hotSpotsFor(deps, requireRole(request, 'admin', 'supervisor', 'operator', 'leader', 'unit_liaison')),
  )
}

export default plugin
