import { yamlModule } from '../../text/yaml-module.js';

export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
/** A value in a row: a scalar, a list, or a mapping of them (a scope). */
export type RowValue = string | number | boolean | null | readonly RowValue[] | { readonly [key: string]: RowValue };

const PLAIN_SAFE = /^[\p{L}\p{N}_][\p{L}\p{N} _./@+=()~^$%*?-]*$/u;

/** A scalar as YAML text: plain when that reads back as the same string, else quoted. */
export function renderScalar(value: string | number | boolean | null, preferred: ScalarStyle = 'PLAIN'): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (preferred === 'QUOTE_SINGLE' && !/[\r\n\p{Cc}]/u.test(value)) return `'${value.replace(/'/g, "''")}'`;
  if (preferred === 'PLAIN' && isPlainSafe(value)) return value;
  return doubleQuoted(value);
}

export function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function isPlainSafe(value: string): boolean {
  if (!PLAIN_SAFE.test(value) || value !== value.trim()) return false;
  try {
    return yamlModule().parse(value) === value;
  } catch {
    return false;
  }
}

/** A whole row in block style, as ccx-loop writes them; `indent` is the whitespace before its `-`. */
export function renderRow(fields: Record<string, RowValue | undefined>, indent: string, eol: string): string {
  const lines: string[] = [];
  let first = true;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const prefix = first ? `${indent}- ` : `${indent}  `;
    first = false;
    lines.push(...renderField(key, value, prefix, `${indent}  `));
  }
  return lines.map((line) => line + eol).join('');
}

function renderField(key: string, value: RowValue, prefix: string, indent: string): string[] {
  if (Array.isArray(value)) {
    const items = value as readonly RowValue[];
    if (items.length === 0) return [`${prefix}${key}: []`];
    return [`${prefix}${key}:`, ...items.flatMap((item) => renderListItem(item, `${indent}  `))];
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, RowValue>);
    if (entries.length === 0) return [`${prefix}${key}: {}`];
    return [`${prefix}${key}:`, ...entries.flatMap(([child, childValue]) => renderField(child, childValue, `${indent}  `, `${indent}  `))];
  }
  if (typeof value === 'string' && /\n/.test(value.replace(/\n+$/, '')) && canBeLiteralBlock(value)) {
    const chomp = value.endsWith('\n\n') ? '+' : value.endsWith('\n') ? '' : '-';
    const body = value.replace(/\n$/, '').split('\n').map((line) => (line === '' ? '' : `${indent}  ${line}`));
    return [`${prefix}${key}: |${chomp}`, ...body];
  }
  return [`${prefix}${key}: ${renderScalar(value as string | number | boolean | null)}`];
}

function renderListItem(item: RowValue, indent: string): string[] {
  if (item !== null && typeof item === 'object') return [`${indent}- ${JSON.stringify(item)}`];
  return [`${indent}- ${renderScalar(item)}`];
}

/** A literal block keeps multi-line notes readable; it cannot start with a space or hold control characters. */
function canBeLiteralBlock(value: string): boolean {
  return !/^[ \t]/.test(value) && !/[\r\p{Cc}]/u.test(value.replace(/\n/g, ''));
}
