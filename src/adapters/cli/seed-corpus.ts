/**
 * Demo seeding from the shared corpus (语料): when ../shared/corpus/seeds sits beside the repository,
 * each real plan document is imported as a draft plan awaiting the 督查室's review, so the review
 * screen has real, dirty input to work on. A fresh clone has no corpus and skips this quietly.
 */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { findUserForLogin } from '../../persistence/users.repo.ts'
import { actorOf } from '../../app/auth/session.ts'
import type { AppDeps } from '../../app/deps.ts'
import { DEMO_DIR } from '../../app/demo/seed-demo.ts'
import { importPlan } from '../../app/plans/import-plan.ts'
import { DubanError } from '../../domain/errors.ts'
import { readInput } from '../input/read-input.ts'

/** Where the corpus seeds are expected: ../shared/corpus/seeds next to the repository. */
export const CORPUS_SEEDS_DIR = join(DEMO_DIR, '..', '..', 'shared', 'corpus', 'seeds')

/** Imports every corpus document not imported yet as a draft plan; returns lines to print. */
export async function seedCorpusDrafts(deps: AppDeps, dir = CORPUS_SEEDS_DIR): Promise<string[]> {
  if (!existsSync(dir)) return [`demo: no corpus at ${dir}; only the demo plan is loaded`]
  const user = await findUserForLogin(deps.db, 'supervisor')
  if (!user) return []
  const actor = await actorOf(deps, user)
  const lines: string[] = []
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort()) {
    const seen = await deps.db.query(`SELECT 1 FROM plan WHERE file_name = $1 LIMIT 1`, [name])
    if (seen.rows.length > 0) continue
    try {
      const plan = await importPlan(deps, actor, await readInput(join(dir, name)))
      lines.push(`demo: corpus ${name} imported as a draft for review: ${plan.title}`)
    } catch (e) {
      if (!(e instanceof DubanError)) throw e
      lines.push(`demo: corpus ${name} not imported: ${e.message}`)
    }
  }
  return lines
}
