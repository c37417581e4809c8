/**
 * Cleaning (清洗): turns a raw scraped document into clean Simplified text, keeping the map back
 * to source lines. PLACEHOLDER: passes text through unchanged until the cleaning steps land.
 */
import type { CleaningReport } from '../extraction.types.ts'
import type { MappedText } from '../mapped-text.ts'

/** Cleans a document; returns the cleaned mapped text and a report of what was done. */
export function clean(input: MappedText): { text: MappedText; report: CleaningReport } {
  return {
    text: input,
    report: { pinyinRemoved: 0, pageNumbersRemoved: 0, furnitureLinesRemoved: 0, mojibakeRepaired: 0, unrepaired: [], traditionalConverted: false },
  }
}
