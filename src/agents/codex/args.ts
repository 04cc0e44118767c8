import { codexAskArgs } from '../ask-wiring.js';
import type { TurnRequest } from '../types.js';

export type CodexSandbox = 'read-only' | 'workspace-write';

/** ccx's effort names that codex spells differently (model_reasoning_effort: minimal|low|medium|high|xhigh). */
const EFFORT_ALIASES: Record<string, string> = { max: 'xhigh' };

export interface CodexFiles {
  /** Where the schema was written, when the request has one. */
  schema?: string;
  /** The `-o` file: codex writes the last agent message there. */
  lastMessage: string;
}

/**
 * The argument vector of one `codex exec` turn; the prompt goes on stdin (`-`). A resume puts every
 * flag before `resume <thread>`: 0.169 accepts them there, and neither the model nor the sandbox is
 * remembered by the thread.
 */
export function codexArgs(request: TurnRequest, files: CodexFiles): string[] {
  const sandbox: CodexSandbox = request.role === 'reviewer' ? 'read-only' : 'workspace-write';
  const effort = EFFORT_ALIASES[request.effort] ?? request.effort;
  const args = [
    'exec',
    '--json',
    '--sandbox', sandbox,
    '--skip-git-repo-check',
    '-C', request.worktree,
    '-m', request.model,
    ...(effort === '' ? [] : ['-c', `model_reasoning_effort=${JSON.stringify(effort)}`]), // '': codex's own default
  ];
  if (request.role === 'implementer' && request.ask !== undefined) args.push(...codexAskArgs(request.ask));
  if (files.schema !== undefined) args.push('--output-schema', files.schema);
  args.push('-o', files.lastMessage);
  if (request.session?.resume === true) args.push('resume', request.session.id);
  args.push('-');
  return args;
}
