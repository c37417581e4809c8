/** The working-day calendar (工作日历): admins read and replace whole years; anyone signed in checks a date. */
import { showCalendarYear, saveCalendarYear } from '../../app/calendar/calendar-year.save.ts'
import { checkCalendarDate } from '../../app/calendar/calendar.load.ts'
import { requireActor, requireRole } from './auth.ts'
import { calendarCoverage } from '../../app/calendar/calendar-coverage.ts'
import { calendarCoverageSchema, checkDateSchema, getCalendarYearSchema, putCalendarYearSchema } from './calendar.schema.ts'
import type { RoutePlugin } from './routes.ts'

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get('/calendar/coverage', { schema: calendarCoverageSchema }, async (request) => {
    requireRole(request, 'admin')
    return calendarCoverage(deps)
  })

  app.get<{ Params: { year: number } }>('/calendar/:year', { schema: getCalendarYearSchema }, async (request) => {
    requireRole(request, 'admin')
    return showCalendarYear(deps, request.params.year)
  })

  app.put<{ Params: { year: number }; Body: unknown }>('/calendar/:year', { schema: putCalendarYearSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return saveCalendarYear(deps, actor, request.body, request.params.year)
  })

  app.get<{ Params: { date: string } }>('/calendar/days/:date', { schema: checkDateSchema }, async (request) => {
    requireActor(request)
    return checkCalendarDate(deps, request.params.date)
  })
}

export default plugin
