/**
 * Every area's route plugin, registered under /api by server.ts. Add one line per area.
 * A plugin file is `<noun>.routes.ts` with `export default async function (app, { deps })`.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { AppDeps } from '../../app/deps.ts'

export type RoutePlugin = FastifyPluginAsync<{ deps: AppDeps }>

/** Lazily imported so one broken area does not hide the others' type errors. */
export const routePlugins: readonly (() => Promise<{ default: RoutePlugin }>)[] = [
  () => import('./auth.routes.ts'),
  () => import('./users.routes.ts'),
  () => import('./user-scope.routes.ts'),
  () => import('./units.routes.ts'),
  () => import('./plans.routes.ts'),
  () => import('./items.routes.ts'),
  () => import('./shared-work.routes.ts'),
  () => import('./calendar.routes.ts'),
  () => import('./supervision.routes.ts'),
  () => import('./notifications.routes.ts'),
  () => import('./assessment.routes.ts'),
  () => import('./exports.routes.ts'),
  () => import('./documents.routes.ts'),
  () => import('./audit.routes.ts'),
  () => import('./supervision-record.routes.ts'),
  () => import('./hotline-kpi.routes.ts'),
  () => import('./catalogue.routes.ts'),
  () => import('./tickets.routes.ts'),
  () => import('./public-tickets.routes.ts'),
  () => import('./dispatch.routes.ts'),
  () => import('./knowledge.routes.ts'),
  () => import('./hot-spots.routes.ts'),
  () => import('./duplicates.routes.ts'),
  () => import('./undo.routes.ts'),
]
