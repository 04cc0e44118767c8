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
