/** Readers for the answer's JSON that say what they found instead. */
export function strings(value: unknown, where: string, fail: (message: string) => void): string[] | null {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    if (value !== undefined) fail(`${where} must be an array of strings, but it is ${kindOf(value)}`);
    return null;
  }
  return value as string[];
}

export function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'the number' : `the ${typeof value}`} ${String(value)}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
