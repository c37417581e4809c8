/**
 * Generated items (事项) for measuring reads at scale: inserts N items set-based with generate_series, in
 * chunks of 100,000 rows per statement, with their lead (and some responsible) units and a progress report
 * for one item in ten. Half are tasks, half tickets, created over 2024-01 … 2026-11; about 85% of recent items closed and
 * 99% of those older than ~120 days, the rest open or waiting, 3% cancelled. Titles and bodies are Chinese phrases combined by the row number, so
 * text search has words that are common, rare and absent. Numbers are GEN-<seq>, after every real number.
 *
 *   npx tsx scripts/generate-items.ts --url postgres://postgres@127.0.0.1:5432/duban_gen --count 1000000
 *   npx tsx scripts/generate-items.ts --data-dir ./gen.pglite --count 100000      (PGlite)
 *
 * It migrates the database first, creates 60 units `gen-u01`…`gen-u60` (under `gen-root`) when missing, and
 * appends after the generated items already there (run it twice for 2N). Then ANALYZE.
 */
import { openDatabase } from '../src/persistence/open.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const count = Number(arg('count') ?? 100_000)
const chunk = Number(arg('chunk') ?? 100_000)
const url = arg('url') ?? process.env.DATABASE_URL
const db = await openDatabase({ url, dataDir: arg('data-dir') ?? ':memory:' })

const sqlArray = (xs: readonly string[]): string => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`
const PLACES = sqlArray(['城关镇', '开发区', '高新区', '东城街道', '西城街道', '南湖乡', '北山镇', '滨江新区', '老城区', '临港园区', '青山村', '柳树社区'])
const TOPICS = sqlArray(['粮食安全', '食品药品安全', '噪音扰民', '道路破损', '违章停车', '供水停水', '燃气安全', '垃圾清运', '小区物业', '农民工工资', '学校周边', '电梯故障', '路灯不亮', '占道经营', '排水管网', '防汛备汛', '安全生产', '营商环境', '养老服务', '医疗保障'])
const ACTIONS = sqlArray(['整改落实', '专项整治', '督促办理', '排查治理', '协调解决', '加快推进', '核查处置', '回访评价'])

await db.query(`INSERT INTO unit (id, name, level) VALUES ('gen-root', '生成数据市', 'city') ON CONFLICT (id) DO NOTHING`)
await db.query(
  `INSERT INTO unit (id, name, parent_id, level)
   SELECT 'gen-u' || lpad(g::text, 2, '0'), '生成单位' || g, 'gen-root', 'department' FROM generate_series(1, 60) g
   ON CONFLICT (id) DO NOTHING`,
)
const { rows } = await db.query<{ n: string | null }>(`SELECT max(substr(number, 5)::bigint)::text AS n FROM item WHERE number LIKE 'GEN-%'`)
let done = 0
const start = Number(rows[0]?.n ?? 0)
const t0 = performance.now()
while (done < count) {
  const lo = start + done + 1
  const hi = start + Math.min(done + chunk, count)
  // One row per g; r1…r4 are independent pseudo-random numbers in [0,1) derived from g (reproducible).
  await db.transaction(async (tx) => {
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
                CASE WHEN g % 2 = 0 THEN 'task' ELSE 'ticket' END AS kind,
                timestamptz '2024-01-01 00:00+08' + (r1 * interval '1065 days') AS created,
                (10 + floor(r2 * 50))::int AS days,
                -- Open work is recent: of items older than ~120 days (r1 < 0.887) only 1% is still open (carried-over overdue).
                CASE WHEN r3 < 0.03 THEN 'cancelled' WHEN r3 < 0.85 OR (r1 < 0.887 AND r3 < 0.99) THEN 'closed'
                     WHEN r3 < 0.90 OR r3 >= 0.99 THEN 'accepted' WHEN r3 < 0.95 THEN 'dispatched' ELSE 'extension_requested' END AS state,
                'gen-u' || lpad((1 + floor(r4 * 60))::int::text, 2, '0') AS lead
           FROM g
       ), i AS (
         INSERT INTO item (id, number, kind, kind_version, state, state_type, title, body, due_date, snapshot, data, created_at, updated_at, closed_at)
         SELECT 'gen-' || g, 'GEN-' || lpad(g::text, 10, '0'), kind, 1, state,
                CASE WHEN state IN ('closed', 'cancelled') THEN 'closed' WHEN state = 'accepted' THEN 'open' ELSE 'waiting' END,
                '关于' || (${PLACES})[1 + g % 12] || (${TOPICS})[1 + (g / 12) % 20] || '问题的' || (${ACTIONS})[1 + (g / 240) % 8] || '（' || g || '）',
                '群众反映' || (${PLACES})[1 + (g / 7) % 12] || '存在' || (${TOPICS})[1 + (g / 3) % 20] || '情况，请相关单位于' || days || '日内' || (${ACTIONS})[1 + g % 8] || '并反馈。编号' || md5(g::text),
                (created AT TIME ZONE 'Asia/Shanghai')::date + days,
                jsonb_build_object('kindVersion', 1, 'state', state, 'data', '{}'::jsonb, 'counters', '{}'::jsonb,
                  'clocks', jsonb_build_object('due', jsonb_build_object(
                    'startedAt', to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'dueAt', to_char(((created AT TIME ZONE 'Asia/Shanghai')::date + days + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'stoppedAt', CASE WHEN state = 'closed' THEN to_char((created + (r2 * 1.3 * days) * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END))),
                CASE WHEN kind = 'task' AND g % 5 = 0
                     THEN jsonb_build_object('targets', jsonb_build_array(jsonb_build_object('metric', '完成率', 'comparison', '>=', 'value', 100, 'unit', '%')),
                                             'measures', jsonb_build_object('完成率', CASE WHEN r4 < 0.7 THEN 100 ELSE 80 END))
                     ELSE '{}'::jsonb END,
                created,
                CASE WHEN state IN ('closed', 'cancelled') THEN created + (r2 * 1.3 * days + 1) * interval '1 day' ELSE created + interval '1 day' END,
                CASE WHEN state IN ('closed', 'cancelled') THEN created + (r2 * 1.3 * days + 1) * interval '1 day' END
           FROM f
         RETURNING id
       ), u AS (
         INSERT INTO item_unit (item_id, unit_id, role)
         SELECT 'gen-' || g, lead, 'lead' FROM f
         UNION ALL
         SELECT 'gen-' || g, 'gen-u' || lpad((1 + (g % 60))::int::text, 2, '0'), 'responsible' FROM f WHERE g % 3 = 0 AND 'gen-u' || lpad((1 + (g % 60))::int::text, 2, '0') <> lead
         RETURNING 1
       )
       INSERT INTO progress_report (id, item_id, unit_id, period, body, reported_at)
       SELECT 'gen-r' || g, 'gen-' || g, lead, NULL, '已按要求推进，阶段性完成' || floor(r1 * 100) || '%', created + interval '3 days' FROM f WHERE g % 10 = 0`,
      [lo, hi],
    )
  })
  done = hi - start
  const s = (performance.now() - t0) / 1000
  console.log(`${done.toLocaleString('en')} / ${count.toLocaleString('en')} items, ${s.toFixed(1)} s`)
}
await db.query('ANALYZE item; ANALYZE item_unit; ANALYZE progress_report')
const { rows: size } = await db.query<{ items: string; size: string }>(`SELECT count(*)::text AS items, pg_size_pretty(pg_total_relation_size('item')) AS size FROM item`)
console.log(`item: ${size[0]?.items} rows, ${size[0]?.size} with indexes`)
await db.close()
