/** What one output stream keeps at most; past it the head is dropped (the end holds the result). */
export const DEFAULT_MAX_OUTPUT_CHARS = 16 * 1024 * 1024;

/**
 * Collects one stream's text, hands out complete lines as they arrive, and keeps a bounded copy
 * for artifacts. Lines are never lost to the bound: parsers see every line.
 */
export class OutputCollector {
  private chunks: string[] = [];
  private length = 0;
  private dropped = 0;
  private partial = '';

  constructor(
    private readonly onLine: ((line: string) => void) | undefined,
    private readonly maxChars = DEFAULT_MAX_OUTPUT_CHARS,
  ) {}

  push(text: string): void {
    this.keep(text);
    if (this.onLine === undefined) return;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  /** Hands out the last line when the stream ended without a newline. */
  end(): void {
    if (this.onLine !== undefined && this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }

  text(): string {
    const joined = this.chunks.join('');
    return this.dropped === 0 ? joined : `[ccx: the first ${this.dropped} characters were dropped]\n${joined}`;
  }

  private keep(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    if (this.length <= this.maxChars) return;
    const joined = this.chunks.join('');
    const cut = joined.length - this.maxChars;
    this.chunks = [joined.slice(cut)];
    this.length = this.maxChars;
    this.dropped += cut;
  }
}
