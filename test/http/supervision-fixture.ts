/**
 * Hand-built items for the supervision, assessment and export tests: inserted straight into the tables
 * so each test states exactly the due dates, units, closing times and reports it expects figures from.
 */
import type { Queryable } from '../../src/persistence/db.ts'

/** An item as a test describes it. */
export interface FixtureItem {
  readonly id: string
  readonly title: string
  readonly due: string | null
  readonly lead: string
  readonly responsible?: readonly string[]
  readonly cooperating?: readonly string[]
  readonly kind?: string
  /** When it was created and its due clock started (ISO). */
  readonly createdAt?: string
  /** When it was closed (ISO); open when absent. */
  readonly closedAt?: string
  /** When completion was submitted (the due clock stops). */
  readonly submittedAt?: string
  readonly targets?: readonly { metric: string; value: number; met?: boolean }[]
  readonly progress?: string
  /** Closed without being done (撤销) at this instant. */
  readonly cancelledAt?: string
  /** The workflow state, when not the one the dates imply (e.g. `dispatched`, not yet accepted). */
  readonly state?: string
  /** A running accept clock (签收时限) as dispatch starts it. */
  readonly acceptClock?: { readonly startedAt: string; readonly dueAt: string }
}

let seq = 0

/** Inserts an item with its units; returns its id. */
export async function insertItem(db: Queryable, it: FixtureItem): Promise<string> {
  const createdAt = it.createdAt ?? '2026-01-05T09:00:00+08:00'
  const state = it.state ?? (it.cancelledAt ? 'cancelled' : it.closedAt ? 'closed' : it.submittedAt ? 'completion_submitted' : 'accepted')
  const stateType = it.cancelledAt || it.closedAt ? 'closed' : it.submittedAt || ['dispatched', 'returned_by_unit', 'extension_requested'].includes(state) ? 'waiting' : 'open'
  const stoppedAt = it.submittedAt ?? it.cancelledAt ?? it.closedAt ?? null
  const snapshot = {
    kind: it.kind ?? 'task',
    kindVersion: '1',
    state,
    counters: {},
    data: { due: it.due, lead: it.lead, responsible: it.responsible ?? [] },
    clocks: {
      due: { startedAt: createdAt, dueAt: it.due ? `${it.due}T23:59:59+08:00` : null, stoppedAt },
      ...(it.acceptClock ? { accept: { ...it.acceptClock, stoppedAt: null } } : {}),
    },
  }
  const data = { targets: it.targets ?? [], ...(it.progress ? { progress: it.progress } : {}) }
  seq++
  await db.query(
    `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, due_date, snapshot, data, created_at, updated_at, closed_at)
     VALUES ($1,$2,$3,1,$4,$5,$6,$7,$8,$9,$10,$10,$11)`,
    [it.id, `DB-2026-${String(seq).padStart(4, '0')}-${it.id}`, it.kind ?? 'task', state, stateType, it.title, it.due, JSON.stringify(snapshot), JSON.stringify(data), createdAt, it.closedAt ?? it.cancelledAt ?? null],
  )
  const units: [string, string][] = [[it.lead, 'lead'], ...(it.responsible ?? []).map((u): [string, string] => [u, 'responsible']), ...(it.cooperating ?? []).map((u): [string, string] => [u, 'cooperating'])]
  for (const [u, role] of units) await db.query('INSERT INTO item_unit (item_id, unit_id, role) VALUES ($1,$2,$3)', [it.id, u, role])
  return it.id
}

/** Inserts a progress report made at `at` (ISO). */
export async function insertReport(db: Queryable, r: { id: string; itemId: string; unitId: string; at: string; period?: string; onTime?: boolean }): Promise<void> {
  await db.query(
    `INSERT INTO progress_report (id, item_id, unit_id, period, body, on_time, reported_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [r.id, r.itemId, r.unitId, r.period ?? null, '本月推进情况', r.onTime ?? true, r.at],
  )
}
