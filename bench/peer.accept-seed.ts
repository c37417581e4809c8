/**
 * The 签收 load's tasks (bench/peer.bench.ts): enough dispatched tasks for the whole timed window, written set-based
 * before it. Each copy is a dispatched task of a confirmed plan cloned row for row — the item (new id, its number
 * with `-<copy>`), its units, its lead shares and its history — in a handful of INSERT … SELECT statements in one
 * transaction, so the item's own triggers (ledger_unit_open, item_clock, the assessment marks, the event outbox,
 * the hotline capture of its history) run as they do for a confirm's bulk insert. Then the copies' clocks are set to
 * their template's (the supervision tick's next fire, already worked out for the template: a copy has the same
 * snapshot) and the assessment marks the insert left are drained, so that neither the tick's first look at tens of
 * thousands of new tasks nor the assessment fold of them lands in the 签收 window. No audit rows: seeding is not a
 * user's act (as the demo seed steps' direct rows).
 *
 * Columns are read from the catalogue (every column but a sequence's), so a column added to these tables later is
 * copied too.
 */
import type { Queryable } from '../src/persistence/db.ts'
import { drainAssessmentLog } from '../src/app/assessment/assessment-aggregates.ts'

interface SeedDb extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
}

/** One cloned task: its id and the task it was copied from (whose lead unit it has). */
export interface ClonedTask {
  readonly id: string
  readonly from: string
}

/** The tables cloned per item besides `item` itself, each keyed by item_id. */
const CHILD_TABLES = ['item_unit', 'item_share', 'item_event'] as const

async function copiedColumns(q: Queryable, table: string): Promise<string[]> {
  const { rows } = await q.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
        AND COALESCE(column_default, '') NOT LIKE 'nextval(%' AND is_identity = 'NO'
      ORDER BY ordinal_position`,
    [table],
  )
  if (rows.length === 0) throw new Error(`accept seed: no columns for table ${table}`)
  return rows.map((r) => r.column_name)
}

/**
 * Clones each of `templates` (dispatched tasks) `copies` times; answers the new tasks copy by copy, each copy in the
 * templates' order (so consecutive requests of a load go to different units' tasks, as the templates do).
 */
export async function cloneDispatchedTasks(db: SeedDb, templates: readonly string[], copies: number): Promise<ClonedTask[]> {
  if (templates.length === 0 || copies <= 0) return []
  const cloned = await db.transaction(async (tx) => {
    const notDispatched = await tx.query<{ id: string; state: string }>(`SELECT id, state FROM item WHERE id = ANY($1::text[]) AND state <> 'dispatched'`, [templates])
    if (notDispatched.rows.length > 0) throw new Error(`accept seed: template ${notDispatched.rows[0]!.id} is ${notDispatched.rows[0]!.state}, not dispatched`)
    await tx.query(
      `CREATE TEMP TABLE bench_accept_clone ON COMMIT DROP AS
       SELECT gen_random_uuid()::text AS id, t.id AS src, t.number || '-' || g::text AS number, g AS copy, o.ord
         FROM unnest($1::text[]) WITH ORDINALITY AS o(id, ord) JOIN item t ON t.id = o.id, generate_series(1, $2::int) AS g`,
      [templates, copies],
    )
    const itemCols = await copiedColumns(tx, 'item')
    const pick = (cols: readonly string[], own: Readonly<Record<string, string>>) => cols.map((c) => own[c] ?? `t.${c}`).join(', ')
    await tx.query(
      `INSERT INTO item (${itemCols.join(', ')})
       SELECT ${pick(itemCols, { id: 'c.id', number: 'c.number' })} FROM bench_accept_clone c JOIN item t ON t.id = c.src ORDER BY c.copy, c.ord`,
    )
    for (const table of CHILD_TABLES) {
      const cols = await copiedColumns(tx, table)
      await tx.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT ${pick(cols, { item_id: 'c.id' })} FROM bench_accept_clone c JOIN ${table} t ON t.item_id = c.src ORDER BY c.copy, c.ord`)
    }
    await tx.query(
      `UPDATE item_clock k SET version = t.version, next_fire_at = t.next_fire_at
         FROM bench_accept_clone c JOIN item_clock t ON t.item_id = c.src WHERE k.item_id = c.id`,
    )
    const { rows } = await tx.query<{ id: string; src: string }>(`SELECT id, src FROM bench_accept_clone ORDER BY copy, ord`)
    return rows.map((r) => ({ id: r.id, from: r.src }))
  })
  await drainAssessmentLog({ db })
  return cloned
}
