import type { Position } from '../board/types.js';

/** Turns string offsets into the 1-based line and column an editor shows. */
export class LineIndex {
  // ES private fields: built lazily, they must not make two indexes of one text compare unequal.
  readonly #text: string;
  /** Where each line starts, built on the first question: many texts are never asked one. */
  #starts: Uint32Array | null = null;
  #count = 0;

  constructor(text: string) {
    this.#text = text;
  }

  position(offset: number): Position {
    const line = this.#lineOf(offset);
    return { line: line + 1, column: offset - this.#startOf(line) + 1 };
  }

  lineStart(offset: number): number {
    return this.#startOf(this.#lineOf(offset));
  }

  /** The 0-based line holding `offset`: the last line start at or before it. */
  #lineOf(offset: number): number {
    const starts = this.#table();
    let low = 0;
    let high = this.#count - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  #startOf(line: number): number {
    return this.#table()[line] as number;
  }

  #table(): Uint32Array {
    if (this.#starts !== null) return this.#starts;
    let starts = new Uint32Array(Math.max(16, this.#text.length >> 5));
    let count = 1;
    for (let index = this.#text.indexOf('\n'); index !== -1; index = this.#text.indexOf('\n', index + 1)) {
      if (count === starts.length) {
        const grown = new Uint32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[count] = index + 1;
      count += 1;
    }
    this.#starts = starts;
    this.#count = count;
    return starts;
  }
}
