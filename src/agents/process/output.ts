import { StringDecoder } from 'node:string_decoder';

/** What one output stream keeps at most (bytes); past it the head is dropped (the end holds the result). */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/**
 * The longest line handed to a parser (bytes). A longer one (100 MB without a newline) is cut to
 * this length with a marker and its rest is skipped up to the next newline. The CLIs' JSON lines
 * (a result carrying the whole answer) stay far below it.
 */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;
const FIRST_RING_BYTES = 64 * 1024;

/**
 * Collects one stream's bytes, hands out lines (UTF-8 text) as they arrive, and keeps a bounded copy
 * for artifacts. Memory is bounded whatever arrives: the kept tail lives in one ring buffer of at
 * most `maxBytes` (incoming chunks are copied in and left to the young generation, never re-joined),
 * and the line being assembled holds at most `maxLineBytes`. Every line is handed out (an overlong
 * one cut, with a marker).
 */
export class OutputCollector {
  private ring: Buffer = Buffer.alloc(0);
  /** Where the next byte goes, and how many bytes the ring holds (it wraps once full). */
  private writeAt = 0;
  private held = 0;
  private seen = 0;
  /** Pieces of the line being assembled, and their total size. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The current line passed maxLineBytes: its rest is only counted, up to its newline. */
  private skipping = false;
  private skippedBytes = 0;

  constructor(
    private readonly onLine: ((line: string) => void) | undefined,
    private readonly maxBytes = DEFAULT_MAX_OUTPUT_BYTES,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.seen += bytes.length;
    this.keep(bytes);
    if (this.onLine !== undefined) this.split(bytes);
  }

  /** Hands out the last line when the stream ended without a newline. */
  end(): void {
    if (this.onLine !== undefined && (this.partialBytes > 0 || this.skipping)) this.emit();
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
  }

  /** How many bytes the stream carried in all (the kept text may be only the tail). */
  totalBytes(): number {
    return this.seen;
  }

  /** The kept text; when the head was dropped, a first line says how much. */
  text(): string {
    const wrapped = this.held === this.ring.length && this.writeAt !== 0;
    const parts = wrapped ? [this.ring.subarray(this.writeAt), this.ring.subarray(0, this.writeAt)] : [this.ring.subarray(0, this.held)];
    const dropped = this.seen - this.held;
    // The cut may have split a character: start at the next character's first byte.
    let start = 0;
    const first = parts[0] ?? Buffer.alloc(0);
    if (dropped > 0) while (start < first.length && start < 4 && ((first[start] ?? 0) & 0xc0) === 0x80) start++;
    parts[0] = first.subarray(start);
    // Decoded part by part (a character split at the wrap point is joined): no copy of the whole ring.
    const decoder = new StringDecoder('utf8');
    const text = parts.map((part) => decoder.write(part)).join('') + decoder.end();
    return dropped === 0 ? text : `[ccx: the first ${dropped + start} bytes were dropped]\n${text}`;
  }

  private split(bytes: Buffer): void {
    let from = 0;
    for (let newline = bytes.indexOf(NEWLINE, from); newline !== -1; newline = bytes.indexOf(NEWLINE, from)) {
      this.append(bytes.subarray(from, newline));
      this.emit();
      from = newline + 1;
    }
    if (from < bytes.length) this.append(bytes.subarray(from));
  }

  /** Adds to the current line (copied, so the chunk is not held), up to maxLineBytes. */
  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipping) {
      this.skippedBytes += piece.length;
      return;
    }
    const room = this.maxLineBytes - this.partialBytes;
    const taken = piece.length <= room ? piece : piece.subarray(0, room);
    this.partial.push(Buffer.from(taken));
    this.partialBytes += taken.length;
    if (taken.length < piece.length) {
      this.skipping = true;
      this.skippedBytes = piece.length - taken.length;
    }
  }

  private emit(): void {
    const joined = this.partial.length === 1 ? (this.partial[0] ?? Buffer.alloc(0)) : Buffer.concat(this.partial, this.partialBytes);
    let line = joined.toString('utf8');
    if (this.skipping) line += `[ccx: line cut; ${this.skippedBytes} more bytes skipped]`;
    else if (line.endsWith('\r')) line = line.slice(0, -1);
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
    this.skippedBytes = 0;
    this.onLine?.(line);
  }

  /** Copies into the ring, growing it (by doubling) up to maxBytes, then overwriting its oldest bytes. */
  private keep(bytes: Buffer): void {
    if (bytes.length === 0 || this.maxBytes === 0) return;
    const needed = this.held + bytes.length;
    if (needed > this.ring.length && this.ring.length < this.maxBytes) this.grow(needed);
    let source = bytes.length > this.ring.length ? bytes.subarray(bytes.length - this.ring.length) : bytes;
    while (source.length > 0) {
      const copied = source.copy(this.ring, this.writeAt, 0, Math.min(source.length, this.ring.length - this.writeAt));
      this.writeAt = (this.writeAt + copied) % this.ring.length;
      this.held = Math.min(this.ring.length, this.held + copied);
      source = source.subarray(copied);
    }
  }

  /** Only while the ring has not wrapped: it holds bytes 0..held in order. */
  private grow(needed: number): void {
    let size = Math.max(FIRST_RING_BYTES, this.ring.length);
    while (size < needed && size < this.maxBytes) size *= 2;
    const ring = Buffer.allocUnsafe(Math.min(size, this.maxBytes));
    this.ring.copy(ring, 0, 0, this.held);
    this.ring = ring;
    this.writeAt = this.held % ring.length;
  }
}
