/**
 * `duban import FILE [--documents 0,2] [--confirm] [--data DIR]`: imports a plan document (工作要点) as a
 * draft and prints what review needs; with --confirm, confirms it into tasks when nothing blocks.
 */
import { randomUUID } from 'node:crypto'
import type { Actor, AppDeps } from '../../app/deps.ts'
import { confirmPlan } from '../../app/plans/confirm-plan.ts'
import { importPlan } from '../../app/plans/import-plan.ts'
import type { PlanView } from '../../app/plans/plan.view.ts'
import { DubanError } from '../../domain/errors.ts'
import { readInput } from '../input/read-input.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban import FILE [--documents 0,2] [--confirm] [--data DIR]

Reads FILE (txt in UTF-8 or GBK, html, docx, doc, pdf, xlsx, xls, csv; - for stdin), proposes a draft ledger and prints
its documents, items, unmapped units and what blocks confirming. The draft is reviewed in the web app or
through PATCH /api/plans/:id. --documents takes only those documents of a compilation (0-based, as
printed). --confirm confirms at once when nothing blocks (acting with the supervisor role; the audit log
records the command-line operator as no user). Uses DATABASE_URL, else PGlite in --data (./.duban-data).`

/** The command-line operator: supervisor rights, no user account. */
const OPERATOR: Actor = { userId: null, role: 'supervisor', unitId: null, scopeUnitIds: null }

function printPlan(plan: PlanView): void {
  const out = process.stdout
  out.write(`plan ${plan.id}: ${plan.title} (${plan.status})\n`)
  for (const d of plan.documents) {
    out.write(`  [${d.index}]${d.chosen ? '*' : ' '} ${d.title}  lines ${d.firstLine}–${d.lastLine}, ${d.itemCount} items${d.year ? `, ${d.year}` : ', year not stated'}\n`)
  }
  out.write(`items: ${plan.summary.items} read, ${plan.summary.included} proposed for the ledger\n`)
  if (plan.summary.unresolvedUnits.length) out.write(`units to map: ${plan.summary.unresolvedUnits.join('、')}\n`)
  for (const p of plan.summary.problems.slice(0, 20)) out.write(`  item ${p.n} ${p.field}: ${p.message}\n`)
  if (plan.summary.problems.length > 20) out.write(`  … and ${plan.summary.problems.length - 20} more\n`)
}

/** Runs `duban import`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { dataDir, rest } = takeDataDir(args)
  let file: string | undefined
  let documents: number[] | undefined
  let confirm = false
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n')
      return 0
    } else if (a === '--confirm') confirm = true
    else if (a === '--documents' || a.startsWith('--documents=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (rest[++i] ?? '')
      if (!/^\d+(,\d+)*$/.test(v)) {
        process.stderr.write(`duban import: --documents wants indexes like 0,2, not '${v}'\n`)
        return 2
      }
      documents = v.split(',').map(Number)
    } else if (a.startsWith('--') ) {
      process.stderr.write(`duban import: unknown option ${a}\n${USAGE}\n`)
      return 2
    } else if (file === undefined) file = a
    else {
      process.stderr.write(`duban import: one file at a time\n${USAGE}\n`)
      return 2
    }
  }
  if (!file) {
    process.stderr.write(USAGE + '\n')
    return 2
  }
  let db: Awaited<ReturnType<typeof openCliDb>> | null = null
  try {
    const input = await readInput(file)
    db = await openCliDb(dataDir)
    const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
    const plan = await importPlan(deps, OPERATOR, input, { documents })
    printPlan(plan)
    if (!confirm) return 0
    if (plan.summary.problems.length > 0) {
      process.stderr.write(`duban import: not confirmed: ${plan.summary.problems.length} problem(s) to fix in review first\n`)
      return 1
    }
    const { tasks } = await confirmPlan(deps, OPERATOR, plan.id)
    process.stdout.write(`confirmed: ${tasks.length} tasks, ${tasks[0]?.number} … ${tasks.at(-1)?.number}\n`)
    return 0
  } catch (e) {
    if (!(e instanceof DubanError)) throw e
    process.stderr.write(`duban import: ${file}: ${e.message}${e.where && !e.message.includes(e.where) ? ` (${e.where})` : ''}\n`)
    return 1
  } finally {
    await db?.close()
  }
}
