import { closingParen } from './glob/magic.js';
import type { Scope } from './types.js';

/**
 * Every scope-related git call reads pathspecs in glob mode (`*` stays inside a folder, `**`
 * crosses folders); the other global pathspec modes are switched off so a person's environment
 * cannot change the meaning (git refuses glob together with literal or noglob).
 */
export const SCOPE_GIT_ENV: Readonly<Record<string, string>> = {
  GIT_GLOB_PATHSPECS: '1',
  GIT_LITERAL_PATHSPECS: '0',
  GIT_NOGLOB_PATHSPECS: '0',
  GIT_ICASE_PATHSPECS: '0',
};

/** An exclude entry as a pathspec: exclude magic added to whatever magic the entry carries. */
export function excludePathspec(glob: string): string {
  if (glob.startsWith(':(')) return `:(exclude,${glob.slice(2)}`;
  if (glob.startsWith(':')) return `:!${glob.slice(1)}`;
  return `:(exclude)${glob}`;
}

/** The pathspec arguments of a scope: includes as written, then each exclude with exclude magic. */
export function scopePathspecs(scope: Scope): string[] {
  return [...scope.include, ...scope.exclude.map(excludePathspec)];
}

/** True when the scope names no include, so git (and ccx) read it as the whole repository. */
export function isWholeRepository(scope: Scope): boolean {
  return scope.include.length === 0;
}

/**
 * The scope's pathspecs split into what selects and what removes, each written without exclude
 * magic. `git ls-files` (2.39) mis-applies an exclude when the includes share a leading folder:
 * with include `src/**` and exclude `**` + `/*.test.ts` it still lists src/b.test.ts (it cuts the
 * shared `src/` off the exclude pattern too), while `git diff` gets it right. So callers that list
 * files list both sides separately and subtract.
 */
export function splitScopePathspecs(scope: Scope): { select: string[]; remove: string[] } {
  const select: string[] = [];
  const remove: string[] = [];
  for (const element of scopePathspecs(scope)) {
    const positive = withoutExcludeMagic(element);
    if (positive === element) select.push(element);
    else remove.push(positive);
  }
  return { select, remove };
}

/** `element` with its exclude magic (`!`, `^`, `exclude`) dropped; the same string when it had none. */
export function withoutExcludeMagic(element: string): string {
  if (element.startsWith(':(')) {
    const close = closingParen(element);
    if (close < 0) return element;
    const words = element.slice(2, close).split(',');
    const kept = words.filter((word) => word !== 'exclude');
    return kept.length === words.length ? element : `:(${kept.join(',')})${element.slice(close + 1)}`;
  }
  const magic = /^:([!^/]*):?/.exec(element);
  if (magic === null || !/[!^]/.test(magic[1] ?? '')) return element;
  // `::rest` is short magic with no magic at all: the pattern is `rest`, whatever it starts with.
  return `${(magic[1] ?? '').includes('/') ? ':/:' : '::'}${element.slice(magic[0].length)}`;
}
