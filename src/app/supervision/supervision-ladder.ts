/** Reading and storing a kind's supervision configuration (督办升级梯度, 报送频次). */
import { listSupervisionConfigs, upsertSupervisionConfig } from '../../persistence/supervision.repo.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { recordAudit } from './audit.port.ts'
import { assertConfigurableKind, defaultSupervisionConfig, parseSupervisionConfig, type SupervisionConfig } from '../../domain/supervision/supervision-config.ts'

/** The configuration in effect for a kind, and whether it is the built-in default. */
export async function getSupervisionConfig(deps: AppDeps, kind: string): Promise<SupervisionConfig & { isDefault: boolean }> {
  assertConfigurableKind(kind)
  const stored = (await listSupervisionConfigs(deps.db)).get(kind)
  return stored ? { ...stored, isDefault: false } : { ...defaultSupervisionConfig(kind), isDefault: true }
}

/** Validates and stores a kind's configuration; nothing is written when any field is wrong. */
export async function putSupervisionConfig(deps: AppDeps, actor: Actor, kind: string, input: unknown): Promise<SupervisionConfig & { isDefault: boolean }> {
  const cfg = parseSupervisionConfig(kind, input)
  await deps.db.transaction(async (tx) => {
    const before = (await listSupervisionConfigs(tx)).get(kind) ?? null
    await upsertSupervisionConfig(tx, cfg, actor.userId, deps.clock.now())
    await recordAudit(tx, deps, actor, { action: 'supervision.config.save', entity: 'supervision_config', entityId: kind, before, after: cfg })
  })
  return { ...cfg, isDefault: false }
}
