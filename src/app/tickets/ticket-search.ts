/**
 * Chinese ticket search (工单检索): a ticket's title, content, address and its handling's latest reply are segmented
 * by jieba (search mode, as the knowledge base does: search-words.ts) and stored as its search vector (migration
 * 103); the list's `q` is segmented the same way and matches tickets holding all its words, or when none does, any of
 * them; ranked by ts_rank. Segmentation happens in Node, after the write: tickets not yet indexed, and tickets a reply
 * or merge made stale in its own transaction (migration 140, markTicketSearchStale), are indexed in bounded batches
 * before a search (stale ones first), at start and by `duban tickets reindex`. The parts of `q` that look like a ticket
 * number (ticketNumberTerms) are looked up as the start or end of a number through two indexes (migration 158), and
 * the tickets they name come before the word matches.
 */
import type { Tokenize } from '../../domain/dispatch/features.ts'
import { pendingTicketTexts, setTicketSearchWords } from '../../persistence/ticket-search.repo.ts'
import type { Queryable } from '../../persistence/db.ts'
import { indexWords, queryWords } from '../knowledge/search-words.ts'

/** Tickets indexed per statement. */
export const TICKET_INDEX_BATCH = 500

/** Before a search: at most this many tickets are indexed, so that a search never waits on a large backlog. */
export const INDEX_BEFORE_SEARCH = 2_000

/** At start (`duban serve`): at most this many tickets are indexed in the background. */
export const START_INDEX_TICKETS = 1_000_000

/** The words a ticket is indexed by, space-joined. */
export function ticketIndexWords(tokenize: Tokenize, t: { title: string; content: string; address: string; reply?: string }): string {
  // The item title of a ticket repeats the start of its content; its words count once more, which does no harm.
  return indexWords(tokenize, t.title, t.content, t.address, t.reply ?? '')
}

/**
 * Words a caller or operator says about any request (反映, 投诉, 尽快处理 …): left out of a query, since tickets are
 * searched with all of a query's words and these would only drop the tickets that happen not to repeat them.
 */
const TICKET_STOP = new Set('怎么办 怎么回事 反映 投诉 举报 希望 尽快 处理 解决 问题 情况 谢谢 你好 您好 麻烦 帮忙 市民 来电 诉求 相关 部门 有关'.split(' '))

/** The words of a list query (question and function words, and TICKET_STOP, left out). */
export function ticketQueryWords(tokenize: Tokenize, q: string): string[] {
  return queryWords(tokenize, q).filter((w) => !TICKET_STOP.has(w))
}

/** At most this many parts of a query are looked up as ticket numbers. */
export const MAX_NUMBER_TERMS = 4

/**
 * The parts of a list query that look like a ticket number (工单编号, GD-2026-000123) or part of one, upper case:
 * each run of ASCII letters, digits and dashes (full-width ones read as ASCII; dashes at its ends dropped) that holds
 * a dash and a digit and is 4 characters or more (GD-2026, 2026-000123), or holds 5 digits or more (000123). So a
 * year (2026年), a house number (12号) or a model (iPhone15) is not one; a phone number is, and finds no ticket.
 * Each is looked up as the start and as the end of a number (ticket-search.repo.ts ticketNumberSql), beside the
 * word search of the whole query.
 */
export function ticketNumberTerms(q: string): string[] {
  const runs = q.normalize('NFKC').match(/[A-Za-z0-9-]+/g) ?? []
  const terms = runs
    .map((r) => r.replace(/^-+|-+$/g, '').toUpperCase())
    .filter((r) => /\d/.test(r) && ((r.includes('-') && r.length >= 4) || (r.match(/\d/g) ?? []).length >= 5))
  return [...new Set(terms)].slice(0, MAX_NUMBER_TERMS)
}

/** Indexes up to `max` tickets without search words, oldest first, until `stopped()`; returns how many it indexed. */
export async function indexPendingTickets(db: Queryable, tokenize: Tokenize, max: number, stopped: () => boolean = () => false): Promise<number> {
  let done = 0
  while (done < max && !stopped()) {
    const batch = await pendingTicketTexts(db, Math.min(TICKET_INDEX_BATCH, max - done))
    if (batch.length === 0) break
    await setTicketSearchWords(db, batch.map((t) => ({ id: t.id, words: ticketIndexWords(tokenize, t) })))
    done += batch.length
    if (batch.length < TICKET_INDEX_BATCH) break
  }
  return done
}
