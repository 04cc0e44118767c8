import { createHash } from 'node:crypto';
import { CONTROL_CHARACTERS } from '../text/printable.js';

/**
 * The longest name (bytes) ccx files a submission under: room is left for `T-<n>-` in front and
 * `-<k>` and `.error.txt` behind, inside the 255 bytes most file systems allow.
 */
export const MAX_FILED_NAME_BYTES = 160;

/** Control characters, and U+FFFD (where the name had a byte that is not UTF-8). */
const UNSAFE = new RegExp(`[${CONTROL_CHARACTERS}\\ufffd]`, 'gu');

/** An inbox entry's name: its exact bytes (maybe not UTF-8), the text shown for it, and the name ccx files it under. */
export interface EntryName {
  raw: Buffer;
  /** The name decoded as UTF-8 (a byte that is not UTF-8 shows as U+FFFD); print it through printable(). */
  text: string;
  /** Safe to file and to type in a shell: no control characters, no leading `-` or `.`, at most MAX_FILED_NAME_BYTES. */
  filed: string;
}

export function entryName(name: string | Buffer): EntryName {
  const raw = typeof name === 'string' ? Buffer.from(name) : name;
  const text = raw.toString('utf8');
  return { raw, text, filed: filedName(raw, text) };
}

/**
 * The name as it is, when it is already safe; otherwise the unsafe characters replaced by `_`, cut
 * to length, with a digest of the original bytes, so two different names never file as one.
 */
function filedName(raw: Buffer, text: string): string {
  const extension = /\.md$/i.exec(text)?.[0] ?? '';
  let stem = text.slice(0, text.length - extension.length).replace(UNSAFE, '_').replace(/^[-.]/, '_');
  const changed = stem + extension !== text || Buffer.byteLength(text) > MAX_FILED_NAME_BYTES;
  if (!changed) return text;
  const digest = `-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  const room = MAX_FILED_NAME_BYTES - Buffer.byteLength(digest + extension);
  while (Buffer.byteLength(stem) > room) stem = [...stem].slice(0, -1).join('');
  return `${stem}${digest}${extension}`;
}
