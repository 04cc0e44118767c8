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

/** Where the bytes of a board are not UTF-8, as a byte offset and the text offset its U+FFFD stands at. */
export interface NotUtf8 {
  byte: number;
  text: number;
}

/**
 * Applies edits (offsets into `text`, the board decoded with U+FFFD for bytes that are not UTF-8)
 * to the board's original bytes: every byte outside the edited ranges is copied as it was, so a
 * byte that is not UTF-8 survives a write. Throws `NotUtf8Edit` when an edit would replace such a
 * byte (ccx cannot write it back) or its offsets do not fall between characters.
 */
export function applyEditsToBytes(bytes: Buffer, text: string, edits: readonly TextEdit[]): Buffer {
  const ordered = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  if (Buffer.from(text, 'utf8').equals(bytes)) return Buffer.from(spliceText(text, ordered), 'utf8');
  const wanted = [...new Set(ordered.flatMap((edit) => [edit.start, edit.end]))].sort((a, b) => a - b);
  const { offsets, invalid } = mapTextToBytes(bytes, wanted);
  const parts: Buffer[] = [];
  let copiedTo = 0;
  for (const edit of ordered) {
    const start = offsets.get(edit.start);
    const end = offsets.get(edit.end);
    if (start === undefined || end === undefined || start < copiedTo) throw new NotUtf8Edit(null);
    const replaced = invalid.find((at) => at.byte >= start && at.byte < end);
    if (replaced !== undefined) throw new NotUtf8Edit(replaced);
    parts.push(bytes.subarray(copiedTo, start), Buffer.from(edit.text, 'utf8'));
    copiedTo = end;
  }
  parts.push(bytes.subarray(copiedTo));
  const result = Buffer.concat(parts);
  // The bytes decode to exactly the text the edits make: nothing else moved.
  if (result.toString('utf8') !== spliceText(text, ordered)) throw new NotUtf8Edit(null);
  return result;
}

/** An edit that would have to change bytes of the board that are not UTF-8. */
export class NotUtf8Edit extends Error {
  constructor(readonly at: NotUtf8 | null) {
    super(at === null ? 'the edit does not line up with the bytes of the board' : `the edit would replace bytes that are not UTF-8 (at byte ${at.byte})`);
  }
}

/** The first place the bytes are not UTF-8 (what the person's text holds there is kept, never rewritten). */
export function firstNotUtf8(bytes: Buffer): NotUtf8 | null {
  if (Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) return null;
  return mapTextToBytes(bytes, []).invalid[0] ?? null;
}

/** One edit covering what differs between two texts (their common start and end stay). */
export function differingRange(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
  let tail = 0;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail += 1;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

function spliceText(text: string, ordered: readonly TextEdit[]): string {
  let result = '';
  let at = 0;
  for (const edit of ordered) {
    result += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return result + text.slice(at);
}

/**
 * Decodes `bytes` as the WHATWG UTF-8 decoder does (each maximal invalid subpart is one U+FFFD),
 * recording the byte offset of each wanted text offset (sorted) and every invalid subpart.
 */
function mapTextToBytes(bytes: Buffer, wanted: readonly number[]): { offsets: Map<number, number>; invalid: NotUtf8[] } {
  const offsets = new Map<number, number>();
  const invalid: NotUtf8[] = [];
  let next = 0;
  let textAt = 0;
  let byteAt = 0;
  const record = () => {
    while (next < wanted.length && (wanted[next] as number) <= textAt) {
      if (wanted[next] === textAt) offsets.set(textAt, byteAt);
      next += 1;
    }
  };
  while (byteAt < bytes.length) {
    record();
    const { length, valid, units } = unitAt(bytes, byteAt);
    if (!valid) invalid.push({ byte: byteAt, text: textAt });
    byteAt += length;
    textAt += units;
  }
  record();
  return { offsets, invalid };
}

/** The sequence at `at`: its length in bytes, whether it is valid, and how many UTF-16 units it decodes to. */
function unitAt(bytes: Buffer, at: number): { length: number; valid: boolean; units: number } {
  const lead = bytes[at] as number;
  if (lead < 0x80) return { length: 1, valid: true, units: 1 };
  let need: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return { length: 1, valid: false, units: 1 };
  for (let seen = 1; seen <= need; seen += 1) {
    const byte = bytes[at + seen];
    if (byte === undefined || byte < low || byte > high) return { length: seen, valid: false, units: 1 };
    low = 0x80;
    high = 0xbf;
  }
  return { length: need + 1, valid: true, units: need === 3 ? 2 : 1 };
}
