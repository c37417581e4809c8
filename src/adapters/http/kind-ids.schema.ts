/**
 * The `kind` a query names (事项类型), as a schema: one of the registered kinds. A misspelt kind (`taks`) used to be
 * taken as given: weights stored for it were read by nothing, and a ledger, bulletin or list of it was silently empty.
 */
import { kindCatalog } from '../../domain/kinds/index.ts'

/** The ids of the registered kinds (task, ticket …), each once. */
export const KIND_IDS: readonly string[] = [...new Set(kindCatalog.all.map((k) => k.id))]

/** A query's `kind`: a registered kind's id. */
export const kindIdSchema = { type: 'string', enum: KIND_IDS } as const
