/** Units' responsibilities (职责): the demo step that fills them, and writing them from a file (`duban dispatch duties`). */
import { fillUnitDuties, setUnitDuties } from '../../persistence/dispatch.repo.ts'
import { appendAudit } from '../audit/append-audit.ts'
import type { AppDeps } from '../deps.ts'
import { readDemoDuties } from './dispatch-inputs.ts'

/** Fills empty duties of the demo units; returns a line to print, or null when nothing was written. */
export async function seedDemoDuties(deps: AppDeps, demoDir: string): Promise<string | null> {
  const duties = await readDemoDuties(demoDir)
  let n = 0
  await deps.db.transaction(async (tx) => {
    for (const [unitId, text] of Object.entries(duties)) if (await fillUnitDuties(tx, unitId, text)) n++
  })
  return n > 0 ? `demo: responsibilities (职责) of ${n} units for dispatch suggestions` : null
}

/**
 * Replaces the duties of the units named (unit id → text), in one transaction, audited as `unit.duties`; ids
 * that name no unit are reported and nothing is written for them.
 */
export async function writeUnitDuties(deps: AppDeps, duties: Readonly<Record<string, string>>): Promise<{ written: number; unknown: string[] }> {
  const unknown: string[] = []
  let written = 0
  await deps.db.transaction(async (tx) => {
    for (const [unitId, text] of Object.entries(duties)) {
      const before = await setUnitDuties(tx, unitId, text.trim())
      if (before === null) {
        unknown.push(unitId)
        continue
      }
      written++
      if (before !== text.trim()) {
        await appendAudit(tx, { actorId: null, action: 'unit.duties', entity: 'unit', entityId: unitId, before: { duties: before }, after: { duties: text.trim() }, at: deps.clock.now() })
      }
    }
  })
  return { written, unknown }
}
