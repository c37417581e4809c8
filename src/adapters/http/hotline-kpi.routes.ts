/** The 12345 KPI dashboard (接诉即办考核): GET /api/hotline/kpis for leaders, supervisors, admins and operators. */
import { hotlineKpis, type KpiQuery } from '../../app/tickets/hotline-kpis.ts'
import { requireRole } from './auth.ts'
import { hotlineKpisSchema } from './hotline-kpi.schema.ts'
import type { RoutePlugin } from './routes.ts'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Querystring: KpiQuery }>('/hotline/kpis', { schema: hotlineKpisSchema }, async (request) => {
    const actor = requireRole(request, 'leader', 'supervisor', 'admin', 'operator')
    return hotlineKpis(deps, actor, request.query)
  })
}

export default plugin
