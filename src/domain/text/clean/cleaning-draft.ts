/** The mutable tally each cleaning step adds to; `clean()` freezes it into a CleaningReport. */
export interface CleaningDraft {
  pinyinRemoved: number
  pageNumbersRemoved: number
  furnitureLinesRemoved: number
  mojibakeRepaired: number
  unrepaired: { line: number; text: string }[]
  traditionalConverted: boolean
}

/** A fresh, empty tally. */
export function newDraft(): CleaningDraft {
  return { pinyinRemoved: 0, pageNumbersRemoved: 0, furnitureLinesRemoved: 0, mojibakeRepaired: 0, unrepaired: [], traditionalConverted: false }
}

/**
 * Marks a line the scraper cut short (a truncated UTF-8 sequence, a half pinyin group). Kept in
 * the text until rejoin, which removes it and never joins the next line onto a cut line.
 */
export const CUT = '\ufffd'
