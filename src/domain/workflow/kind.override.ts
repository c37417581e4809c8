/**
 * City configuration of a kind (地方配置): a city renames states and events and sets its own time limits
 * and escalation offsets without forking code. Structure (states, transitions, engine types) cannot be
 * changed here, so KPIs mean the same in every city.
 */
import type { KindDef, KindOverride } from './kind.types.ts'

/** The kind with a city's labels and limits applied (应用地方配置); its version records the override. */
export function applyOverride(kind: KindDef, override: KindOverride): KindDef {
  const states = Object.fromEntries(
    Object.entries(kind.states).map(([name, def]) => [name, { ...def, label: override.stateLabels?.[name] ?? def.label }]),
  )
  const events = Object.fromEntries(
    Object.entries(kind.events).map(([name, def]) => [name, { ...def, label: override.eventLabels?.[name] ?? def.label }]),
  )
  const clocks = kind.clocks.map((c) => {
    const o = override.clocks?.[c.name]
    return o ? { ...c, limit: o.limit ?? c.limit, warnBefore: o.warnBefore ?? c.warnBefore, label: o.label ?? c.label } : c
  })
  const escalation = kind.escalation.map((s) => {
    const o = override.escalation?.[s.name]
    return o ? { ...s, afterDueWorkingDays: o.afterDueWorkingDays ?? s.afterDueWorkingDays, label: o.label ?? s.label } : s
  })
  return {
    ...kind,
    version: `${kind.version}+${override.id}.${override.version}`,
    label: override.label ?? kind.label,
    states,
    events,
    clocks,
    escalation,
    reporting: override.reporting ?? kind.reporting,
  }
}

/** Names an override refers to that the kind does not declare (配置错误); empty when it fits. */
export function overrideProblems(kind: KindDef, override: KindOverride): readonly string[] {
  const out: string[] = []
  for (const s of Object.keys(override.stateLabels ?? {})) if (!Object.hasOwn(kind.states, s)) out.push(`stateLabels.${s}: no such state`)
  for (const e of Object.keys(override.eventLabels ?? {})) if (!Object.hasOwn(kind.events, e)) out.push(`eventLabels.${e}: no such event`)
  for (const c of Object.keys(override.clocks ?? {})) if (!kind.clocks.some((k) => k.name === c)) out.push(`clocks.${c}: no such clock`)
  for (const s of Object.keys(override.escalation ?? {})) if (!kind.escalation.some((k) => k.name === s)) out.push(`escalation.${s}: no such step`)
  return out
}
