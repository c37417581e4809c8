/**
 * The workflow engine's public API (流转引擎): kinds as data, transition(), clocks, validation, city
 * configuration and reporting cadence. Use-cases import from here, not from the files behind it.
 */
export type * from './kind.types.ts'
export { ROLES, FIELD_TYPES } from './kind.types.ts'
export { createSnapshot, transition, availableEvents, relationHolds, undeclaredEvent, START_EVENT } from './transition.ts'
export type { TransitionContext, TransitionResult, AvailableEvent } from './transition.ts'
export { validateKind, assertKindValid } from './kind.validate.ts'
export type { HandledEffects, KindProblem } from './kind.validate.ts'
export { clockStatus, clockSignals, computeDueAt, resolveLimit, escalationAt, startClock } from './clock.ts'
export type { WorkingCalendar, ClockStatus, ClockReport, ClockSignal } from './clock.ts'
export { builtinRegistry, builtinGuards, builtinEffects, parseEffect } from './registry.ts'
export type { WorkflowRegistry, Guard, GuardInput, EffectImpl, EffectDraft } from './registry.ts'
export { expectedReportDates, countOnTimeReports } from './cadence.ts'
export { localDate, endOfDay, dueInstant, isIsoDate, isInstant, CHINA_OFFSET } from './time.ts'
