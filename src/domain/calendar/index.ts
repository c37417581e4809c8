/** The working-day calendar (工作日 / 调休): data, model, due dates and working hours. */
export * from './calendar-date.value.ts'
export * from './china-time.value.ts'
export * from './calendar-year.parse.ts'
export * from './china-holidays.data.ts'
export * from './calendar.model.ts'
export * from './due-date.rules.ts'
export * from './working-hours.rules.ts'
