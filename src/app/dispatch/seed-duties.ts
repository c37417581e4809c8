/** Demo step: writes the demo city's unit responsibilities (职责, demo/hotline/duties.json) where none are written. */
import { fillUnitDuties } from '../../adapters/db/dispatch.repo.ts'
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
