/**
 * A pathspec element split into its magic and its pattern, read the way git's pathspec.c reads
 * it. `modelled: false` marks magic the static matcher cannot decide (attr, prefix) or an element
 * git would reject: callers treat such an element conservatively.
 */
export interface ParsedPathspec {
  exclude: boolean;
  icase: boolean;
  literal: boolean;
  top: boolean;
  modelled: boolean;
  pattern: string;
}

/** git's GIT_PATHSPEC_MAGIC characters (ctype.c); only `/`, `!` and `^` are implemented. */
const SHORT_MAGIC_CHARS = new Set('!"#%&\',-/:;<=>@_`~^');

export function parsePathspec(element: string): ParsedPathspec {
  const parsed: ParsedPathspec = { exclude: false, icase: false, literal: false, top: false, modelled: true, pattern: element };
  if (!element.startsWith(':')) return parsed;
  if (element.startsWith(':(')) return parseLongMagic(element, parsed);
  let pos = 1;
  for (; pos < element.length && element[pos] !== ':'; pos++) {
    const ch = element[pos] as string;
    if (ch === '!' || ch === '^') parsed.exclude = true;
    else if (ch === '/') parsed.top = true;
    else if (SHORT_MAGIC_CHARS.has(ch)) parsed.modelled = false;
    else break;
  }
  if (element[pos] === ':') pos++;
  parsed.pattern = element.slice(pos);
  return parsed;
}

function parseLongMagic(element: string, parsed: ParsedPathspec): ParsedPathspec {
  const close = closingParen(element);
  if (close < 0) return { ...parsed, modelled: false };
  for (const word of element.slice(2, close).split(',')) {
    if (word === '') continue;
    if (word === 'exclude') parsed.exclude = true;
    else if (word === 'icase') parsed.icase = true;
    else if (word === 'literal') parsed.literal = true;
    else if (word === 'top') parsed.top = true;
    else if (word === 'glob') continue;
    else parsed.modelled = false;
  }
  parsed.pattern = element.slice(close + 1);
  return parsed;
}

/** The `)` that ends long magic; a backslash escapes the next character inside it, as in git. */
export function closingParen(element: string): number {
  for (let i = 2; i < element.length; i++) {
    if (element[i] === '\\') i++;
    else if (element[i] === ')') return i;
  }
  return -1;
}

/**
 * git's normalize_path_copy_len for a pattern relative to the top: collapses `//`, drops `./`,
 * resolves `..`; null when `..` climbs out of the repository. Leading `/` (absolute) is not handled.
 */
export function normalizePattern(pattern: string): string | null {
  const out: string[] = [];
  let rest = pattern.replace(/^\/+/, '');
  const trailingSlash = /\/$/.test(rest) || /(^|\/)\.\.?$/.test(rest);
  rest = rest.replace(/\/+$/, '');
  for (const part of rest.split(/\/+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(part);
  }
  if (out.length === 0) return '';
  return trailingSlash ? `${out.join('/')}/` : out.join('/');
}
