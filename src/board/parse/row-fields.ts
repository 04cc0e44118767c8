import type { Node, YAMLMap } from 'yaml';
import { didYouMean } from '../../text/did-you-mean.js';
import { controlCharacterIn } from '../../text/printable.js';
import { ROW_FIELDS } from '../types.js';
import { yamlModule as yaml } from '../../text/yaml-module.js';
import type { LocalProblem } from './yaml-block.js';
import { SPAN_STRIDE, kindOf, type FieldSpans, type ScalarStyle } from './layout.js';

export const TASK_ID_PATTERN = /^T-[1-9][0-9]*$/;
const ROW_FIELD_SET: ReadonlySet<string> = new Set(ROW_FIELDS);

/** The number of a `T-<n>` id, or null when it is not one or n is past 2^53 - 1 (a number JavaScript cannot count on exactly). */
export function taskNumberOf(id: string): number | null {
  if (!TASK_ID_PATTERN.test(id)) return null;
  const number = Number(id.slice(2));
  return Number.isSafeInteger(number) ? number : null;
}

/** Whether `id` is a task id ccx can number: `T-<n>` with n a safe integer. */
export function isTaskId(id: string): boolean {
  return taskNumberOf(id) !== null;
}

/** Why a T-<n> id whose n is too large is refused (SPEC 3: ids are safe integers). */
export function tooLargeId(id: string): string {
  return `${id} is past T-${Number.MAX_SAFE_INTEGER}: an id's number must be at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1), the largest ccx counts on exactly`;
}

/** Where a row's fields are written (offsets from the row's source): what problems point at. Built from a yaml node or by scan-row. */
export interface RowShape extends FieldSpans {
  /** Offset of the row's first key. */
  start: number;
}

/** The shape of a row's yaml mapping node (a key written twice keeps its first place and its last value, as yaml reads it). */
export function shapeOfMap(map: YAMLMap): RowShape {
  const { isMap, isScalar, isSeq } = yaml();
  const keys: string[] = [];
  const spans: number[] = [];
  const start = map.range?.[0] ?? 0;
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const value = pair.value as Node | null | undefined;
    const range = value?.range ?? null;
    const kind = kindOf(isScalar(value) ? ((value.type as ScalarStyle | undefined) ?? null) : null, isMap(value) || isSeq(value));
    const found = keys.indexOf(key);
    const at = found === -1 ? spans.length : found * SPAN_STRIDE;
    if (found === -1) keys.push(key);
    spans.splice(at, SPAN_STRIDE, pair.key.range?.[0] ?? start, range?.[0] ?? -1, range?.[1] ?? -1, kind);
  }
  return { start, keys, spans };
}

/** Reads one row's fields with their source offsets; every complaint names the row, the rule and what it got. */
export class RowFields {
  readonly problems: LocalProblem[] = [];

  constructor(
    private readonly shape: RowShape,
    /** The row as plain JavaScript, converted once. */
    readonly values: Record<string, unknown>,
    readonly label: string,
  ) {}

  get start(): number {
    return this.shape.start;
  }

  has(key: string): boolean {
    const value = this.raw(key);
    return value !== undefined && value !== null;
  }

  /** The value as plain JavaScript; undefined when the key is absent. */
  raw(key: string): unknown {
    return Object.hasOwn(this.values, key) ? this.values[key] : undefined;
  }

  offsetOf(key: string): number {
    const at = this.shape.keys.indexOf(key) * SPAN_STRIDE;
    if (at < 0) return this.start;
    const valueStart = this.shape.spans[at + 1] as number;
    return valueStart >= 0 ? valueStart : (this.shape.spans[at] as number);
  }

  fail(key: string | number, message: string): void {
    const offset = typeof key === 'number' ? key : this.offsetOf(key);
    this.problems.push({ offset, message: `${this.label}: ${message}` });
  }

  text(key: string, options: { required?: boolean; oneLine?: boolean; maxChars?: number } = {}): string | null {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') {
      if (options.required === true) this.fail(key, `${key} is missing; every row needs one.`);
      return null;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.fail(key, `${key} must be text, but it is ${describe(value)}.`);
      return null;
    }
    const text = String(value);
    if (options.oneLine !== true) return text;
    const trimmed = text.trim();
    if (/[\r\n]/.test(trimmed)) {
      this.fail(key, `${key} must be one line.`);
      return null;
    }
    const control = controlCharacterIn(trimmed);
    if (control !== null) {
      // A NUL or an escape sequence would reach branch names, commit messages and terminals: refuse it here.
      this.fail(key, `${key} holds the control character ${control.escaped} at character ${control.index + 1}; a ${key} is printable text only (a NUL, ESC or other control character is not).`);
      return null;
    }
    if (options.maxChars !== undefined && trimmed.length > options.maxChars) {
      this.fail(key, `${key} is ${trimmed.length} characters long; a ${key} is at most ${options.maxChars} (put the rest in the brief).`);
      return null;
    }
    return trimmed;
  }

  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) this.fail(key, `${key} must be one of ${allowed.join(', ')}, but it is ${describe(value)}.`);
    return match ?? fallback;
  }

  integer(key: string, min: number, max: number, fallback: number): number {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(key, `${key} must be a whole number from ${min} to ${max}, but it is ${describe(value)}.`);
      return fallback;
    }
    return value;
  }

  decimal(key: string, min: number, max: number, fallback: number | null, exclusiveMin = false): number | null {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    const below = exclusiveMin ? typeof value === 'number' && value <= min : typeof value === 'number' && value < min;
    if (typeof value !== 'number' || !Number.isFinite(value) || below || value > max) {
      const range = exclusiveMin ? `above ${min}` : `from ${min} to ${max}`;
      this.fail(key, `${key} must be a number ${range}, but it is ${describe(value)}.`);
      return fallback;
    }
    return value;
  }

  flag(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.fail(key, `${key} must be true or false, but it is ${describe(value)}.`);
      return fallback;
    }
    return value;
  }

  /** A list of strings, or one string standing for a list of one. */
  strings(key: string, value: unknown = this.raw(key)): string[] {
    if (value === undefined || value === null) return [];
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) {
      this.fail(key, `${key} must be a list of text entries, but it is ${describe(value)}.`);
      return [];
    }
    return list;
  }

  /** Bookkeeping text written by ccx (a commit id may read as a number). */
  note(key: string): string | null {
    const value = this.raw(key);
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    this.fail(key, `${key} must be text or null, but it is ${describe(value)}.`);
    return null;
  }

  /** Fields that are not part of a row: a typo here could silently drop a dependency, so it skips the row. */
  rejectUnknownKeys(): void {
    const { keys, spans } = this.shape;
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index] as string;
      if (ROW_FIELD_SET.has(key)) continue;
      const suggestion = closestField(key);
      this.fail(spans[index * SPAN_STRIDE] as number, `${key} is not a row field${suggestion === null ? '' : ` (did you mean ${suggestion}?)`}; rows take ${ROW_FIELDS.join(', ')}.`);
    }
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // JSON has no word for these (it would say null): name them as YAML wrote them.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  return JSON.stringify(value);
}

function closestField(key: string): string | null {
  const normal = key.toLowerCase().replace(/[-_\s]/g, '');
  const bare = ROW_FIELDS.map((field) => field.replace(/_/g, ''));
  const guess = didYouMean(normal, bare, { maxDistance: 2 });
  return guess === null ? null : (ROW_FIELDS[bare.indexOf(guess)] ?? null);
}
