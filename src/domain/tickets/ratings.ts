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
