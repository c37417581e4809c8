import { describe, expect, it } from 'vitest'
import { ticketKind } from '../kinds/ticket.kind.ts'
import { TICKET_TODO_STATES, todoDue, todoProblems } from './todo.ts'

describe('工单待办 (TICKET_TODO)', () => {
  it('names states and clocks of the ticket kind', () => {
    expect(todoProblems(ticketKind)).toEqual([])
    expect(TICKET_TODO_STATES.map((s) => ticketKind.states[s]?.label)).toEqual(['待签收', '办理中'])
  })

  it('lists only states in which the lead unit has a step of its own', () => {
    for (const state of TICKET_TODO_STATES) {
      expect(ticketKind.transitions.some((t) => t.from.includes(state) && t.roles.includes('unit_liaison') && t.actorMustBe === 'assignee_lead'), state).toBe(true)
    }
  })

  it('leaves 协办 out because the kind gives a cooperating unit no step on a ticket', () => {
    expect(ticketKind.transitions.filter((t) => t.actorMustBe === 'assignee_any' || (t.roles.includes('unit_liaison') && !t.actorMustBe))).toEqual([])
  })

  it('takes the 签收期限 before 签收 and the 办理期限 after', () => {
    const clocks = { accept: { dueAt: '2025-09-08T12:00:00+08:00' }, handle: { dueAt: '2025-09-17T23:59:59+08:00' } }
    expect(todoDue('dispatched', clocks)).toEqual({ clock: 'accept', at: '2025-09-08T12:00:00+08:00' })
    expect(todoDue('dispatched', { handle: clocks.handle })).toEqual({ clock: 'handle', at: '2025-09-17T23:59:59+08:00' })
    expect(todoDue('accepted', clocks)).toEqual({ clock: 'handle', at: '2025-09-17T23:59:59+08:00' })
    expect(todoDue('accepted', {})).toBeNull()
  })
})
