/**
 * Generated items (事项) for measuring reads at scale: inserts N items set-based with generate_series, in
 * chunks of 100,000 rows per statement, with their lead (and some responsible) units, a progress report for one
 * item in ten, and for each ticket its 12345 row (channel, category, requester, address, search words). Four items
 * in five are tickets (12345 takes far more than the 督查室 assigns), one in five tasks; created over
 * 2024-01 … 2026-11; about 85% of recent items closed and 99% of those older than ~120 days, the rest open or
 * waiting, 3% cancelled. Titles and bodies are Chinese phrases combined by the row number, so text search has words
 * that are common, rare and absent. Numbers are GEN-<seq>, after every real number. Snapshots carry `kind` and the
 * string `kindVersion` the engine checks, so take-event accepts events on generated items.
 *
 *   npx tsx scripts/generate-items.ts --url postgres://postgres@127.0.0.1:5432/duban_gen10m --count 10000000 [--jobs 2]
 *   npx tsx scripts/generate-items.ts --data-dir ./gen.pglite --count 100000      (PGlite)
 *
 * It migrates the database first, creates 60 units `gen-u01`…`gen-u60` (under `gen-root`) and 20 service categories
 * `GEN-01`…`GEN-20` when missing, and appends after the generated items already there (run it twice for 2N).
 * Fast at 10M: the secondary indexes of the four tables are dropped before the load and built once after it (their
 * definitions kept in `gen_index_backup` meanwhile, so a run that dies is repaired by the next one), and each chunk
 * runs with `session_replication_role = replica` (no triggers: no 10M-row event outbox; no per-row foreign-key
 * checks, the generator's keys being right by construction). `--jobs` chunks load at once on their own connections.
 * After the load the B-tree indexes are built, then the GIN ones (trigram, ticket search: most of the time at 10M) on
 * one connection while item_clock, ledger_unit_open and the counters' fill go on beside them; then VACUUM (ANALYZE).
 * `--skip-text-indexes` leaves the GIN ones unbuilt (their definitions stay in gen_index_backup: a later run with
 * `--count 0` builds them), for measurements that need no text search (the assessment, the 12345 dashboard).
 * `--finish` loads nothing and finishes a run stopped after its load (the dropped indexes, item_clock,
 * ledger_unit_open, the fill for every generated item as `--fill-only`). `--resume-fill` finishes a fill stopped after
 * its chunks (the fold if not done, the facts' indexes, the received counts if none).
 *
 * The triggers being off, the maintained counters are filled set-based at the end, for the items of this run: the
 * assessment's (assessment_fact, assessment_agg: what draining the log for every item would write, ~2.5 h at 10M,
 * src/app/assessment/assessment-fill.ts) and the 12345 dashboard's received counts (hotline_recv_*, what the ticket
 * trigger and the fold would write; generated tickets have no events, so no other KPI row), the latter beside the
 * former on its own connection, 1M items a statement; then a scoped board's received counts (hotline_scope_*, migration
 * 198: every ticket without them, one statement). `--no-fill` skips that.
 * `--fill-only` loads nothing and fills for every generated item (a database generated before the fill existed; it
 * refuses when generated items have facts or received counts already). `--cutoff <instant>` is the fold's "today" for the received
 * counts (default: the China midnight starting today): reads as of an earlier instant cannot use the counters (usable()
 * in hotline-kpi-agg.repo.ts), so give the day a bench's clock starts, e.g. 2026-11-30T16:00:00Z for a clock of
 * 2026-12-01 08:00 China time (bench/hotline-kpi-periods.ts). assessment-fill.test.ts checks the rows equal the app's own.
 */
import { pathToFileURL } from 'node:url'
import { fillAssessment } from '../src/app/assessment/assessment-fill.ts'
import { finishFill } from '../src/persistence/assessment-fill.repo.ts'
import type { Db } from '../src/persistence/db.ts'
import { fillReceived, fillScopeCounts } from '../src/persistence/hotline-kpi-agg.repo.ts'
import { openDatabase } from '../src/persistence/open.ts'

const sqlArray = (xs: readonly string[]): string => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`
const PLACES = ['城关镇', '开发区', '高新区', '东城街道', '西城街道', '南湖乡', '北山镇', '滨江新区', '老城区', '临港园区', '青山村', '柳树社区']
const TOPICS = ['粮食安全', '食品药品安全', '噪音扰民', '道路破损', '违章停车', '供水停水', '燃气安全', '垃圾清运', '小区物业', '农民工工资', '学校周边', '电梯故障', '路灯不亮', '占道经营', '排水管网', '防汛备汛', '安全生产', '营商环境', '养老服务', '医疗保障']
const ACTIONS = ['整改落实', '专项整治', '督促办理', '排查治理', '协调解决', '加快推进', '核查处置', '回访评价']
// The words jieba's search mode gives for each phrase (its shorter words too), for ticket.search_vector.
const TOPIC_WORDS = ['粮食 安全 粮食安全', '食品 药品 安全 食品药品 食品药品安全', '噪音 扰民 噪音扰民', '道路 破损', '违章 停车 违章停车', '供水 停水', '燃气 安全', '垃圾 清运', '小区 物业', '农民 农民工 工资', '学校 周边', '电梯 故障', '路灯 不亮', '占道 经营 占道经营', '排水 管网', '防汛 备汛', '安全 生产 安全生产', '营商 环境', '养老 服务', '医疗 保障']
const CHANNELS = sqlArray(['phone', 'phone', 'phone', 'phone', 'phone', 'phone', 'web', 'web', 'api', 'open311'])
const REQUEST_TYPES = sqlArray(['complaint', 'complaint', 'complaint', 'help', 'help', 'consultation', 'consultation', 'report', 'suggestion', 'praise'])
const GEN_TABLES = ['item', 'item_unit', 'progress_report', 'ticket']
/** A scoped board's received counts (migration 198), filled after the load for every ticket without them (fillScopeCounts). */
const SCOPE_TABLES = 'hotline_scope_ticket, hotline_scope_day, hotline_scope_month, hotline_scope_delta'

/** What a run does: `count` items after those there (in chunks, `jobs` at once), then the counters' fill. */
export interface GenerateOptions {
  readonly count: number
  readonly chunk?: number
  readonly jobs?: number
  /** Fill the assessment and received-count counters for the run's items (default true). */
  readonly fill?: boolean
  /** Load nothing; fill the counters for every generated item (see the header). */
  readonly fillOnly?: boolean
  /** Load nothing; finish a fill stopped after its chunks (see resumeFill). */
  readonly resumeFill?: boolean
  /** Load nothing; finish a run stopped after its load (indexes, item_clock, ledger_unit_open), filling as fillOnly (see the header). */
  readonly finish?: boolean
  /** Items per statement of the counters' fill (default FILL_CHUNK). */
  readonly fillChunk?: number
  /** The fold's cutoff for the received counts (the job's today, a China midnight); default today. */
  readonly cutoff?: string
  /** Leave the GIN indexes (trigram, ticket search) unbuilt, their definitions kept in gen_index_backup (`--skip-text-indexes`). */
  readonly skipTextIndexes?: boolean
  readonly log?: (line: string) => void
}

/** Generated items' numbers: GEN-<10 digits>, so text order is number order. */
export const genNumber = (g: number): string => `GEN-${String(g).padStart(10, '0')}`

/** Items per statement of the counters' fill (its sorts and sums fit in the chunk's work_mem). */
const FILL_CHUNK = 100_000

/**
 * Items per statement of the received counts' fill: each statement upserts one row per day, dimension and code its
 * tickets touch (~85k for any chunk over the generated span), so larger chunks write far fewer rows in all.
 */
const RECV_CHUNK = 1_000_000

/** The China midnight starting today. */
const chinaToday = (): string => new Date(Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000).toISOString()

/** Which dropped indexes a restore builds: those of `tables` (default all), and only GIN ones or only the others (default both). */
interface IndexChoice {
  readonly tables?: readonly string[]
  readonly gin?: boolean
}

/**
 * Builds again the indexes a previous (possibly interrupted) run dropped (those `which` chooses), `jobs` at once,
 * GIN ones first; each row of gen_index_backup goes in the transaction that builds its index, and the table when empty.
 */
async function restoreDroppedIndexes(db: Db, jobs: number, log: (line: string) => void, which: IndexChoice = {}): Promise<void> {
  if (!(await db.query<{ b: boolean }>(`SELECT to_regclass('gen_index_backup') IS NOT NULL AS b`)).rows[0]?.b) return
  const { rows } = await db.query<{ name: string; def: string }>(
    `SELECT name, def FROM gen_index_backup
      WHERE to_regclass(name) IS NULL
        AND ($1::text[] IS NULL OR (regexp_match(def, ' ON (?:\\S+\\.)?(\\S+) USING '))[1] = ANY ($1::text[]))
        AND ($2::boolean IS NULL OR (def ~ ' USING gin ') = $2::boolean)
      ORDER BY def LIKE '%gin%' DESC, name`,
    [which.tables ?? null, which.gin ?? null],
  )
  const todo = [...rows]
  const build = async (): Promise<void> => {
    for (let r = todo.shift(); r; r = todo.shift()) {
      const t0 = performance.now()
      const { name, def } = r
      await db.transaction(async (tx) => {
        await tx.query(`SET LOCAL maintenance_work_mem = '512MB'`)
        await tx.query(def)
        await tx.query(`DELETE FROM gen_index_backup WHERE name = $1`, [name])
      })
      log(`index ${name} built in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
  }
  await Promise.all(Array.from({ length: jobs }, build))
  const { rows: left } = await db.query(`SELECT 1 FROM gen_index_backup LIMIT 1`)
  if (left.length === 0) await db.query('DROP TABLE IF EXISTS gen_index_backup')
}

/** Keeps the definitions of the secondary indexes of `tables` in gen_index_backup and drops them (built again by restoreDroppedIndexes). */
async function dropSecondaryIndexes(db: Db, tables: readonly string[]): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS gen_index_backup (name text PRIMARY KEY, def text NOT NULL)`)
  // Secondary indexes only: primary keys and unique constraints stay (they are what keeps the load honest).
  await db.query(
    `INSERT INTO gen_index_backup (name, def)
     SELECT c.relname, pg_get_indexdef(x.indexrelid)
       FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      WHERE x.indrelid = ANY (ARRAY[${tables.map((t) => `'${t}'::regclass`).join(',')}])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
     ON CONFLICT (name) DO NOTHING`,
  )
  const { rows } = await db.query<{ name: string }>(`SELECT name FROM gen_index_backup WHERE to_regclass(name) IS NOT NULL`)
  for (const r of rows) await db.query(`DROP INDEX ${r.name}`)
}

/** Fills the counters for the generated items g in (lo, hi], in chunks of `chunk`. */
async function fillCounters(db: Db, lo: number, hi: number, chunk: number, cutoff: string, jobs: number, log: (line: string) => void): Promise<void> {
  const t0 = performance.now()
  const s = (): string => ((performance.now() - t0) / 1000).toFixed(1)
  const bounds: string[] = []
  for (let g = lo; g < hi; g += chunk) bounds.push(genNumber(g))
  bounds.push(genNumber(hi))
  // As for the load: the facts' and counters' secondary indexes built once after the fill instead of row by row.
  await dropSecondaryIndexes(db, ['assessment_fact', 'assessment_agg'])
  // The received counts touch other tables than the assessment's: filled beside it, on their own connection.
  const recv = fillReceivedCounts(db, lo, hi, cutoff, log).then(
    () => null,
    (e: unknown) => e,
  )
  let failed: unknown = null
  try {
    const a = await fillAssessment(db, ['task', 'ticket'], bounds, (i, n) => log(`assessment fill: chunk ${i} / ${n}, ${s()} s`), { vacuum: false, jobs })
    log(`assessment fill: ${a.shares.toLocaleString('en')} shares, ${a.counters.toLocaleString('en')} counter rows, ${s()} s`)
    await restoreDroppedIndexes(db, jobs, log, { tables: ['assessment_fact', 'assessment_agg'] })
    await db.query('VACUUM (ANALYZE) assessment_fact, assessment_agg')
    log(`assessment fill: indexes built and vacuumed, ${s()} s`)
  } catch (e) {
    failed = e
  }
  const e = await recv
  if (failed ?? e) throw failed ?? e
}

/** The 12345 dashboard's received counts for the generated items g in (lo, hi], RECV_CHUNK items a statement, then VACUUM. */
async function fillReceivedCounts(db: Db, lo: number, hi: number, cutoff: string, log: (line: string) => void): Promise<void> {
  const t0 = performance.now()
  let tickets = 0
  for (let g = lo; g < hi; g += RECV_CHUNK) {
    tickets += await fillReceived(db, genNumber(g), genNumber(Math.min(g + RECV_CHUNK, hi)), cutoff)
    log(`received counts: ${tickets.toLocaleString('en')} tickets, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  const scoped = await fillScopeCounts(db, cutoff)
  log(`scoped received counts: ${scoped.toLocaleString('en')} tickets, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  await db.query(`VACUUM (ANALYZE) hotline_recv_day, hotline_recv_month, hotline_trend_day, hotline_recv_delta, ${SCOPE_TABLES}`)
  log(`received counts: vacuumed, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

/** What follows the assessment's chunks and fold: its indexes, VACUUM, then the received counts for `bounds`. */
async function afterAssessmentFill(db: Db, bounds: readonly string[], cutoff: string, jobs: number, log: (line: string) => void): Promise<void> {
  const t0 = performance.now()
  const s = (): string => ((performance.now() - t0) / 1000).toFixed(1)
  await restoreDroppedIndexes(db, jobs, log, { tables: ['assessment_fact', 'assessment_agg'] })
  await db.query('VACUUM (ANALYZE) assessment_fact, assessment_agg')
  log(`assessment fill: indexes built and vacuumed, ${s()} s`)
  let tickets = 0
  for (let i = 1; i < bounds.length; i++) tickets += await fillReceived(db, bounds[i - 1]!, bounds[i]!, cutoff)
  await fillScopeCounts(db, cutoff)
  await db.query(`VACUUM (ANALYZE) hotline_recv_day, hotline_recv_month, hotline_trend_day, hotline_recv_delta, ${SCOPE_TABLES}`)
  log(`received counts: ${tickets.toLocaleString('en')} tickets, ${s()} s`)
}

/**
 * `--resume-fill`: a fill stopped after its chunks (every generated item has facts): the fold of the staged sums into
 * assessment_agg when it had not happened (the stage table is still there; since 2026-12-03 each chunk adds its own
 * sums to assessment_agg and stages none, so that fold is empty unless an older version staged them), the facts' indexes, VACUUM, and the
 * received counts when no generated ticket has any yet.
 */
async function resumeFill(db: Db, chunk: number, cutoff: string, jobs: number, log: (line: string) => void): Promise<void> {
  const { rows } = await db.query<{ n: string | null; staged: boolean; received: boolean }>(
    `SELECT (SELECT max(substr(number, 5)::bigint)::text FROM item WHERE number LIKE 'GEN-%') AS n,
            to_regclass('assessment_fill_stage') IS NOT NULL AS staged,
            EXISTS (SELECT 1 FROM hotline_recv_day WHERE dim = 'c' AND code LIKE 'GEN-%')
            OR EXISTS (SELECT 1 FROM hotline_recv_delta WHERE dim = 'c' AND code LIKE 'GEN-%') AS received`,
  )
  const hi = Number(rows[0]?.n ?? 0)
  if (rows[0]?.staged) {
    // The fold sorts every staged sum three times (day, month, year: ~207M rows at 10M): with the default work_mem an
    // external merge of many runs (over 25 min at 10M, niced, unfinished); 1 GB a session, once.
    const n = await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '1GB'`)
      return finishFill(tx)
    })
    log(`assessment fill: ${n.toLocaleString('en')} counter rows folded`)
  }
  const bounds: string[] = []
  for (let g = 0; g < hi; g += chunk) bounds.push(genNumber(g))
  bounds.push(genNumber(hi))
  if (rows[0]?.received) {
    log('received counts there already: not filled again')
    await restoreDroppedIndexes(db, jobs, log, { tables: ['assessment_fact', 'assessment_agg'] })
    await db.query('VACUUM (ANALYZE) assessment_fact, assessment_agg')
    return
  }
  await afterAssessmentFill(db, bounds, cutoff, jobs, log)
}

/**
 * After the load: the B-tree indexes (`jobs` at once), then the GIN ones (the trigram index alone took 3,506 s of a
 * 4,577 s run at 10M) on one connection in the background while the rest goes on beside them: item_clock,
 * ledger_unit_open and the counters' fill (`fill`), which need no GIN index (ANALYZE first, so their plans know the
 * tables; VACUUM would wait for the builds' locks, so it comes last).
 */
async function finishLoad(
  db: Db,
  jobs: number,
  log: (line: string) => void,
  fill: { readonly lo: number; readonly hi: number; readonly chunk: number; readonly cutoff: string } | null,
  skipTextIndexes = false,
): Promise<void> {
  const t0 = performance.now()
  const s = (): string => ((performance.now() - t0) / 1000).toFixed(1)
  const backup = await db.query(`SELECT to_regclass('gen_index_backup') IS NOT NULL AS b`)
  if (backup.rows[0]?.b) await restoreDroppedIndexes(db, jobs, log, { tables: GEN_TABLES, gin: false })
  await db.query('ANALYZE item, item_unit, progress_report, ticket')
  log(`B-tree indexes built, tables analyzed, ${s()} s`)
  const gin = backup.rows[0]?.b && !skipTextIndexes ? restoreDroppedIndexes(db, 1, log, { tables: GEN_TABLES, gin: true }) : Promise.resolve()
  const ginDone = gin.then(
    () => null,
    (e: unknown) => e,
  )
  // The supervision tick's next-fire rows (item_clock, migration 169), which the chunks' triggers (off) did not write:
  // one per open item, not computed yet ('-infinity'), as an item inserted with its triggers gets.
  await db.query(`INSERT INTO item_clock (item_id, version) SELECT id, version FROM item WHERE state_type <> 'closed' ON CONFLICT (item_id) DO NOTHING`)
  // The ledger's open work per unit (ledger_unit_open, migration 179; 待办 dues, 204; the lead, 211), which the chunks'
  // triggers (off) did not write.
  await db.query(
    `INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date, todo_due, lead)
     SELECT u.item_id, u.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date,
            ticket_todo_due(i.kind, i.state, i.snapshot), bool_or(u.role = 'lead')
       FROM item i JOIN item_unit u ON u.item_id = i.id WHERE i.state_type <> 'closed'
      GROUP BY u.item_id, u.unit_id, i.id
     ON CONFLICT (item_id, unit_id) DO NOTHING`,
  )
  await db.query('VACUUM (ANALYZE) item_clock, ledger_unit_open')
  log(`item_clock and ledger_unit_open filled, ${s()} s`)
  let failed: unknown = null
  if (fill) {
    try {
      await fillCounters(db, fill.lo, fill.hi, fill.chunk, fill.cutoff, jobs, log)
    } catch (e) {
      failed = e
    }
  }
  const e = await ginDone
  if (failed ?? e) throw failed ?? e
  // VACUUM too: it sets the visibility map after the load, as autovacuum would soon, so index-only scans are measured as in use.
  await db.query('VACUUM (ANALYZE) item, item_unit, progress_report, ticket')
  log(`vacuumed, ${s()} s`)
}

export async function generateItems(db: Db, opts: GenerateOptions): Promise<void> {
  const count = opts.fillOnly || opts.finish ? 0 : opts.count
  const chunk = opts.chunk ?? 100_000
  const jobs = Math.max(1, opts.jobs ?? 1)
  const log = opts.log ?? ((line: string) => console.log(line))
  const cutoff = opts.cutoff ?? chinaToday()
  if (opts.resumeFill) return resumeFill(db, opts.fillChunk ?? FILL_CHUNK, cutoff, jobs, log)
  if (opts.fillOnly || opts.finish) {
    const { rows } = await db.query<{ n: string | null; filled: boolean }>(
      `SELECT max(substr(number, 5)::bigint)::text AS n,
              EXISTS (SELECT 1 FROM assessment_fact WHERE number LIKE 'GEN-%')
              OR EXISTS (SELECT 1 FROM hotline_recv_day WHERE dim = 'c' AND code LIKE 'GEN-%')
              OR EXISTS (SELECT 1 FROM hotline_recv_delta WHERE dim = 'c' AND code LIKE 'GEN-%') AS filled
         FROM item WHERE number LIKE 'GEN-%'`,
    )
    if (rows[0]?.filled) throw new Error('generated items have assessment facts or received counts already: nothing filled')
    if (opts.finish) return finishLoad(db, jobs, log, { lo: 0, hi: Number(rows[0]?.n ?? 0), chunk: opts.fillChunk ?? FILL_CHUNK, cutoff }, opts.skipTextIndexes)
    await fillCounters(db, 0, Number(rows[0]?.n ?? 0), opts.fillChunk ?? FILL_CHUNK, cutoff, jobs, log)
    return
  }
  await db.query(`INSERT INTO unit (id, name, level) VALUES ('gen-root', '生成数据市', 'city') ON CONFLICT (id) DO NOTHING`)
  await db.query(
    `INSERT INTO unit (id, name, parent_id, level)
     SELECT 'gen-u' || lpad(g::text, 2, '0'), '生成单位' || g, 'gen-root', 'department' FROM generate_series(1, 60) g
     ON CONFLICT (id) DO NOTHING`,
  )
  await db.query(
    `INSERT INTO service_category (code, version, level, name)
     SELECT 'GEN-' || lpad(g::text, 2, '0'), 1, 1, (${sqlArray(TOPICS)})[g] FROM generate_series(1, 20) g
     ON CONFLICT DO NOTHING`,
  )

  await db.query(`CREATE TABLE IF NOT EXISTS gen_index_backup (name text PRIMARY KEY, def text NOT NULL)`)
  // Secondary indexes only: primary keys and unique constraints stay (they are what keeps the load honest).
  await db.query(
    `INSERT INTO gen_index_backup (name, def)
     SELECT c.relname, pg_get_indexdef(x.indexrelid)
       FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      WHERE x.indrelid = ANY (ARRAY[${GEN_TABLES.map((t) => `'${t}'::regclass`).join(',')}])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
     ON CONFLICT (name) DO NOTHING`,
  )
  // With --count 0 nothing is loaded: only the indexes an interrupted run left unbuilt are built.
  const { rows: dropped } = await db.query<{ name: string }>(`SELECT name FROM gen_index_backup WHERE to_regclass(name) IS NOT NULL AND $1::int > 0`, [count])
  for (const r of dropped) await db.query(`DROP INDEX ${r.name}`)

  const { rows } = await db.query<{ n: string | null }>(`SELECT max(substr(number, 5)::bigint)::text AS n FROM item WHERE number LIKE 'GEN-%'`)
  const start = Number(rows[0]?.n ?? 0)
  const t0 = performance.now()

  /** Items lo…hi (inclusive) with their units, reports and tickets, in one transaction. */
  async function loadChunk(lo: number, hi: number): Promise<void> {
    await db.transaction(async (tx) => {
      // Without triggers and per-row FK checks (see the header); only this transaction.
      await tx.query(`SET LOCAL session_replication_role = replica`)
      await tx.query(`SET LOCAL synchronous_commit = off`)
      // One row per g; r1…r4 are independent pseudo-random numbers in [0,1) derived from g (reproducible).
      await tx.query(
        `WITH g AS (
           SELECT g,
                  ((g * 2654435761) % 1000003) / 1000003.0 AS r1,
                  ((g * 40503 + 7) % 999983) / 999983.0 AS r2,
                  ((g * 69069 + 1) % 1000033) / 1000033.0 AS r3,
                  ((g * 1103515245 + 12345) % 999979) / 999979.0 AS r4
             FROM generate_series($1::bigint, $2::bigint) g
         ), f AS (
           SELECT g, r1, r2, r3, r4,
                  CASE WHEN g % 5 = 0 THEN 'task' ELSE 'ticket' END AS kind,
                  timestamptz '2024-01-01 00:00+08' + (r1 * interval '1065 days') AS created,
                  (10 + floor(r2 * 50))::int AS days,
                  -- Open work is recent: of items older than ~120 days (r1 < 0.887) only 1% is still open (carried-over overdue).
                  CASE WHEN r3 < 0.03 THEN 'cancelled' WHEN r3 < 0.85 OR (r1 < 0.887 AND r3 < 0.99) THEN 'closed'
                       WHEN r3 < 0.90 OR r3 >= 0.99 THEN 'accepted' WHEN r3 < 0.95 THEN 'dispatched' ELSE 'extension_requested' END AS state,
                  'gen-u' || lpad((1 + floor(r4 * 60))::int::text, 2, '0') AS lead,
                  (${sqlArray(PLACES)})[1 + g % 12] AS place, 1 + (g / 12) % 20 AS topic, (${sqlArray(ACTIONS)})[1 + (g / 240) % 8] AS action,
                  (${sqlArray(PLACES)})[1 + (g / 7) % 12] AS body_place, (${sqlArray(TOPICS)})[1 + (g / 3) % 20] AS body_topic
             FROM g
         ), i AS (
           INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, due_date, snapshot, data, created_at, updated_at, closed_at)
           SELECT 'gen-' || g, 'GEN-' || lpad(g::text, 10, '0'), kind, 1, state,
                  CASE WHEN state IN ('closed', 'cancelled') THEN 'closed' WHEN state = 'accepted' THEN 'open' ELSE 'waiting' END,
                  '关于' || place || (${sqlArray(TOPICS)})[topic] || '问题的' || action || '（' || g || '）',
                  '群众反映' || body_place || '存在' || body_topic || '情况，请相关单位于' || days || '日内' || (${sqlArray(ACTIONS)})[1 + g % 8] || '并反馈。编号' || md5(g::text),
                  (created AT TIME ZONE 'Asia/Shanghai')::date + days,
                  jsonb_build_object('kind', kind, 'kindVersion', '1', 'state', state, 'data', '{}'::jsonb, 'counters', '{}'::jsonb,
                    'clocks', jsonb_build_object('due', jsonb_build_object(
                      'startedAt', to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                      'dueAt', to_char(((created AT TIME ZONE 'Asia/Shanghai')::date + days + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                      'stoppedAt', CASE WHEN state = 'closed' THEN to_char((created + (r2 * 1.3 * days) * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END))),
                  CASE WHEN kind = 'task' AND g % 10 = 0
                       THEN jsonb_build_object('targets', jsonb_build_array(jsonb_build_object('metric', '完成率', 'comparison', '>=', 'value', 100, 'unit', '%')),
                                               'measures', jsonb_build_object('完成率', CASE WHEN r4 < 0.7 THEN 100 ELSE 80 END))
                       ELSE '{}'::jsonb END,
                  created,
                  CASE WHEN state IN ('closed', 'cancelled') THEN created + (r2 * 1.3 * days + 1) * interval '1 day' ELSE created + interval '1 day' END,
                  CASE WHEN state IN ('closed', 'cancelled') THEN created + (r2 * 1.3 * days + 1) * interval '1 day' END
             FROM f
           RETURNING 1
         ), t AS (
           INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, requester_name, requester_phone,
                               address, place_unit_id, content, received_at, citizen_rating, search_vector)
           SELECT 'gen-' || g, (${CHANNELS})[1 + g % 10], (${REQUEST_TYPES})[1 + (g / 10) % 10], 'GEN-' || lpad(topic::text, 2, '0'), 1,
                  CASE WHEN g % 50 = 1 THEN 'urgent' WHEN g % 10 = 3 THEN 'pressing' ELSE 'normal' END,
                  CASE WHEN g % 4 = 0 THEN NULL ELSE '市民' || (g % 9973) END,
                  '13' || lpad(((g * 7919) % 1000000000)::text, 9, '0'),
                  place || (1 + g % 97) || '号路' || (1 + g % 503) || '号', lead,
                  '群众反映' || body_place || '存在' || body_topic || '情况。编号' || md5(g::text), created,
                  CASE WHEN state = 'closed' THEN (ARRAY['satisfied','satisfied','satisfied','basically_satisfied','unsatisfied'])[1 + g % 5] END,
                  to_tsvector('simple', '关于 ' || place || ' ' || (${sqlArray(TOPIC_WORDS)})[topic] || ' ' || (${sqlArray(TOPIC_WORDS)})[1 + (g / 3) % 20] || ' 问题 ' || action || ' 群众 反映 ' || body_place || ' 存在 情况')
             FROM f WHERE kind = 'ticket'
           RETURNING 1
         ), u AS (
           INSERT INTO item_unit (item_id, unit_id, role, received_at)
           SELECT 'gen-' || g, lead, 'lead', CASE WHEN kind = 'ticket' THEN created END FROM f
           UNION ALL
           SELECT 'gen-' || g, 'gen-u' || lpad((1 + (g % 60))::int::text, 2, '0'), 'responsible', CASE WHEN kind = 'ticket' THEN created END FROM f WHERE g % 3 = 0 AND 'gen-u' || lpad((1 + (g % 60))::int::text, 2, '0') <> lead
           RETURNING 1
         )
         INSERT INTO progress_report (id, item_id, unit_id, period, body, reported_at)
         SELECT 'gen-r' || g, 'gen-' || g, lead, NULL, '已按要求推进，阶段性完成' || floor(r1 * 100) || '%', created + interval '3 days' FROM f WHERE g % 10 = 0`,
        [lo, hi],
      )
    })
  }

  let next = 0
  let done = 0
  async function worker(): Promise<void> {
    while (next < count) {
      const lo = start + next + 1
      const hi = start + Math.min(next + chunk, count)
      next = hi - start
      await loadChunk(lo, hi)
      done += hi - lo + 1
      const s = (performance.now() - t0) / 1000
      log(`${done.toLocaleString('en')} / ${count.toLocaleString('en')} items, ${s.toFixed(1)} s`)
    }
  }
  await Promise.all(Array.from({ length: jobs }, () => worker()))
  await finishLoad(db, jobs, log, opts.fill !== false && count > 0 ? { lo: start, hi: start + count, chunk: opts.fillChunk ?? FILL_CHUNK, cutoff } : null, opts.skipTextIndexes)
  const { rows: size } = await db.query<{ items: string; size: string }>(`SELECT count(*)::text AS items, pg_size_pretty(pg_database_size(current_database())) AS size FROM item`)
  log(`item: ${size[0]?.items} rows; database ${size[0]?.size}; ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 ? process.argv[i + 1] : undefined
  }
  const db = await openDatabase({ url: arg('url') ?? process.env.DATABASE_URL, dataDir: arg('data-dir') ?? ':memory:' })
  await generateItems(db, {
    count: Number(arg('count') ?? 100_000),
    chunk: Number(arg('chunk') ?? 100_000),
    jobs: Number(arg('jobs') ?? 1),
    fill: !process.argv.includes('--no-fill'),
    fillOnly: process.argv.includes('--fill-only'),
    finish: process.argv.includes('--finish'),
    resumeFill: process.argv.includes('--resume-fill'),
    cutoff: arg('cutoff'),
    skipTextIndexes: process.argv.includes('--skip-text-indexes'),
  })
  await db.close()
}
