/**
 * `duban calendar show YEAR | add FILE.json | check DATE [--data DIR]`: the working-day calendar (工作日历).
 * `add` validates the whole file and writes nothing when any field is wrong; exit 1 and one line per problem.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { checkCalendarDate } from '../../app/calendar/calendar.load.ts'
import { saveCalendarYear, showCalendarYear } from '../../app/calendar/calendar-year.save.ts'
import type { AppDeps } from '../../app/deps.ts'
import { DubanError } from '../../domain/errors.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban calendar show YEAR | add FILE.json | check DATE [--data DIR]
  show YEAR       print the year in effect (admin-supplied, official or none) as JSON
  add FILE.json   validate and store a year ({year, holidays:[{name,dates}], adjustedWorkdays, source, note?})
  check DATE      say whether DATE (YYYY-MM-DD) is a working day, and why
  --data DIR      PGlite data directory (default ./.duban-data; DATABASE_URL wins)`

const CLI_ACTOR = { userId: null, role: 'admin', unitId: null, scopeUnitIds: null } as const

/** Runs the sub-command; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { dataDir, rest } = takeDataDir(args)
  const [verb, arg] = rest
  if (!verb || verb === '--help' || verb === '-h' || !arg) {
    ;(verb === '--help' || verb === '-h' ? process.stdout : process.stderr).write(USAGE + '\n')
    return verb === '--help' || verb === '-h' ? 0 : 2
  }
  if (!['show', 'add', 'check'].includes(verb)) {
    process.stderr.write(`duban calendar: unknown action '${verb}'\n${USAGE}\n`)
    return 2
  }
  let input: unknown
  if (verb === 'add') {
    try {
      input = JSON.parse(readFileSync(arg, 'utf8'))
    } catch (e) {
      process.stderr.write(`duban calendar: ${arg}: ${e instanceof SyntaxError ? 'not valid JSON: ' + e.message : 'cannot be read'}\n`)
      return 1
    }
  }
  const db = await openCliDb(dataDir)
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
  try {
    if (verb === 'show') {
      const year = Number(arg)
      process.stdout.write(JSON.stringify(await showCalendarYear(deps, year), null, 2) + '\n')
    } else if (verb === 'add') {
      const saved = await saveCalendarYear(deps, CLI_ACTOR, input)
      process.stdout.write(`stored calendar year ${saved.year} (${saved.data?.source ?? ''})\n`)
    } else {
      const d = await checkCalendarDate(deps, arg)
      const why = d.kind === 'holiday' ? `holiday ${d.holiday}` : d.kind === 'adjusted-workday' ? '调休 working day' : d.kind
      process.stdout.write(`${d.date} ${d.working ? 'working day' : 'day off'} (${why})${d.covered ? '' : ' [year not covered: weekends and the statute’s 元旦/劳动节/国庆节 only, unverified]'}; next working day ${d.nextWorkingDay}\n`)
    }
    return 0
  } catch (e) {
    if (!(e instanceof DubanError)) throw e
    const issues = (e.details?.issues as { path: string; message: string }[] | undefined) ?? []
    if (issues.length > 0) for (const i of issues) process.stderr.write(`duban calendar: ${arg}: ${i.path || '(root)'}: ${i.message}\n`)
    else process.stderr.write(`duban calendar: ${e.code}: ${e.message}\n`)
    return 1
  } finally {
    await db.close()
  }
}
