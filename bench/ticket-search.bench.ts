/**
 * Chinese ticket search (工单检索) on 1,000,000 generated tickets on PostgreSQL: the time of the ticket list's
 * keyword search as GET /api/tickets?q= runs it (`listTickets` with jieba: the query segmented, the pending-index
 * check, the bounded search — the newest 300 matches found through the GIN index of words and day terms, newest
 * days first, ranked, the total capped; tickets.repo.ts searchTicketRows — the first page of 20 built into views),
 * p50 and p95 over 200 queries
 * after 20 warm-up queries, as the hotline (operator) sees every ticket; and of the search statements alone
 * (listTicketRows: all words, then all but one, then any, until one finds tickets), which the index decides.
 *
 * Data, generated in SQL with `INSERT … SELECT generate_series` (no rows pass through Node): 5 districts, 30 streets,
 * 20 level-3 categories, and 1M `item` + `ticket` rows received evenly over 2026-01-01 … 2026-12-01, each a sentence
 * made of a street, a place (60 小区/路/市场 …), a thing (60: 垃圾桶, 路灯, 井盖 …) and a problem (40: 满了没人清理,
 * 坏了不亮 …). Things and problems are drawn skewed (index ⌊n·u²⌋ for u uniform), so the commonest thing is in about
 * 1 ticket in 8 and the rarest in fewer than 1 in 1,000, as common complaints dominate a real hotline. Each ticket's
 * search vector is the jieba search-mode words of its title, content and address, as the application writes them
 * (ticket-search.ts): each vocabulary entry is segmented once in Node and the words joined in SQL.
 * Queries are a thing and a problem of a random ticket written as a caller would (`小区垃圾桶满了没人清理`), half
 * of them with the street's name, so they follow the same skew.
 *
 * The database `duban_bench_ticket_search` (on DATABASE_URL's server, else the local one) is kept between runs and
 * reused when it holds the same generation (table bench_meta); DUBAN_BENCH_REGENERATE=1 rebuilds it,
 * DUBAN_BENCH_TICKETS=N generates N tickets instead of 1M. The run also prints EXPLAIN ANALYZE of each statement of
 * one search (the median query by matches).
 *
 * The number case (工单编号): 200 queries (after 20 warm-up) naming a ticket by its number as an operator types it —
 * in turn the whole number (GD-S-00012345), its end (012345), its start (GD-S-000123, 100 tickets) and words with the
 * end (`垃圾桶满了没人清理 012345`) — p50 and p95 of listTickets, the pages (buffers) its statements touch, and the
 * EXPLAIN (ANALYZE, BUFFERS) of the number lookup of one whole number (migration 158's two indexes).
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { jiebaSearchTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import type { Actor, AppDeps } from '../src/app/deps.ts'
import { ticketIndexWords, ticketNumberTerms, ticketQueryWords } from '../src/app/tickets/ticket-search.ts'
import { listTickets } from '../src/app/tickets/ticket-queries.ts'
import { migrate } from '../src/persistence/migrate.ts'
import { openPg } from '../src/persistence/pg.db.ts'
import { SEARCH_BOUNDS } from '../src/persistence/ticket-search.repo.ts'
import { listTicketRows } from '../src/persistence/tickets.repo.ts'
import { median, percentile, type Benchmark } from './bench.types.ts'
import { keptDatabase, requirePgServer } from './bench-targets.ts'

const DB_NAME = 'duban_bench_ticket_search'
const GENERATION = 'v1'
const QUERIES = 200
const WARM_UP = 20
const PAGE = 20
const round2 = (x: number): number => Math.round(x * 100) / 100

const DISTRICTS = ['青龙区', '白虎区', '朱雀区', '玄武区', '麒麟区']
const STREETS = ['人民路', '解放路', '建设路', '中山路', '和平路', '胜利路']
const PLACES = (
  '幸福小区 阳光花园 锦绣家园 金色华庭 翠湖苑 碧水湾 东方明珠小区 世纪新城 枫林晚小区 桂花园 丽景名都 新华小区 ' +
  '实验小学门口 第一中学旁 人民医院对面 农贸市场 菜市场 汽车站 火车站广场 中心公园 体育馆 图书馆 文化广场 步行街 ' +
  '夜市 批发市场 工业园区 开发区 老街 城中村 公交站台 地铁口 加油站 商业广场 购物中心 物流园 幼儿园 养老院 卫生院 ' +
  '派出所旁 社区服务中心 停车场 菜鸟驿站 快递点 垃圾中转站 河道 桥下 隧道口 高架桥下 十字路口 天桥 地下通道 ' +
  '城东小区 城西小区 南湖小区 北苑小区 滨江花园 江景小区 山水小区'
).split(' ')
const THINGS = (
  '垃圾桶 路灯 井盖 下水道 红绿灯 电梯 自来水 燃气管道 暖气 化粪池 绿化带 人行道 盲道 公交车 出租车 共享单车 电动车 ' +
  '充电桩 停车位 围墙 广告牌 空调外机 油烟 噪音 施工 渣土车 大货车 流浪狗 蚊虫 污水 积水 排水管 消防通道 楼道 ' +
  '外墙 屋顶 窗户 门禁 监控 路面 坑洼 护栏 树木 草坪 健身器材 路牌 公厕 垃圾 杂物 摊贩 广场舞 装修 物业 商铺 ' +
  '餐馆 网吧 工地 烧烤'
).split(' ')
const PROBLEMS = (
  '满了没人清理 坏了不亮 丢失了很危险 堵塞冒水 不亮了 停运 停水三天 漏气有味道 不热 满溢发臭 无人修剪 破损严重 ' +
  '被占用 乱停乱放 乱收费 噪音扰民 深夜扰民 污染严重 长期积水 乱堆乱放 倒塌隐患 脱落伤人 长期损坏 无人管理 收费不合理 ' +
  '影响通行 影响休息 存在安全隐患 拖欠工资 服务态度差 价格欺诈 缺斤少两 油烟扰民 占道经营 违章搭建 私拉电线 ' +
  '无证经营 夜间施工 臭味难闻 蚊虫滋生'
).split(' ')

/** Each entry's search words (jieba search mode), space-joined: what ticket-search.ts stores for it. */
const wordsOf = (xs: readonly string[]): string[] => xs.map((x) => ticketIndexWords(jiebaSearchTokenize, { title: '', content: x, address: '' }))

/** The generator, for n tickets: content and search words built from the vocabulary arrays ($1…$8). */
function generationSql(n: number): { sql: string; params?: unknown[] }[] {
  const skew = (seed: number, size: number) => `floor(${size} * power(((g::bigint * ${seed}) % 10007) / 10007.0, 2))::int + 1`
  return [
    { sql: `INSERT INTO unit (id, name, parent_id, level) VALUES ('scity', '基准市', NULL, 'city')` },
    { sql: `INSERT INTO unit (id, name, parent_id, level) SELECT 'sd' || d, ($1::text[])[d], 'scity', 'district' FROM generate_series(1, 5) d`, params: [DISTRICTS] },
    {
      sql: `INSERT INTO unit (id, name, parent_id, level) SELECT 'ss' || d || '-' || s, ($1::text[])[d] || ($2::text[])[s] || '街道', 'sd' || d, 'township'
              FROM generate_series(1, 5) d, generate_series(1, 6) s`,
      params: [DISTRICTS, STREETS],
    },
    { sql: `INSERT INTO service_category (code, version, parent_code, level, name, time_limits) VALUES ('03', 1, NULL, 1, '城乡建设', '{"normal": {"unit": "working_days", "amount": 7}}'::jsonb)` },
    { sql: `INSERT INTO service_category (code, version, parent_code, level, name) VALUES ('03.02', 1, '03', 2, '市容环境')` },
    {
      sql: `INSERT INTO service_category (code, version, parent_code, level, name, function)
              SELECT '03.02.' || lpad(c::text, 2, '0'), 1, '03.02', 3, ($1::text[])[c], '城市管理' FROM generate_series(1, 20) c`,
      params: [['垃圾清运', '占道经营', '噪声污染', '路灯维修', '井盖缺失', '排水防涝', '违章建筑', '绿化养护', '油烟污染', '渣土运输', '共享单车', '停车管理', '物业管理', '供水问题', '燃气问题', '供暖问题', '市场秩序', '动物管理', '公厕管理', '施工扰民']],
    },
    { sql: `SET LOCAL session_replication_role = replica` },
    {
      sql: `CREATE TEMP TABLE bench_g AS
              SELECT g, TIMESTAMPTZ '2026-01-01 00:00:00+08' + (g - 1) * (interval '334 days' / ${n}) AS rec,
                     1 + g % 5 AS d, 1 + (g / 5) % 6 AS s, 1 + (g::bigint * 7919) % ${PLACES.length} AS pl,
                     ${skew(7561, THINGS.length)} AS th, ${skew(3571, PROBLEMS.length)} AS pr, 1 + (g / 30) % 20 AS c
              FROM generate_series(1, ${n}) g`,
    },
    {
      sql: `INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot, created_at, updated_at, closed_at)
              SELECT 'st' || g, 'GD-S-' || lpad(g::text, 8, '0'), 'ticket', 1, 'closed', 'closed',
                     ($2::text[])[c] || '：' || ($1::text[])[pl] || ($3::text[])[th] || ($4::text[])[pr], '{}'::jsonb, rec, rec, rec + interval '5 days'
              FROM bench_g`,
      params: [PLACES, ['垃圾清运', '占道经营', '噪声污染', '路灯维修', '井盖缺失', '排水防涝', '违章建筑', '绿化养护', '油烟污染', '渣土运输', '共享单车', '停车管理', '物业管理', '供水问题', '燃气问题', '供暖问题', '市场秩序', '动物管理', '公厕管理', '施工扰民'], THINGS, PROBLEMS],
    },
    {
      sql: `INSERT INTO ticket (item_id, channel, request_type, category_code, category_version, urgency, requester_phone, address, place_unit_id, content, received_at, search_vector)
              SELECT 'st' || g, 'phone', 'complaint', '03.02.' || lpad(c::text, 2, '0'), 1, 'normal', '138' || lpad((g % 100000000)::text, 8, '0'),
                     ($1::text[])[d] || ($2::text[])[s] || (g % 300) || '号' || ($3::text[])[pl],
                     'ss' || d || '-' || s,
                     ($3::text[])[pl] || '的' || ($4::text[])[th] || ($5::text[])[pr] || '，请尽快处理',
                     rec,
                     to_tsvector('simple', concat_ws(' ', ($11::text[])[c], ($6::text[])[d], ($7::text[])[s], ($8::text[])[pl], ($9::text[])[th], ($10::text[])[pr], '尽快 处理'))
              FROM bench_g`,
      params: [DISTRICTS, STREETS, PLACES, THINGS, PROBLEMS, wordsOf(DISTRICTS), wordsOf(STREETS), wordsOf(PLACES), wordsOf(THINGS), wordsOf(PROBLEMS),
        wordsOf(['垃圾清运', '占道经营', '噪声污染', '路灯维修', '井盖缺失', '排水防涝', '违章建筑', '绿化养护', '油烟污染', '渣土运输', '共享单车', '停车管理', '物业管理', '供水问题', '燃气问题', '供暖问题', '市场秩序', '动物管理', '公厕管理', '施工扰民'])],
    },
    { sql: `SET LOCAL session_replication_role = DEFAULT` },
    { sql: `CREATE TABLE bench_meta (generation text, tickets int, generated_at timestamptz DEFAULT now())` },
    { sql: `INSERT INTO bench_meta (generation, tickets) VALUES ('${GENERATION}', ${n})` },
  ]
}

/** The bench database, generated unless it already holds this generation of n tickets. */
async function prepare(admin: string, n: number, log: (line: string) => void): Promise<{ url: string; generatedMs: number | null }> {
  const { url, meta } = await keptDatabase(admin, DB_NAME, (m) => m.generation === GENERATION && Number(m.tickets) === n)
  if (meta) {
    log(`ticket-search: reusing ${DB_NAME} (${n} tickets, generation ${GENERATION}); DUBAN_BENCH_REGENERATE=1 rebuilds it`)
    return { url, generatedMs: null }
  }
  const db = await openPg(url)
  try {
    await migrate(db)
    const t0 = performance.now()
    await db.transaction(async (tx) => {
      // The GIN index is built once after the load (as migration 143 defines it), not row by row.
      await tx.query(`DROP INDEX ticket_search_spans_idx`)
      for (const s of generationSql(n)) {
        const t = performance.now()
        await tx.query(s.sql, s.params ?? [])
        log(`ticket-search: generate: ${s.sql.replace(/\s+/g, ' ').slice(0, 70)}… ${((performance.now() - t) / 1000).toFixed(1)} s`)
      }
      const t = performance.now()
      await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`)
      await tx.query(`CREATE INDEX ticket_search_spans_idx ON ticket USING gin (ticket_search_spans(search_vector, received_at))`)
      log(`ticket-search: generate: GIN index ${((performance.now() - t) / 1000).toFixed(1)} s`)
    })
    await db.query(`VACUUM ANALYZE ticket`)
    await db.query(`ANALYZE item`)
    const generatedMs = performance.now() - t0
    log(`ticket-search: generated ${n} tickets in ${(generatedMs / 1000).toFixed(1)} s`)
    return { url, generatedMs }
  } finally {
    await db.close()
  }
}

/** Queries as callers write them: a ticket's place kind, thing and problem, half with the street (deterministic). */
function queries(count: number): string[] {
  const out: string[] = []
  let x = 12345
  const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648
  for (let i = 0; i < count; i++) {
    const th = THINGS[Math.floor(THINGS.length * next() ** 2)]!
    const pr = PROBLEMS[Math.floor(PROBLEMS.length * next() ** 2)]!
    const st = STREETS[Math.floor(STREETS.length * next())]!
    out.push(i % 2 ? `${st}${th}${pr}` : `请问${th}${pr}怎么办`)
  }
  return out
}

/** Number queries as operators type them, for tickets 1…n (the generator numbers ticket g GD-S-<g, 8 digits>). */
function numberQueries(count: number, n: number): string[] {
  const out: string[] = []
  let x = 54321
  const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648
  for (let i = 0; i < count; i++) {
    const digits = String(1 + Math.floor(n * next())).padStart(8, '0')
    const th = THINGS[Math.floor(THINGS.length * next() ** 2)]!
    const pr = PROBLEMS[Math.floor(PROBLEMS.length * next() ** 2)]!
    out.push([`GD-S-${digits}`, digits.slice(-6), `GD-S-${digits.slice(0, 6)}`, `${th}${pr} ${digits.slice(-6)}`][i % 4]!)
  }
  return out
}

/** The `ticket-search` benchmark. */
export const benchmark: Benchmark = {
  name: 'ticket-search',
  description: 'GET /api/tickets?q= Chinese keyword search (listTickets with jieba, ranked, first page of 20) over 1M generated tickets on PostgreSQL, p50/p95',
  async run({ log }) {
    const n = Number(process.env.DUBAN_BENCH_TICKETS ?? 1_000_000)
    const admin = await requirePgServer()
    const { url, generatedMs } = await prepare(admin, n, log)
    const db = await openPg(url)
    try {
      await migrate(db)
      // A reused database may just have had migration 143 build the expression index: its statistics for the planner.
      await db.query(`ANALYZE ticket`)
      const deps: AppDeps = { db, clock: { now: () => new Date('2026-12-01T08:00:00+08:00') }, newId: () => 'x' }
      const actor: Actor = { userId: null, role: 'operator', unitId: null, scopeUnitIds: null }
      const qs = queries(WARM_UP + QUERIES)
      const matched: number[] = []
      let capped = 0
      for (const q of qs.slice(0, WARM_UP)) await listTickets(deps, actor, { q, limit: PAGE }, jiebaSearchTokenize)
      const times: number[] = []
      const sqlTimes: number[] = []
      const tiers = { all: 0, allButOne: 0, any: 0, none: 0 }
      for (const q of qs.slice(WARM_UP)) {
        const s = performance.now()
        const res = await listTickets(deps, actor, { q, limit: PAGE }, jiebaSearchTokenize)
        times.push(performance.now() - s)
        matched.push(res.total)
        if (res.totalCapped) capped++
        // The search statement(s) alone, as listTickets sends them (all words, then all but one, then any).
        const words = ticketQueryWords(jiebaSearchTokenize, q)
        const t = performance.now()
        let tier: keyof typeof tiers = 'none'
        for (const mode of ['all', 'allButOne', 'any'] as const) {
          if ((mode === 'allButOne' && words.length < 3) || (mode === 'any' && words.length < 2)) continue
          if ((await listTicketRows(db, { q, words, wordsMode: mode, scope: null, limit: PAGE, offset: 0 })).total > 0) {
            tier = mode
            break
          }
        }
        sqlTimes.push(performance.now() - t)
        tiers[tier]++
      }
      const sorted = [...times].sort((a, b) => a - b)
      const sqlSorted = [...sqlTimes].sort((a, b) => a - b)
      const p50 = percentile(sorted, 50)
      const p95 = percentile(sorted, 95)
      const sqlP50 = percentile(sqlSorted, 50)
      const sqlP95 = percentile(sqlSorted, 95)
      log(`ticket-search: ${QUERIES} queries: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms; matches per query median ${median(matched)}, max ${Math.max(...matched)} (capped at the newest ${SEARCH_BOUNDS.candidates}: ${capped} queries)`)
      log(`ticket-search: the search statements alone: p50 ${sqlP50.toFixed(1)} ms, p95 ${sqlP95.toFixed(1)} ms; answered by all words ${tiers.all}, all but one ${tiers.allButOne}, any ${tiers.any}, none ${tiers.none}`)
      // The work of each search, which the machine's load does not change: the statements it sends and the table and
      // index pages (shared buffers hit or read) they touch, from EXPLAIN (ANALYZE, BUFFERS) of each statement.
      const pages: number[] = []
      const statements: number[] = []
      for (const q of qs.slice(WARM_UP)) {
        const words = ticketQueryWords(jiebaSearchTokenize, q)
        let touched = 0
        let sent = 0
        const counter = {
          query: async <T>(sql: string, params?: readonly unknown[]) => {
            const r = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)
            const raw = r.rows[0]?.['QUERY PLAN']
            const plan = ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Record<string, number> }[])[0]!.Plan
            touched += (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0)
            sent++
            return db.query<T>(sql, params)
          },
        }
        for (const mode of ['all', 'allButOne', 'any'] as const) {
          if ((mode === 'allButOne' && words.length < 3) || (mode === 'any' && words.length < 2)) continue
          if ((await listTicketRows(counter, { q, words, wordsMode: mode, scope: null, limit: PAGE, offset: 0 })).total > 0) break
        }
        pages.push(touched)
        statements.push(sent)
      }
      const pagesSorted = [...pages].sort((a, b) => a - b)
      log(`ticket-search: pages (8 kB buffers hit or read) per search: p50 ${percentile(pagesSorted, 50)}, p95 ${percentile(pagesSorted, 95)}, max ${pagesSorted.at(-1)}; statements per search median ${median(statements)}, max ${Math.max(...statements)}`)
      // The plan of one search (the median query by matches), as listTicketRows sends it.
      const q = qs[WARM_UP + matched.indexOf([...matched].sort((a, b) => a - b)[matched.length >> 1]!)]!
      const words = ticketQueryWords(jiebaSearchTokenize, q)
      const explain: string[] = []
      // Each statement the search sends (the bounded steps, then the page), explained, then run for its rows.
      const spy = {
        query: async <T>(sql: string, params?: readonly unknown[]) => {
          const r = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${sql}`, params)
          explain.push(...r.rows.map((x) => x['QUERY PLAN']))
          return db.query<T>(sql, params)
        },
      }
      await listTicketRows(spy, { q, words, scope: null, limit: PAGE, offset: 0 })
      log(`ticket-search: explain for ${q} → words ${words.join(' ')}`)
      for (const line of explain) log(`ticket-search: explain: ${line}`)
      // The number case: listTickets as GET /api/tickets?q= runs it, then the pages its statements touch.
      const nqs = numberQueries(WARM_UP + QUERIES, n)
      for (const nq of nqs.slice(0, WARM_UP)) await listTickets(deps, actor, { q: nq, limit: PAGE }, jiebaSearchTokenize)
      const numberTimes: number[] = []
      const numberMatched: number[] = []
      let numberFirst = 0
      for (const nq of nqs.slice(WARM_UP)) {
        const s = performance.now()
        const res = await listTickets(deps, actor, { q: nq, limit: PAGE }, jiebaSearchTokenize)
        numberTimes.push(performance.now() - s)
        numberMatched.push(res.total)
        // The ticket the query names (its number ends with the query's digits) is on top.
        const digits = /(\d{6})$/.exec(ticketNumberTerms(nq)[0] ?? '')?.[1]
        if (digits && res.tickets[0]?.number.endsWith(digits)) numberFirst++
      }
      // The search statements alone (listTicketRows, all words: the number lookup and the word search).
      const numberSqlTimes: number[] = []
      for (const nq of nqs.slice(WARM_UP)) {
        const s = performance.now()
        await listTicketRows(db, { q: nq, words: ticketQueryWords(jiebaSearchTokenize, nq), numbers: ticketNumberTerms(nq), scope: null, limit: PAGE, offset: 0 })
        numberSqlTimes.push(performance.now() - s)
      }
      const numberPages: number[] = []
      for (const nq of nqs.slice(WARM_UP)) {
        let touched = 0
        const counter = {
          query: async <T>(sql: string, params?: readonly unknown[]) => {
            const r = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)
            const raw = r.rows[0]?.['QUERY PLAN']
            const plan = ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Record<string, number> }[])[0]!.Plan
            touched += (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0)
            return db.query<T>(sql, params)
          },
        }
        await listTicketRows(counter, { q: nq, words: ticketQueryWords(jiebaSearchTokenize, nq), numbers: ticketNumberTerms(nq), scope: null, limit: PAGE, offset: 0 })
        numberPages.push(touched)
      }
      const nSorted = [...numberTimes].sort((a, b) => a - b)
      const npSorted = [...numberPages].sort((a, b) => a - b)
      const nP50 = percentile(nSorted, 50)
      const nP95 = percentile(nSorted, 95)
      // Whole numbers alone (every fourth query): the statements of one, explained with their buffers.
      const wholeQuery = nqs[WARM_UP]!
      const numberExplain: string[] = []
      const numberSpy = {
        query: async <T>(sql: string, params?: readonly unknown[]) => {
          const r = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params)
          numberExplain.push(...r.rows.map((x) => x['QUERY PLAN']))
          return db.query<T>(sql, params)
        },
      }
      await listTicketRows(numberSpy, { q: wholeQuery, words: ticketQueryWords(jiebaSearchTokenize, wholeQuery), numbers: ticketNumberTerms(wholeQuery), scope: null, limit: PAGE, offset: 0 })
      // By kind of query (every fourth is of one kind): the p50 time and pages of each.
      const KINDS = ['whole', 'end', 'start', 'words + end'] as const
      const byKind = Object.fromEntries(
        KINDS.map((k, i) => {
          const t = numberTimes.filter((_, j) => j % 4 === i).sort((a, b) => a - b)
          const st = numberSqlTimes.filter((_, j) => j % 4 === i).sort((a, b) => a - b)
          const pg = numberPages.filter((_, j) => j % 4 === i).sort((a, b) => a - b)
          return [k, { p50Ms: round2(percentile(t, 50)), p95Ms: round2(percentile(t, 95)), sqlP50Ms: round2(percentile(st, 50)), sqlP95Ms: round2(percentile(st, 95)), pagesP50: percentile(pg, 50), pagesP95: percentile(pg, 95) }]
        }),
      )
      log(`ticket-search: number queries by kind: ${KINDS.map((k) => `${k} p50 ${byKind[k]!.p50Ms} ms, p95 ${byKind[k]!.p95Ms} ms (statements p50 ${byKind[k]!.sqlP50Ms}, p95 ${byKind[k]!.sqlP95Ms}), pages p50 ${byKind[k]!.pagesP50}, p95 ${byKind[k]!.pagesP95}`).join('; ')}`)
      log(`ticket-search: number queries (${QUERIES}: whole, end, start, words + end): p50 ${nP50.toFixed(1)} ms, p95 ${nP95.toFixed(1)} ms, max ${nSorted.at(-1)!.toFixed(1)} ms; pages per search p50 ${percentile(npSorted, 50)}, p95 ${percentile(npSorted, 95)}, max ${npSorted.at(-1)}; matches median ${median(numberMatched)}; the named ticket first in ${numberFirst} of ${QUERIES - QUERIES / 4} (whole, end, words + end)`)
      log(`ticket-search: explain for ${wholeQuery}`)
      for (const line of numberExplain) log(`ticket-search: explain: ${line}`)
      return {
        summary: `p95 ${p95.toFixed(1)} ms, p50 ${p50.toFixed(1)} ms; number queries p95 ${nP95.toFixed(1)} ms, pages p95 ${percentile(npSorted, 95)}; search statements alone p95 ${sqlP95.toFixed(1)} ms, p50 ${sqlP50.toFixed(1)} ms, pages p95 ${percentile(pagesSorted, 95)} (${QUERIES} queries, first page of ${PAGE}, median ${median(matched)} matches a query, ${capped} capped at ${SEARCH_BOUNDS.candidates}) — Chinese keyword search over ${n} tickets, PostgreSQL`,
        data: {
          tickets: n,
          database: `${new URL(url).host}/${DB_NAME}`,
          generatedMs: generatedMs === null ? 'reused' : round2(generatedMs),
          queries: QUERIES,
          p50Ms: round2(p50),
          p95Ms: round2(p95),
          maxMs: round2(sorted.at(-1)!),
          sqlP50Ms: round2(sqlP50),
          sqlP95Ms: round2(sqlP95),
          sqlMaxMs: round2(sqlSorted.at(-1)!),
          pagesP50: percentile(pagesSorted, 50),
          pagesP95: percentile(pagesSorted, 95),
          pagesMax: pagesSorted.at(-1)!,
          statementsMedian: median(statements),
          answeredBy: tiers,
          matchesMedian: median(matched),
          matchesMax: Math.max(...matched),
          cappedQueries: capped,
          sampleQueries: qs.slice(WARM_UP, WARM_UP + 4),
          explainQuery: q,
          explainWords: words,
          explain,
          numberQueries: QUERIES,
          numberP50Ms: round2(nP50),
          numberP95Ms: round2(nP95),
          numberMaxMs: round2(nSorted.at(-1)!),
          numberPagesP50: percentile(npSorted, 50),
          numberPagesP95: percentile(npSorted, 95),
          numberPagesMax: npSorted.at(-1)!,
          numberMatchesMedian: median(numberMatched),
          numberByKind: byKind,
          numberNamedFirst: numberFirst,
          numberSampleQueries: nqs.slice(WARM_UP, WARM_UP + 4),
          numberExplainQuery: wholeQuery,
          numberExplain,
        },
      }
    } finally {
      await db.close()
    }
  },
}
