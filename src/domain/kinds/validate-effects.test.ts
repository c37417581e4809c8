import { describe, expect, it } from 'vitest'
import { validateKind } from '../workflow/kind.validate.ts'
import type { KindDef } from '../workflow/kind.types.ts'
import { builtinRegistry, type WorkflowRegistry } from '../workflow/registry.ts'
import { builtinKinds, createKindCatalog, taskKind } from './index.ts'

// What the app's handlers carry out (src/app/items/carry-out-effects.ts handledEffects, eventUseCases), written out here
// because the domain does not import the app.
const handled = { effects: ['issueNotice', 'shareReply', 'notify:lead', 'notify:previous_lead', 'notify:assignees', 'notify:cooperating', 'notify:supervisor', 'notify:operator', 'notify:leader', 'notify:creator'], useCases: ['duplicates'] }

const withEffect = (kind: KindDef, event: string, effect: string): KindDef => ({
  ...kind,
  transitions: kind.transitions.map((t) => (t.event === event ? { ...t, effects: [...(t.effects ?? []), effect] } : t)),
})

describe('validateKind with the handled effects (副作用须有处理)', () => {
  it.each(builtinKinds.map((k) => [k.id, k] as const))('accepts the built-in %s kind: every effect it declares is handled', (_id, kind) => {
    expect(validateKind(kind, builtinRegistry, handled)).toEqual([])
  })

  it('refuses a notify target the registry knows but no handler carries out', () => {
    const kind = withEffect(taskKind, 'accept', 'notify:citizen')
    expect(validateKind(kind, builtinRegistry)).toEqual([])
    const problems = validateKind(kind, builtinRegistry, handled)
    expect(problems).toHaveLength(1)
    expect(problems[0]!.path).toMatch(/^transitions\[\d+\]\.effects\[1\]$/)
    expect(problems[0]!.message).toContain("'notify:citizen' has no handler")
  })

  it('refuses a registered unapplied effect that has no handler, and accepts it once one is named', () => {
    const registry: WorkflowRegistry = { ...builtinRegistry, effects: { ...builtinRegistry.effects, sendFax: {} } }
    const kind = withEffect(taskKind, 'accept', 'sendFax')
    expect(validateKind(kind, registry, handled).map((p) => p.message)).toEqual(["effect 'sendFax' has no handler: nothing would carry it out"])
    expect(validateKind(kind, registry, { effects: [...handled.effects, 'sendFax'] })).toEqual([])
  })

  it('asks nothing of effects the engine applies itself (assign, count …)', () => {
    expect(validateKind(withEffect(taskKind, 'accept', 'count:accepts'), builtinRegistry, { effects: handled.effects })).toEqual([])
  })

  it('refuses the whole catalogue at start when one kind names an unhandled effect', () => {
    expect(() => createKindCatalog([withEffect(taskKind, 'accept', 'notify:citizen')], builtinRegistry, handled)).toThrow(/notify:citizen' has no handler/)
  })
})
