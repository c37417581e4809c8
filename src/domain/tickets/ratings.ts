/**
 * 满意度 (rating): the codes the API, the 回访 and the 市民评价 take, and the words people read. A notification or any
 * other text a person reads says 满意 / 基本满意 / 不满意, never the code. Pure.
 */
export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const
export type Rating = (typeof RATINGS)[number]

export const RATING_LABELS: Readonly<Record<Rating, string>> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
}

/** The word for a rating code; an unknown code is shown as it is. */
export function ratingLabel(code: string): string {
  return (RATING_LABELS as Readonly<Record<string, string>>)[code] ?? code
}

/** The requester's latest rating (市民评价) as the ticket keeps it: when it was given and the reply it rates. */
export interface GivenRating {
  /** The instant of the reply it rates; null for a rating recorded before migration 197 (then `at` stands for it). */
  readonly replyAt: string | null
  readonly at: string | null
}

/**
 * Whether the reply of `replyAt` already has the requester's rating. Each reply round is rated once: after 重办 the
 * unit's new reply is later than the rating given to the one before, so it may be rated again (one rating per
 * round; the history keeps every round's, the ticket its latest).
 */
export function replyRated(replyAt: string, last: GivenRating | null): boolean {
  const ratedFor = last ? (last.replyAt ?? last.at) : null
  return ratedFor !== null && Date.parse(ratedFor) >= Date.parse(replyAt)
}
