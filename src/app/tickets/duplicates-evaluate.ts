/**
 * Duplicate detection measured on a labelled set (重复诉求识别评测): each pair's two texts are scored as detection
 * scores two tickets (the shared place's words taken out), and precision / recall are counted at a threshold.
 * The segmenter (jieba in production) is passed in.
 */
import type { Tokenize } from '../../domain/dispatch/features.ts'
import { DUPLICATE_DEFAULTS, scorePairs, similarity, textFeatures, type LabelledPair, type PairScores } from '../../domain/tickets/duplicates.ts'

/** The similarity of each labelled pair, in order. */
export function pairSimilarities(tokenize: Tokenize, pairs: readonly LabelledPair[]): number[] {
  return pairs.map((p) => similarity(textFeatures(tokenize, p.a, p.address ?? ''), textFeatures(tokenize, p.b, p.address ?? '')))
}

/** Precision and recall at `threshold` (the platform's default unless given), with each pair's score. */
export function evaluateDuplicates(tokenize: Tokenize, pairs: readonly LabelledPair[], threshold = DUPLICATE_DEFAULTS.threshold): PairScores & { scores: number[] } {
  const scores = pairSimilarities(tokenize, pairs)
  return { ...scorePairs(pairs, scores, threshold), scores }
}
