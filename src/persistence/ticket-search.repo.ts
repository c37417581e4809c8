/**
 * Chinese ticket search (工单检索) in the database: the tsvector of each ticket's words (migration 103), written
 * after intake for tickets not yet indexed, and the condition and rank a list search uses.
 */
import type { Queryable } from './db.ts'

/** A ticket to index (not yet indexed, or stale): the texts its words come from. */
export interface PendingTicketText {
  readonly id: string
  readonly title: string
  readonly content: string
  readonly address: string
  /** The latest reply (答复 / 直接办结) of its handling: its own, else its primary's when it was merged (并单); '' for none. */
  readonly reply: string
}

/**
 * Up to `limit` tickets to index, oldest first: stale ones first (a reply or merge changed their text: migration
 * 140, ticket_search_stale_idx), then those never indexed (ticket_search_pending_idx).
 */
export async function pendingTicketTexts(db: Queryable, limit: number): Promise<PendingTicketText[]> {
  // One statement (a search sends it every time): the two partial indexes each give their oldest `limit`.
  const { rows } = await db.query<{ id: string; title: string | null; content: string; address: string | null; reply: string | null }>(
    `SELECT t.item_id AS id, i.title, t.content, t.address,
            (SELECT e.payload->>'text' FROM item_event e
              WHERE e.item_id = COALESCE((SELECT d.primary_id FROM ticket_duplicate d WHERE d.ticket_id = t.item_id AND d.status = 'merged' LIMIT 1), t.item_id)
                AND e.event IN ('reply', 'answer_directly') ORDER BY e.seq DESC LIMIT 1) AS reply
       FROM ((SELECT 0 AS pass, item_id, content, address, received_at FROM ticket WHERE search_stale ORDER BY received_at LIMIT $1)
             UNION ALL
             (SELECT 1, item_id, content, address, received_at FROM ticket WHERE search_vector IS NULL ORDER BY received_at LIMIT $1)) t
       JOIN item i ON i.id = t.item_id
      ORDER BY t.pass, t.received_at LIMIT $1`,
    [limit],
  )
  return rows.map((r) => ({ id: r.id, title: r.title ?? '', content: r.content, address: r.address ?? '', reply: r.reply ?? '' }))
}

/** Stores each ticket's words (space-joined) as its search vector, in one statement; they are then fresh. */
export async function setTicketSearchWords(db: Queryable, words: readonly { id: string; words: string }[]): Promise<void> {
  if (words.length === 0) return
  await db.query(
    `UPDATE ticket t SET search_vector = to_tsvector('simple', w.words), search_stale = false
       FROM unnest($1::text[], $2::text[]) AS w(id, words)
      WHERE t.item_id = w.id`,
    [words.map((w) => w.id), words.map((w) => w.words)],
  )
}

/**
 * Marks tickets' words stale, in the caller's transaction (a reply or merge changed what they are searched by):
 * their old words stay searchable until they are indexed again, first of all, before the next search.
 */
export async function markTicketSearchStale(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await db.query(`UPDATE ticket SET search_stale = true WHERE item_id = ANY($1::text[]) AND search_vector IS NOT NULL AND NOT search_stale`, [[...ids]])
}

/** How many tickets still wait for their search words (never indexed, or stale). */
export async function countPendingTicketTexts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>(`SELECT (SELECT count(*) FROM ticket WHERE search_vector IS NULL) + (SELECT count(*) FROM ticket WHERE search_stale) AS n`)
  return Number(rows[0]?.n ?? 0)
}

/**
 * The SQL of a word search over the ticket alias `t`. `where` matches a ticket holding all the words (ANDed: on 1M
 * tickets a caller's sentence then matches hundreds, not a fifth of the table; see BENCHMARKS.md), all but one
 * ('allButOne': an OR of the ANDs that each leave one word out, for a sentence one of whose words no ticket
 * shares), or any ('any'); with a `window`, only tickets received on one of its days or spans. It is written over
 * ticket_search_spans (migrations 142–143) so that the GIN index answers it, the window included. `rank` is ts_rank against any
 * of the words, so a ticket holding more of them, or more often, ranks higher. `param` adds a value to the
 * statement's parameters and returns its placeholder.
 */
export function ticketWordSearchSql(
  words: readonly string[],
  param: (v: unknown) => string,
  mode: 'all' | 'allButOne' | 'any' = 'all',
  window: SearchWindow | null = null,
): { where: string; rank: string } {
  const any = `to_tsquery('simple', ${param(words.join(' | '))})`
  // A word inside another of the query (垃圾 in 垃圾桶, 下水 in 下水道) adds nothing to an AND: a ticket is indexed in
  // search mode, so one holding the longer word holds the shorter; leaving it out spares the index its long list.
  const w = mode === 'any' ? words : withoutContained(words)
  const query =
    mode === 'any' || (mode === 'allButOne' && w.length <= 2)
      ? w.join(' | ')
      : mode === 'all'
        ? w.join(' & ')
        : w.map((_, i) => `(${w.filter((__, j) => j !== i).join(' & ')})`).join(' | ')
  const terms = window ? [...window.days.map((d) => `'~d${d}'`), ...window.spans.map((m) => `'~m${m}'`)] : []
  const inWindow = terms.length > 0 ? ` && ${param(terms.join(' | '))}::tsquery` : ''
  return { where: `ticket_search_spans(t.search_vector, t.received_at) @@ (to_tsquery('simple', ${param(query)})${inWindow})`, rank: `ts_rank(t.search_vector, ${any})` }
}

/** Days a search is narrowed to: UTC day numbers (days since 1970-01-01) and 32-day spans (day numbers ÷ 32), any of them. */
export interface SearchWindow {
  readonly days: readonly number[]
  readonly spans: readonly number[]
}

/** Days in one span term (migration 143). */
export const SPAN_DAYS = 32

/**
 * The first instant a window holds (UTC day numbers; a span is SPAN_DAYS days from day span × 32), as ISO; undefined
 * for a window of no day. No ticket the window matches was received before it.
 */
export function windowStart(w: SearchWindow): string | undefined {
  if (w.days.length === 0 && w.spans.length === 0) return undefined
  const firstDay = Math.min(...w.days, ...w.spans.map((m) => m * SPAN_DAYS))
  return new Date(firstDay * 86_400_000).toISOString()
}

/** The words that are not part of another, longer word of the list. */
export function withoutContained(words: readonly string[]): string[] {
  return words.filter((x) => !words.some((y) => y !== x && y.length > x.length && y.includes(x)))
}

/** How far a word search looks (tickets.repo.ts searchTicketRows). */
export interface SearchBounds {
  /**
   * At most this many tickets are ranked: the newest that match (past it the total says "300+"). Ranking every match
   * cost seconds on 1M tickets when the words were common (BENCHMARKS.md); an older ticket that matches better is
   * found by adding a word or a date range.
   */
  readonly candidates: number
  /** The matches are first looked for among the tickets of the newest this many days (UTC days)… */
  readonly firstDays: number
  /** …then, when those held some but too few, of as many days as their rate says, at most this many, before all. */
  readonly maxWindowDays: number
  /**
   * A table row read costs about this many index entries walked: a widened window is asked as day terms while its
   * tickets are fewer than this many times the matches all days would read beyond it, else as 32-day spans
   * (tickets.repo.ts searchTicketRows). 20: on the bench's 1M tickets a 30-day window of day terms (90,000 tickets
   * walked, 524 pages) and all days (4,685 pages, 4,000 matches) took about as long (BENCHMARKS.md).
   */
  readonly windowPerMatch: number
}

export const SEARCH_BOUNDS: SearchBounds = { candidates: 300, firstDays: 2, maxWindowDays: 192, windowPerMatch: 20 }

/** The end of the range of strings that start with `prefix` (its last character's next one): ASCII terms only. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
}

/**
 * The SQL of the ids and numbers of tickets whose number (工单编号) starts or ends with one of `terms` (ticketNumberTerms in
 * src/app/tickets/ticket-search.ts: upper-case ASCII letters, digits and dashes): for each term, a range of the
 * number index and one of the reversed-number index (migration 158), each read in index order up to `limit` and
 * holding `where` (the other filters, over the aliases `i` item and `t` ticket; the kind's among them), highest first:
 * a short start (GD-2026) stops after the year's newest `limit`, not all of them; an end (000123) gives the latest
 * year's first.
 */
export function ticketNumberSql(terms: readonly string[], param: (v: unknown) => string, where: readonly string[], limit: number): string {
  const also = where.filter((w) => w !== `i.kind = 'ticket'`).map((w) => ` AND ${w}`).join('')
  // The ticket row only when a filter reads it (every ticket item has one).
  const join = /\bt\./.test(also) ? ' JOIN ticket t ON t.item_id = i.id' : ''
  const lim = param(limit)
  const branch = (expr: string, from: string): string =>
    `(SELECT i.id, i.number FROM item i${join}
       WHERE i.kind = 'ticket' AND ${expr} >= ${param(from)} AND ${expr} < ${param(prefixEnd(from))}${also}
       ORDER BY ${expr} DESC LIMIT ${lim})`
  const reversed = (s: string): string => [...s].reverse().join('')
  return terms.flatMap((term) => [branch(`(i.number COLLATE "C")`, term), branch(`(reverse(i.number) COLLATE "C")`, reversed(term))]).join('\n     UNION ')
}
