/**
 * A multinomial naive Bayes text classifier (朴素贝叶斯) over word counts, kept as plain counts so that
 * learning one more closed ticket is adding to a few numbers (no retraining pass). Chosen over a library
 * and over TF-IDF + a linear model because: the classes are ~30 functions and ~60 units, the vocabulary is
 * a few thousand words, training must be incremental in process, and NB is known to do well on short texts
 * with little data (the cold start is a paragraph of 职责 per unit). Ranking is O(tokens × classes). A TF-IDF
 * nearest-centroid classifier was tried beside it on the same sets (docs/tickets.md): no better on the
 * held-out demo requests, worse once trained, so the simpler one stayed.
 */

/** The counts behind the classifier; mutable, owned by one suggester. */
export interface NaiveBayes {
  /** Laplace/Lidstone smoothing added to every word count. */
  readonly alpha: number
  /** Per class: total weight of its documents. */
  readonly docs: Map<string, number>
  /** Per class: total weight of its words. */
  readonly totals: Map<string, number>
  /** Per class: weight of each word. */
  readonly words: Map<string, Map<string, number>>
  /** Every word seen, for the smoothing denominator. */
  readonly vocabulary: Set<string>
}

/** A class with its probability given the text. */
export interface Ranked {
  readonly label: string
  readonly probability: number
}

/** An empty model. */
export function newNaiveBayes(alpha = 0.1): NaiveBayes {
  return { alpha, docs: new Map(), totals: new Map(), words: new Map(), vocabulary: new Set() }
}

/** Adds one document (its feature words) under a label with a weight (1 for a closed ticket). */
export function learn(nb: NaiveBayes, features: readonly string[], label: string, weight = 1): void {
  if (weight <= 0) return
  nb.docs.set(label, (nb.docs.get(label) ?? 0) + weight)
  let counts = nb.words.get(label)
  if (!counts) nb.words.set(label, (counts = new Map()))
  for (const w of features) {
    counts.set(w, (counts.get(w) ?? 0) + weight)
    nb.vocabulary.add(w)
  }
  nb.totals.set(label, (nb.totals.get(label) ?? 0) + weight * features.length)
}

/**
 * The labels (all, or the given ones) ranked by posterior, best first. Words never seen in training carry no
 * evidence and are skipped. The order is plain NB's; for the probability the log-posterior is divided by
 * √(number of known words) before the softmax: NB treats words as independent and so is over-confident on
 * long texts; the damping keeps the confidence shown to the operator from being 0.999 on every ticket.
 */
export function rank(nb: NaiveBayes, features: readonly string[], labels?: readonly string[]): Ranked[] {
  const classes = labels ?? [...nb.docs.keys()]
  if (classes.length === 0) return []
  const known = features.filter((w) => nb.vocabulary.has(w))
  const v = nb.vocabulary.size + 1
  let allDocs = 0
  for (const c of classes) allDocs += nb.docs.get(c) ?? 0
  const damp = Math.sqrt(Math.max(1, known.length))
  const logAlpha = Math.log(nb.alpha)
  const scores = classes.map((label) => {
    const counts = nb.words.get(label)
    const total = nb.totals.get(label) ?? 0
    const denom = Math.log(total + nb.alpha * v)
    // Every known word costs log(α) − denom; only the words the class has seen add more (one log each).
    let ll = known.length * (logAlpha - denom)
    if (counts) for (const w of known) {
      const c = counts.get(w)
      if (c) ll += Math.log(c + nb.alpha) - logAlpha
    }
    // A flattened prior: frequent classes should not win on thin evidence only because they are frequent.
    const prior = Math.log(((nb.docs.get(label) ?? 0) + 1) / (allDocs + classes.length)) * 0.5
    return { label, score: (ll + prior) / damp }
  })
  const max = Math.max(...scores.map((s) => s.score))
  const exp = scores.map((s) => ({ label: s.label, e: Math.exp(s.score - max) }))
  const sum = exp.reduce((a, s) => a + s.e, 0)
  return exp.map((s) => ({ label: s.label, probability: s.e / sum })).sort((a, b) => b.probability - a.probability || a.label.localeCompare(b.label))
}
