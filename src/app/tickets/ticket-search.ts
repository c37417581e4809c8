/**
 * Chinese ticket search (工单检索): a ticket's title, content, address and its handling's latest reply are segmented
 * by jieba (search mode, as the knowledge base does: search-words.ts) and stored as its search vector (migration
 * 103); the list's `q` is segmented the same way and matches tickets holding all its words, or when none does, any of
 * them; ranked by ts_rank. Segmentation happens in Node, after the write: tickets not yet indexed, and tickets a reply
 * or merge made stale in its own transaction (migration 140, markTicketSearchStale), are indexed in bounded batches
 * before a search (stale ones first), at start and by `duban tickets reindex`.
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
