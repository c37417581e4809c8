/**
 * A unit's 待办 on 12345 tickets (工单待办): the states of the ticket kind in which the ticket waits on its lead unit
 * (承办单位) and a time limit runs against that unit, each with the clock whose due is the one that matters there.
 * 待签收 (dispatched) waits for 签收 under the 签收时限 (accept clock); 办理中 (accepted) for 答复 under the 办理时限
 * (handle clock). Not 补充材料中 / 延期审核中 / 退单审核中: the handling clock is paused or the centre decides.
 *
 * 协办 (cooperating) tickets are no unit's 待办: the ticket kind gives a cooperating unit no event and runs no clock
 * against it — the lead unit answers and replies for the ticket — so a liaison would see a ticket with nothing to do
 * on it and no way to make it leave the list.
 */
import type { KindDef } from '../workflow/kind.types.ts'

/** The clock names (ticket kind) whose due is a 待办 ticket's due, in order of preference. */
export type TodoDueClocks = readonly [string, ...string[]]

/** 待办 states of the ticket kind (工单待办) → the clocks whose first due is the one that matters. */
export const TICKET_TODO: Readonly<Record<string, TodoDueClocks>> = {
  dispatched: ['accept', 'handle'],
  accepted: ['handle'],
}

/** The 待办 states, in the kind's order. */
export const TICKET_TODO_STATES: readonly string[] = Object.keys(TICKET_TODO)

/** The due of a 待办 ticket from its clocks (dueAt by clock name), or null: 签收期限 before 签收, 办理期限 after. */
export function todoDue(state: string, clocks: Readonly<Record<string, { readonly dueAt?: string | null | undefined } | undefined>>): { clock: string; at: string } | null {
  for (const clock of TICKET_TODO[state] ?? ['handle']) {
    const at = clocks[clock]?.dueAt
    if (at) return { clock, at }
  }
  return null
}

/** Checks TICKET_TODO against a kind: every state and clock it names exists (the kind test calls it). */
export function todoProblems(kind: KindDef): string[] {
  const clocks = new Set(kind.clocks.map((c) => c.name))
  return Object.entries(TICKET_TODO).flatMap(([state, names]) => [
    ...(kind.states[state] ? [] : [`state ${state} is not a state of ${kind.id}`]),
    ...names.filter((n) => !clocks.has(n)).map((n) => `clock ${n} is not a clock of ${kind.id}`),
  ])
}
