/**
 * The registry of kinds (事项类型目录): every kind and every version still used by stored items, validated
 * once when the catalogue is built. Bump a kind's version when its structure changes and keep the old
 * version here as long as items started under it are open.
 */
import { DubanError } from '../errors.ts'
import { assertKindValid, type HandledEffects } from '../workflow/kind.validate.ts'
import type { KindDef } from '../workflow/kind.types.ts'
import { builtinRegistry, type WorkflowRegistry } from '../workflow/registry.ts'
import { scheduleProblems } from './kind-schedule.validate.ts'
import { taskKind } from './task.kind.ts'
import { ticketKind } from './ticket.kind.ts'

export { taskKind } from './task.kind.ts'
export { ticketKind } from './ticket.kind.ts'

/** Every built-in kind and version (内置事项类型). */
export const builtinKinds: readonly KindDef[] = [taskKind, ticketKind]

/** Kinds by id and version (事项类型目录). */
export interface KindCatalog {
  /** The kind an item was started under; DUBAN_ERR_KIND_UNKNOWN when absent. */
  get(id: string, version: string): KindDef
  /** The newest registered version of a kind, for new items (latest by registration order). */
  latest(id: string): KindDef
  readonly all: readonly KindDef[]
}

/**
 * Build a catalogue (建立类型目录), validating every kind (validateKind, then what the tick must carry out:
 * kind-schedule.validate.ts); throws DUBAN_ERR_KIND_INVALID or on a duplicate id@version.
 * `handled` names the effects the use-cases carry out (the app passes its handlers' names; see validateKind).
 */
export function createKindCatalog(kinds: readonly KindDef[], registry: WorkflowRegistry = builtinRegistry, handled?: HandledEffects): KindCatalog {
  const byKey = new Map<string, KindDef>()
  const latest = new Map<string, KindDef>()
  for (const kind of kinds) {
    assertKindValid(kind, registry, handled)
    const key = `${kind.id}@${kind.version}`
    const scheduled = scheduleProblems(kind)
    if (scheduled.length > 0) {
      throw new DubanError('DUBAN_ERR_KIND_INVALID', `${key}: ${scheduled.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
        where: scheduled[0]?.path,
        details: { problems: scheduled },
      })
    }
    if (byKey.has(key)) throw new DubanError('DUBAN_ERR_KIND_INVALID', `${key} is registered twice`, { where: key })
    byKey.set(key, kind)
    latest.set(kind.id, kind)
  }
  const unknown = (what: string): DubanError => new DubanError('DUBAN_ERR_KIND_UNKNOWN', what, { where: what })
  return {
    get(id, version) {
      const kind = byKey.get(`${id}@${version}`)
      if (!kind) throw unknown(`${id}@${version}`)
      return kind
    },
    latest(id) {
      const kind = latest.get(id)
      if (!kind) throw unknown(id)
      return kind
    },
    all: [...byKey.values()],
  }
}

/** The catalogue of built-in kinds (默认类型目录). */
export const kindCatalog: KindCatalog = createKindCatalog(builtinKinds)
