/** `duban units import FILE | list | map RAW UNIT_ID`: the unit tree (单位) from the command line. */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { listUnits } from '../../persistence/units.repo.ts'
import { randomUUID } from 'node:crypto'
import { importUnits } from '../../app/units/import-units.ts'
import { readXlsxRows } from '../input/unit-workbook.read.ts'
import { rememberUnitMapping } from '../../app/units/resolve-units.ts'
import { unitTree, type UnitNode } from '../../app/units/manage-units.ts'
import type { Actor, AppDeps } from '../../app/deps.ts'
import { DubanError } from '../../domain/errors.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban units import FILE [--data DIR]
       duban units list [--data DIR]
       duban units map RAW UNIT_ID [--data DIR]

import  reads a .csv (columns id,name,parent_id,level,function,aliases; aliases separated by ;)
        or .xlsx file; imports all of it or, on any error, nothing (each error names line and field)
list    prints the unit tree
map     remembers that the extracted unit string RAW means unit UNIT_ID`

const SYSTEM: Actor = { userId: null, role: 'system', unitId: null, scopeUnitIds: null }

function printTree(nodes: readonly UnitNode[], depth = 0): void {
  for (const n of nodes) {
    const extra = [n.level, n.function, n.aliases.length ? `aka ${n.aliases.join('、')}` : ''].filter(Boolean).join(', ')
    process.stdout.write(`${'  '.repeat(depth)}${n.id}  ${n.name}  (${extra})\n`)
    printTree(n.children, depth + 1)
  }
}

/** Runs `duban units`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { dataDir, rest } = takeDataDir(args)
  const [sub, ...params] = rest
  if (!sub || sub === '-h' || sub === '--help') {
    process.stdout.write(USAGE + '\n')
    return sub ? 0 : 2
  }
  const arity: Record<string, number> = { import: 1, list: 0, map: 2 }
  if (arity[sub] === undefined || params.length !== arity[sub]) {
    process.stderr.write(`duban units: bad arguments\n${USAGE}\n`)
    return 2
  }
  const db = await openCliDb(dataDir)
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
  try {
    if (sub === 'list') {
      printTree(unitTree(await listUnits(db)))
    } else if (sub === 'import') {
      const file = params[0] as string
      const bytes = await readFile(file).catch(() => {
        throw new DubanError('DUBAN_ERR_INPUT_NOT_FOUND', file)
      })
      const r = await importUnits(deps, SYSTEM, { name: basename(file), bytes }, (b) => readXlsxRows(b, basename(file)))
      process.stdout.write(`imported ${file}: ${r.created} created, ${r.updated} updated\n`)
    } else {
      const m = await rememberUnitMapping(deps, SYSTEM, { raw: params[0] as string, unitId: params[1] as string })
      process.stdout.write(`remembered: ${m.raw} → ${m.unitId}\n`)
    }
    return 0
  } catch (e) {
    if (!(e instanceof DubanError)) throw e
    process.stderr.write(`duban units: ${e.message}\n`)
    const problems = (e.details?.problems ?? []) as { line: number; field: string; message: string }[]
    for (const p of problems) process.stderr.write(`  line ${p.line}, ${p.field}: ${p.message}\n`)
    return 1
  } finally {
    await db.close()
  }
}
