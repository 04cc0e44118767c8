import { LineIndex } from './line-index.js';

/** Where a JSON text stops being valid JSON, and what JSON.parse said about it (the same on every Node). */
export interface JsonErrorPlace {
  offset: number;
  line: number;
  column: number;
  /** JSON.parse's words without their position, which Node 20, 22 and 24 each write differently. */
  message: string;
}

/**
 * Parses `text`, or says where it breaks. Node's messages differ (20: "at position 42"; 22 and 24
 * add "(line 3 column 5)", or give no position at all: `Unexpected token 'x', "…" is not valid
 * JSON`), so the place comes from a scan of our own, never from the message.
 */
export function parseJson(text: string): { value: unknown } | { error: JsonErrorPlace } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const message = String((error as Error).message)
      .replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
      .replace(/, "(?:[^"\\]|\\.)*" is not valid JSON$/s, '');
    return { error: { offset, ...new LineIndex(text).position(offset), message } };
  }
}

/** The offset of the first character that makes `text` invalid JSON (text.length when it ends too soon). */
export function jsonErrorOffset(text: string): number {
  const scanner = new Scanner(text);
  try {
    scanner.value();
    scanner.space();
    if (scanner.at < text.length) return scanner.at;
  } catch (stop) {
    if (stop instanceof Stop) return stop.at;
    throw stop;
  }
  return text.length;
}

class Stop {
  constructor(readonly at: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  at = 0;

  constructor(private readonly text: string) {}

  space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at] ?? '')) this.at += 1;
  }

  value(): void {
    this.space();
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return;
      }
    }
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.text);
    if (number === null || number[0] === '') throw new Stop(this.at);
    this.at += number[0].length;
  }

  private object(): void {
    this.at += 1;
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') throw new Stop(this.at);
      this.string();
      this.expect(':');
      this.value();
      if (this.next(',', '}') === '}') return;
    }
  }

  private array(): void {
    this.at += 1;
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return;
    }
    for (;;) {
      this.value();
      if (this.next(',', ']') === ']') return;
    }
  }

  private string(): void {
    this.at += 1;
    while (this.at < this.text.length) {
      const char = this.text[this.at] ?? '';
      if (char === '"') {
        this.at += 1;
        return;
      }
      if (char < ' ') throw new Stop(this.at);
      if (char === '\\') {
        const escape = this.text[this.at + 1] ?? '';
        if (escape === 'u' ? !/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6)) : !'"\\/bfnrt'.includes(escape) || escape === '') throw new Stop(this.at + 1);
        this.at += escape === 'u' ? 6 : 2;
      } else this.at += 1;
    }
    throw new Stop(this.at);
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) throw new Stop(this.at);
    this.at += 1;
  }

  private next(separator: string, end: string): string {
    this.space();
    const char = this.text[this.at] ?? '';
    if (char !== separator && char !== end) throw new Stop(this.at);
    this.at += 1;
    return char;
  }
}
