/**
 * The kinds a field of an audit record may have. Each is a plain value of bounded size, so no
 * caller can put a prompt, an environment or any other arbitrary object into the log.
 * A kind ending in `?` is optional (it may also be null, e.g. an exit code after a signal).
 */
export type FieldKind = BaseKind | `${BaseKind}?`;

export type BaseKind =
  /** A short token: an agent, a model, a status, a branch, a sha, an ISO time. */
  | 'name'
  /** Free text such as an error message: truncated to MAX_TEXT_BYTES. */
  | 'text'
  /**
   * Why something failed, which may quote an agent: scrubbed (scrub.ts: first line, agent words
   * withheld, environment values and secret-shaped strings removed), at most MAX_REASON_BYTES.
   */
  | 'reason'
  /** A file or folder path. */
  | 'path'
  | 'int'
  | 'number'
  | 'bool'
  /** A list of names (file paths, field names): at most MAX_LIST_ITEMS kept. */
  | 'names'
  /** A list of short texts (board problems): at most MAX_LIST_ITEMS kept. */
  | 'texts'
  /** Review findings by severity. */
  | 'counts'
  /** An agent as it is: {type, model, effort} (a command agent's model is its argv[0], its effort null). */
  | 'agent';

export interface AgentShown {
  readonly type: string;
  readonly model: string | null;
  readonly effort: string | null;
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type SeverityCounts = Readonly<Record<Severity, number>>;

export type FieldSchema = Readonly<Record<string, FieldKind>>;

type ValueOf<K extends BaseKind> = K extends 'name' | 'text' | 'reason' | 'path'
  ? string
  : K extends 'int' | 'number'
    ? number
    : K extends 'bool'
      ? boolean
      : K extends 'names' | 'texts'
        ? readonly string[]
        : K extends 'counts'
          ? SeverityCounts
          : K extends 'agent'
            ? AgentShown
            : never;

type RequiredKeys<S extends FieldSchema> = { [F in keyof S]: S[F] extends `${string}?` ? never : F }[keyof S];
type OptionalKeys<S extends FieldSchema> = { [F in keyof S]: S[F] extends `${string}?` ? F : never }[keyof S];
type Strip<K> = K extends `${infer B extends BaseKind}?` ? B : K extends BaseKind ? K : never;

/** The TypeScript shape of the fields a schema describes. */
export type FieldsOf<S extends FieldSchema> = { readonly [F in RequiredKeys<S>]: ValueOf<Strip<S[F]>> } & {
  readonly [F in OptionalKeys<S>]?: ValueOf<Strip<S[F]>> | null;
};

/** Where a record belongs: every event may carry these (SPEC 11). */
export interface TaskRef {
  readonly task?: string;
  readonly attempt?: number;
  readonly cycle?: number;
}

export const TASK_REF_SCHEMA = { task: 'name?', attempt: 'int?', cycle: 'int?' } as const satisfies FieldSchema;
