/**
 * The one did-you-mean of ccx: commands, options, config.yaml and model-ladder.json keys, row fields.
 * The candidate nearest to `word` when it is a plausible typo of it (edit distance at most 2, and
 * less than half the word), else null: `paralel` → parallel, `stauts` → status, `--jsn` → --json.
 */
export function didYouMean(word: string, candidates: readonly string[], options: { maxDistance?: number } = {}): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = options.maxDistance ?? Math.min(2, Math.ceil(word.length / 2) - 1);
  return best !== null && bestDistance <= limit ? best : null;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const row = rows[i]!;
      const above = rows[i - 1]!;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
