/**
 * Chinese ticket search (工单检索) in the database: the tsvector of each ticket's words (migration 103), written
 * after intake for tickets not yet indexed, and the condition and rank a list search uses.
 */
import type { Queryable } from './db.ts'

/** A ticket not yet indexed: the texts its words come from. */
export interface PendingTicketText {
  readonly id: string
  readonly title: string
  readonly content: string
  readonly address: string
}

/** Up to `limit` tickets without search words, oldest first (the partial index ticket_search_pending_idx). */
export async function pendingTicketTexts(db: Queryable, limit: number): Promise<PendingTicketText[]> {
  const { rows } = await db.query<{ id: string; title: string | null; content: string; address: string | null }>(
    `SELECT t.item_id AS id, i.title, t.content, t.address
       FROM ticket t JOIN item i ON i.id = t.item_id
      WHERE t.search_vector IS NULL
      ORDER BY t.received_at LIMIT $1`,
    [limit],
  )
  return rows.map((r) => ({ id: r.id, title: r.title ?? '', content: r.content, address: r.address ?? '' }))
}

/** Stores each ticket's words (space-joined) as its search vector, in one statement. */
export async function setTicketSearchWords(db: Queryable, words: readonly { id: string; words: string }[]): Promise<void> {
  if (words.length === 0) return
  await db.query(
    `UPDATE ticket t SET search_vector = to_tsvector('simple', w.words)
       FROM unnest($1::text[], $2::text[]) AS w(id, words)
      WHERE t.item_id = w.id`,
    [words.map((w) => w.id), words.map((w) => w.words)],
  )
}

/** How many tickets still wait for their search words. */
export async function countPendingTicketTexts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ticket WHERE search_vector IS NULL`)
  return Number(rows[0]?.n ?? 0)
}

/**
 * The SQL of a word search over the ticket alias `t`. `where` matches a ticket holding all the words (ANDed: on 1M
 * tickets a caller's sentence then matches hundreds, not a fifth of the table; see BENCHMARKS.md), all but one
 * ('allButOne': an OR of the ANDs that each leave one word out, for a sentence one of whose words no ticket
 * shares), or any ('any'). `rank` is ts_rank against any of the words, so a ticket holding more of them, or more
 * often, ranks higher. `param` adds a value to the statement's parameters and returns its placeholder.
 */
export function ticketWordSearchSql(
  words: readonly string[],
  param: (v: unknown) => string,
  mode: 'all' | 'allButOne' | 'any' = 'all',
): { where: string; rank: string } {
  const any = `to_tsquery('simple', ${param(words.join(' | '))})`
  const match =
    mode === 'any'
      ? any
      : mode === 'all'
        ? `to_tsquery('simple', ${param(words.join(' & '))})`
        : `to_tsquery('simple', ${param(words.map((_, i) => `(${words.filter((__, j) => j !== i).join(' & ')})`).join(' | '))})`
  return { where: `t.search_vector @@ ${match}`, rank: `ts_rank(t.search_vector, ${any})` }
}

/** How far a word search looks (tickets.repo.ts searchTicketRows). */
export interface SearchBounds {
  /**
   * At most this many tickets are ranked: the newest that match (past it the total says "300+"). Ranking every match
   * cost seconds on 1M tickets when the words were common (BENCHMARKS.md), and finding the newest N costs about N
   * divided by the share of tickets that match (the bench's statements p95: 57 ms with 300, 181 ms with 1,000); an
   * older ticket that matches better is found by adding a word or a date range.
   */
  readonly candidates: number
  /** The matches are first looked for among this many newest tickets… */
  readonly recentScan: number
  /** …then, when those held some but too few, among at most this many newest tickets, before the GIN index. */
  readonly maxRecentScan: number
}

export const SEARCH_BOUNDS: SearchBounds = { candidates: 300, recentScan: 10_000, maxRecentScan: 80_000 }
