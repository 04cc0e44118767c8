import { CLAUDE_ASK_TOOL } from '../ask-wiring.js';
import type { ClaudeAgentConfig, TurnRequest } from '../types.js';

export const DEFAULT_PERMISSION_MODE = 'acceptEdits';
export const DEFAULT_MAX_TURNS = 60;
/** What an implementer may do without asking (nothing asks in -p: a call not allowed is refused). */
export const IMPLEMENTER_TOOLS = ['Read', 'Edit', 'Write', 'Glob', 'Grep', 'Bash(git diff:*)', 'Bash(git status:*)', 'Bash(git log:*)'];
/** A reviewer reads only: default mode refuses edits, and the edit tools are removed outright. */
export const REVIEWER_PERMISSION_MODE = 'default';
export const REVIEWER_TOOLS = ['Read', 'Glob', 'Grep', 'Bash(git diff:*)', 'Bash(git status:*)', 'Bash(git log:*)'];
export const REVIEWER_DISALLOWED_TOOLS = ['Edit', 'Write', 'NotebookEdit'];

/**
 * The argument vector of one `claude -p` turn; the prompt goes on stdin. List flags use the
 * `--flag=a,b` form: `--allowedTools` is variadic and would otherwise swallow what follows.
 */
export function claudeArgs(request: TurnRequest, config: ClaudeAgentConfig, mcpConfig?: string): string[] {
  const reviewer = request.role === 'reviewer';
  const tools = reviewer ? [...REVIEWER_TOOLS] : [...(config.allowedTools ?? IMPLEMENTER_TOOLS)];
  const testTool = request.testCommand === undefined ? undefined : `Bash(${request.testCommand.trim()}:*)`;
  if (testTool !== undefined && !tools.includes(testTool)) tools.push(testTool);
  const asks = !reviewer && mcpConfig !== undefined;
  if (asks) tools.push(CLAUDE_ASK_TOOL);
  const args = [
    '-p',
    '--output-format', 'stream-json',
    '--verbose', // stream-json refuses to run without it
    '--model', request.model,
    ...(request.effort === '' ? [] : ['--effort', request.effort]), // '': the ladder leaves it to claude's default
    '--permission-mode', reviewer ? REVIEWER_PERMISSION_MODE : (config.permissionMode ?? DEFAULT_PERMISSION_MODE),
    `--allowedTools=${tools.join(',')}`,
    '--max-turns', String(config.maxTurns ?? DEFAULT_MAX_TURNS),
  ];
  if (asks) args.push('--mcp-config', mcpConfig);
  if (reviewer) args.push(`--disallowedTools=${REVIEWER_DISALLOWED_TOOLS.join(',')}`);
  if (request.session !== undefined) {
    args.push(request.session.resume ? '--resume' : '--session-id', request.session.id);
  }
  if (request.maxBudgetUsd !== undefined) args.push('--max-budget-usd', budgetArg(request.maxBudgetUsd));
  if (request.outputSchema !== undefined) args.push('--json-schema', JSON.stringify(request.outputSchema));
  return args;
}

/** Dollars to a tenth of a cent, never below it (claude refuses 0 and does not need float noise like 0.09999999999999998). */
function budgetArg(usd: number): string {
  return String(Math.max(0.001, Math.floor(usd * 1000) / 1000));
}
