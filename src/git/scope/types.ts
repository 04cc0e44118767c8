/** What a task may touch (SPEC 3): git pathspec globs; an empty include means the whole repository. */
export interface Scope {
  include: readonly string[];
  exclude: readonly string[];
}
