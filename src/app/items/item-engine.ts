/**
 * What plan and item use-cases share around the engine (流转引擎): the kind of an item, the engine's
 * view of an actor, the calendar port and the instant now.
 */
import type { Queryable } from '../../persistence/db.ts'
import { DubanError } from '../../domain/errors.ts'
import { taskKind } from '../../domain/kinds/task.kind.ts'
import { ticketKind } from '../../domain/kinds/ticket.kind.ts'
import type { Actor as EngineActor, KindDef, WorkingCalendar } from '../../domain/workflow/index.ts'
import type { Calendar } from '../../domain/calendar/calendar.model.ts'
import { cachedCalendar } from '../calendar/calendar.load.ts'
import type { Actor } from '../deps.ts'

const KINDS: Readonly<Record<string, KindDef>> = {
  [`${taskKind.id}@${taskKind.version}`]: taskKind,
  [`${ticketKind.id}@${ticketKind.version}`]: ticketKind,
}

/** The kind an item started with (items keep their kind version). */
export function kindOf(id: string, version: string | number): KindDef {
  const k = KINDS[`${id}@${String(version)}`]
  if (!k) throw new DubanError('DUBAN_ERR_KIND_UNKNOWN', `${id}@${String(version)}`)
  return k
}

/** The current plan task kind (督办任务). */
export function currentTaskKind(): KindDef {
  return taskKind
}

/** The current 12345 ticket kind (12345 工单). */
export function currentTicketKind(): KindDef {
  return ticketKind
}

/** The engine's view of an authenticated actor. */
export function engineActor(actor: Actor): EngineActor {
  return actor.unitId
    ? { userId: actor.userId ?? 'system', roles: [actor.role], unitId: actor.unitId }
    : { userId: actor.userId ?? 'system', roles: [actor.role] }
}

/** The calendar and the engine's port over it: this process's cached copy, current with every write (see cachedCalendar). */
export function calendarFor(q: Queryable): Promise<{ calendar: Calendar; working: WorkingCalendar }> {
  return cachedCalendar(q)
}

/** The China-local date (北京时间) of an instant. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}
