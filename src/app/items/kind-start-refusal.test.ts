/**
 * Declared means carried out, checked at start: the check `duban serve` runs on every registered kind before any
 * event (assertEffectsCarriedOut) refuses a kind whose declaration names, misspelt, an effect, an effect's argument,
 * a guard, a role, a clock's event, an escalation step or a use-case, naming the place (transitions[i].effects[j] …)
 * and the name, so a typo never becomes a transition that silently does less than it says.
 */
import { describe, expect, it } from 'vitest'
import { DubanError } from '../../domain/errors.ts'
import { kindCatalog, taskKind, ticketKind } from '../../domain/kinds/index.ts'
import type { KindDef, TransitionDef } from '../../domain/workflow/kind.types.ts'
import { assertEffectsCarriedOut } from './carry-out-effects.ts'

const ACCEPT = taskKind.transitions.findIndex((t) => t.event === 'accept')
const onAccept = (change: (t: TransitionDef) => TransitionDef): KindDef => ({ ...taskKind, transitions: taskKind.transitions.map((t, i) => (i === ACCEPT ? change(t) : t)) })
const DUE = taskKind.clocks.findIndex((c) => c.onExpiry?.escalate?.length)

/** The refusal assertEffectsCarriedOut throws for the kind, as `path: message` lines. */
function refusal(kind: KindDef): string[] {
  try {
    assertEffectsCarriedOut([kind])
  } catch (e) {
    expect(e).toBeInstanceOf(DubanError)
    expect((e as DubanError).code).toBe('DUBAN_ERR_KIND_INVALID')
    return ((e as DubanError).details?.['problems'] as { path: string; message: string }[]).map((p) => `${p.path}: ${p.message}`)
  }
  return []
}

describe('a kind with a misspelt declaration is refused at start (启动校验)', () => {
  it('accepts every registered kind as it is', () => {
    expect(kindCatalog.all.flatMap(refusal)).toEqual([])
  })

  it.each<[string, KindDef, string]>([
    ['an effect name', onAccept((t) => ({ ...t, effects: ['notfy:supervisor'] })), `transitions[${ACCEPT}].effects[0]: effect 'notfy' is not registered`],
    ['an effect argument', onAccept((t) => ({ ...t, effects: ['notify:supervisr'] })), `transitions[${ACCEPT}].effects[0]: effect 'notify:supervisr': notify target must be one of`],
    ['an engine effect argument', onAccept((t) => ({ ...t, effects: ['recordExtension:deu'] })), `transitions[${ACCEPT}].effects[0]: effect 'recordExtension:deu'`],
    ['a guard', onAccept((t) => ({ ...t, guards: ['reopenAlowed'] })), `transitions[${ACCEPT}].guards[0]: guard 'reopenAlowed' is not registered`],
    ['a role', onAccept((t) => ({ ...t, roles: ['unit_liason' as never] })), `transitions[${ACCEPT}].roles[0]: unknown role 'unit_liason'`],
    ['a field type', onAccept((t) => ({ ...t, optional: { note: 'txt' as never } })), `transitions[${ACCEPT}].requires.note: unknown field type 'txt'`],
    ['a use-case', onAccept((t) => ({ ...t, via: 'duplicate' })), `transitions[${ACCEPT}].via: no use-case 'duplicate' takes this event`],
    ['a clock event', { ...taskKind, clocks: taskKind.clocks.map((c, i) => (i === 0 ? { ...c, stopsOn: [...c.stopsOn, 'aprove_completion'] } : c)) }, "clocks[0].stopsOn"],
    ['an escalation step', { ...taskKind, clocks: taskKind.clocks.map((c, i) => (i === DUE ? { ...c, onExpiry: { ...c.onExpiry, escalate: ['remnd'] } } : c)) }, `clocks[${DUE}].onExpiry.escalate[0]: escalation step 'remnd' is not declared`],
  ])('refuses %s, naming where and what', (_what, kind, expected) => {
    const lines = refusal(kind)
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.join('\n')).toContain(expected)
  })

  it('refuses a ticket kind whose 督办单 effect names a step it does not declare', () => {
    const at = ticketKind.transitions.findIndex((t) => (t.effects ?? []).length > 0)
    const kind: KindDef = { ...ticketKind, transitions: ticketKind.transitions.map((t, i) => (i === at ? { ...t, effects: [...(t.effects ?? []), 'issueNotice:supervision_notce'] } : t)) }
    expect(refusal(kind).join('\n')).toContain("no escalation step named 'supervision_notce'")
  })
})
