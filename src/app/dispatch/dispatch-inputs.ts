/**
 * What a dispatch model is built from (智能派单的冷启动材料): the units with their duties, the service
 * catalogue and the dispatch catalogue — read from the database, or from the demo city's files when no
 * database is at hand (`duban dispatch evaluate`, the benchmark).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { listCategoryTexts, listDispatchUnits, listRuleTexts } from '../../persistence/dispatch.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { coldStartExamples, type CatalogueCategory, type CatalogueRule } from '../../domain/dispatch/cold-start.ts'
import type { DispatchUnit } from '../../domain/dispatch/dispatch-unit.types.ts'
import { FUNCTION_CATALOGUE } from '../../domain/dispatch/function-catalogue.ts'
import { FUNCTION_DUTIES } from '../../domain/dispatch/function-duties.ts'
import { newDispatchModel, teach, type DispatchModel } from '../../domain/dispatch/dispatch.model.ts'
import type { Tokenize } from '../../domain/dispatch/features.ts'
import { parseCsv, readUnitRows } from '../../domain/units/unit-file.parse.ts'

/** The texts a model starts from. */
export interface DispatchInputs {
  readonly units: readonly DispatchUnit[]
  readonly categories: readonly CatalogueCategory[]
  readonly rules: readonly CatalogueRule[]
}

/**
 * Reads the inputs from the database, one statement after the other: `q` may be one connection or a transaction
 * (a Queryable, not only a pool), on which statements sent at once would overlap. Three small reads, at most once
 * a refresh of the suggester.
 */
export async function loadDbInputs(q: Queryable): Promise<DispatchInputs> {
  const units = await listDispatchUnits(q)
  const categories = await listCategoryTexts(q)
  const rules = await listRuleTexts(q)
  return { units, categories, rules }
}

/** The demo city's duties file (demo/hotline/duties.json): unit id → 职责 text. */
export async function readDemoDuties(demoDir: string): Promise<Record<string, string>> {
  const file = JSON.parse(await readFile(join(demoDir, 'hotline', 'duties.json'), 'utf8')) as { duties: Record<string, string> }
  return file.duties
}

/** Reads the inputs from the demo files: units.csv, hotline/duties.json, catalogue.json, dispatch-rules.json. */
export async function loadDemoInputs(demoDir: string): Promise<DispatchInputs> {
  const { records, problems } = readUnitRows(parseCsv(await readFile(join(demoDir, 'units.csv'), 'utf8')))
  if (problems.length > 0) throw new Error(`demo/units.csv: ${problems.map((p) => `line ${p.line} ${p.field}: ${p.message}`).join('; ')}`)
  const duties = await readDemoDuties(demoDir)
  const units = records.map((r) => ({ id: r.id, name: r.name, parentId: r.parentId, level: r.level, function: r.function, aliases: r.aliases, duties: duties[r.id] ?? '' }))
  const catalogue = JSON.parse(await readFile(join(demoDir, 'hotline', 'catalogue.json'), 'utf8')) as {
    categories: { code: string; name: string; description?: string; function?: string }[]
  }
  const rules = JSON.parse(await readFile(join(demoDir, 'hotline', 'dispatch-rules.json'), 'utf8')) as {
    rules: { categoryCode: string; unitId?: string; byFunction?: string; basis?: string }[]
  }
  return {
    units,
    categories: catalogue.categories.map((c) => ({ code: c.code, name: c.name, description: c.description ?? '', function: c.function ?? null })),
    rules: rules.rules.map((r) => ({ categoryCode: r.categoryCode, unitId: r.unitId ?? null, byFunction: r.byFunction ?? null, basis: r.basis ?? '' })),
  }
}

/**
 * A model taught the inputs' cold-start examples, every function's generic responsibilities (FUNCTION_DUTIES) and the
 * dispatch catalogue per function (FUNCTION_CATALOGUE; 2026-12-02, chosen by city-grouped CV on the training-side
 * letters, scripts/dispatch-catalogue.ts).
 */
export function coldStartModel(inputs: DispatchInputs, tokenize: Tokenize): DispatchModel {
  const model = newDispatchModel(inputs.units, tokenize)
  for (const ex of coldStartExamples(inputs.units, inputs.categories, inputs.rules, FUNCTION_DUTIES, FUNCTION_CATALOGUE)) teach(model, ex)
  return model
}
