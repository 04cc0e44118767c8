/**
 * The one error class ccx throws on purpose. `code` is stable (scripts and tests rely on it);
 * `message` says what failed, where, what was expected and what was received; `hint` says what
 * to do. Only src/cli/main.ts turns these into output and exit codes.
 */
export type CcxErrorCode =
  | 'USAGE'
  | 'NOT_A_REPO'
  | 'NOT_INITIALISED'
  | 'CONFIG_INVALID'
  | 'ENV_INVALID'
  | 'BOARD_INVALID'
  | 'BOARD_BUSY'
  | 'BOARD_UNREADABLE'
  | 'BOARD_MISSING'
  | 'BOARD_HAS_ROWS'
  | 'TASK_NOT_FOUND'
  | 'TASK_RUNNING'
  | 'TASK_ID_INVALID'
  | 'INBOX_REJECTED'
  | 'GIT_FAILED'
  | 'GIT_LOCKED'
  | 'GIT_TIMEOUT'
  | 'GIT_TOO_OLD'
  | 'GIT_NO_COMMITS'
  | 'GIT_DETACHED'
  | 'GIT_BRANCH_MISSING'
  | 'WORKTREE_INVALID'
  | 'WORKTREE_REMOVED'
  | 'MERGE_CONFLICT'
  | 'MERGE_RACE'
  | 'MERGE_BASE_MOVED'
  | 'AGENT_FAILED'
  | 'AGENT_MISSING'
  | 'AGENT_LIMITED'
  | 'LADDER_INVALID'
  | 'DAEMON_RUNNING'
  | 'PLAN_INVALID'
  | 'PATH_OUTSIDE_ROOT'
  | 'LINK_REFUSED'
  | 'IO_FAILED'
  | 'AUDIT_FAILED'
  | 'SERVICE_UNSUPPORTED'
  | 'SERVICE_UNAVAILABLE'
  | 'SERVICE_FAILED'
  | 'PORT_IN_USE'
  | 'RUNNERS_UNREACHABLE'
  | 'RUNNER_GIT_FAILED';

export interface CcxErrorOptions {
  /** What the person should do about it, in one or two sentences. */
  hint?: string;
  cause?: unknown;
}

export class CcxError extends Error {
  readonly code: CcxErrorCode;
  readonly hint: string | undefined;

  constructor(code: CcxErrorCode, message: string, options: CcxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CcxError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** A command line that cannot be run as typed: exit code 2. */
export class UsageError extends CcxError {
  constructor(message: string, options: CcxErrorOptions = {}) {
    super('USAGE', message, options);
    this.name = 'UsageError';
  }
}

export function isCcxError(error: unknown, code?: CcxErrorCode): error is CcxError {
  return error instanceof CcxError && (code === undefined || error.code === code);
}

/** The errno code of a Node.js system error, or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
