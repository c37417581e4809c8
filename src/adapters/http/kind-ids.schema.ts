/**
 * The `kind` and `state` a query names (事项类型、状态), as schemas: one the registered kinds declare. A misspelt kind
 * (`taks`) or state (`opne`) used to be taken as given: weights stored for it were read by nothing, and a ledger,
 * bulletin or list filtered by it was silently empty, as if there were nothing.
 */
import { kindCatalog } from '../../domain/kinds/index.ts'

/** The ids of the registered kinds (task, ticket …), each once. */
export const KIND_IDS: readonly string[] = [...new Set(kindCatalog.all.map((k) => k.id))]

/** A query's `kind`: a registered kind's id. */
export const kindIdSchema = { type: 'string', enum: KIND_IDS } as const

/**
 * A query's `state`: one a registered kind (every version; only `kindId`'s when given) declares, and also the
 * `extra` names the route takes (the ledger's state types open, waiting, closed).
 */
export function stateNameSchema(kindId?: string, extra: readonly string[] = []): { readonly type: 'string'; readonly enum: readonly string[] } {
  const kinds = kindCatalog.all.filter((k) => kindId === undefined || k.id === kindId)
  return { type: 'string', enum: [...new Set([...kinds.flatMap((k) => Object.keys(k.states)), ...extra])] }
}
