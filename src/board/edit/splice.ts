/** One replacement in the board's text (offsets into the text without its BOM). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits; every byte outside them stays exactly as it was. */
export function applyEdits(body: string, edits: readonly TextEdit[], bom: boolean): string {
  const ordered = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = body;
  let limit = Number.POSITIVE_INFINITY;
  for (const edit of ordered) {
    if (edit.end > limit) throw new Error(`board edits overlap at offset ${edit.start}`);
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
    limit = edit.start;
  }
  return bom ? `\uFEFF${result}` : result;
}
