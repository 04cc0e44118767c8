/** Defensive readers for the CLIs' JSON lines: a field of an unexpected type reads as absent. */
export type Json = Record<string, unknown>;

/** One JSONL line as an object; anything else (a warning, a torn line) is undefined. */
export function parseObjectLine(raw: string): Json | undefined {
  const line = raw.trim();
  if (!line.startsWith('{')) return undefined;
  try {
    return obj(JSON.parse(line));
  } catch {
    return undefined;
  }
}

export function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The first line of a text, trimmed and cut to `max` characters, for a progress line. */
export function firstLine(text: string | undefined, max = 200): string {
  return ((text ?? '').trim().split('\n')[0] ?? '').slice(0, max);
}
