import { readFile } from 'node:fs/promises';
import { isMap, isScalar, parseDocument, type Node } from 'yaml';
import { CcxError, errnoCode } from '../errors.js';
import { LineIndex } from '../text/line-index.js';

export const DEFAULT_PARALLEL = 3;
export const DEFAULT_MAX_ATTEMPTS = 4;
export const AGENT_TYPES = ['claude', 'codex', 'command'] as const;
/** `commit_subject`: a template of `{id}` and `{title}`, or `agent` (the implementer words it). */
export const DEFAULT_COMMIT_SUBJECT = '{id}: {title}';
export const AGENT_COMMIT_SUBJECT = 'agent';

export type AgentConfig =
  | { type: 'claude'; permissionMode?: string; allowedTools?: string[]; maxTurns?: number }
  | { type: 'codex' }
  | { type: 'command'; argv: string[] };

/** config.yaml (SPEC 8), checked and with defaults applied. */
export interface RepoConfig {
  repo: string;
  integration: string;
  parallel: number;
  /** The person's own test command line, run by the shell in the worktree; null when none. */
  test: string | null;
  maxAttempts: number;
  agents: { implementer: AgentConfig; reviewer: AgentConfig };
  /** The squash commit's subject: a template of {id} and {title}, or `agent` (default "{id}: {title}"). */
  commitSubject: string;
}

export interface ConfigProblem {
  line: number;
  column: number;
  message: string;
}

const TOP_LEVEL_KEYS = ['repo', 'integration', 'parallel', 'test', 'max_attempts', 'agents', 'commit_subject'];

/** Reads and checks config.yaml; a bad one throws CONFIG_INVALID listing every problem with its line:column. */
export async function loadConfig(path: string): Promise<RepoConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CcxError(errnoCode(error) === 'ENOENT' ? 'NOT_INITIALISED' : 'CONFIG_INVALID', `${path} cannot be read (${errnoCode(error) ?? String(error)}).`, {
      hint: 'Run `ccx init` in the repository to create it.',
    });
  }
  const parsed = parseConfig(text);
  if ('problems' in parsed) {
    const lines = parsed.problems.map((problem) => `${path}:${problem.line}:${problem.column}: ${problem.message}`);
    throw new CcxError('CONFIG_INVALID', `config.yaml has ${parsed.problems.length === 1 ? 'a problem' : `${parsed.problems.length} problems`}:\n${lines.join('\n')}`, {
      hint: 'Fix config.yaml and save; the daemon keeps the last good configuration meanwhile.',
    });
  }
  return parsed.config;
}

export function parseConfig(text: string): { config: RepoConfig } | { problems: ConfigProblem[] } {
  const lines = new LineIndex(text);
  const problems: ConfigProblem[] = [];
  const fail = (node: Node | null | undefined, message: string) => problems.push({ ...lines.position(node?.range?.[0] ?? 0), message });
  const doc = parseDocument(text, { prettyErrors: false });
  for (const error of doc.errors) problems.push({ ...lines.position(error.pos[0]), message: `config.yaml does not parse: ${error.message.split('\n')[0]}` });
  if (problems.length > 0) return { problems };
  const root = doc.contents;
  if (!isMap(root)) return { problems: [{ line: 1, column: 1, message: 'config.yaml must be a mapping (repo:, integration:, agents: …).' }] };
  const node = (key: string) => root.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.value as Node | null | undefined;
  const value = (key: string): unknown => node(key)?.toJS(doc);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!TOP_LEVEL_KEYS.includes(key)) fail(pair.key as Node, `${key} is not a config.yaml setting; the settings are ${TOP_LEVEL_KEYS.join(', ')}.`);
  }
  const repo = value('repo');
  if (typeof repo !== 'string' || !repo.startsWith('/')) fail(node('repo'), `repo must be the repository's absolute path, but it is ${JSON.stringify(repo ?? null)}.`);
  const integration = value('integration');
  if (typeof integration !== 'string' || integration.trim() === '') fail(node('integration'), `integration must name the branch merges land on, but it is ${JSON.stringify(integration ?? null)}.`);
  const parallel = wholeNumber(value('parallel'), DEFAULT_PARALLEL, 1, 64, (message) => fail(node('parallel'), `parallel ${message}`));
  const maxAttempts = wholeNumber(value('max_attempts'), DEFAULT_MAX_ATTEMPTS, 1, 100, (message) => fail(node('max_attempts'), `max_attempts ${message}`));
  const test = value('test');
  if (test !== undefined && test !== null && (typeof test !== 'string' || test.trim() === '')) fail(node('test'), 'test must be a command line such as `npm test`, or left out.');
  const subject = value('commit_subject') ?? DEFAULT_COMMIT_SUBJECT;
  const subjectProblem = typeof subject === 'string' ? commitSubjectProblem(subject) : `commit_subject must be text such as "{id}: {title}", "{title}" or agent, but it is ${JSON.stringify(subject)}.`;
  if (subjectProblem !== null) fail(node('commit_subject'), subjectProblem);
  const agentsValue = value('agents') ?? {};
  const agents = readAgents(agentsValue, (message) => fail(node('agents'), message));
  if (problems.length > 0) return { problems };
  return {
    config: {
      repo: repo as string,
      integration: (integration as string).trim(),
      parallel,
      test: typeof test === 'string' ? test : null,
      maxAttempts,
      agents,
      commitSubject: subject as string,
    },
  };
}

/** What is wrong with a commit_subject value, or null. */
export function commitSubjectProblem(value: string): string | null {
  if (value === AGENT_COMMIT_SUBJECT) return null;
  if (!value.includes('{title}')) return `commit_subject must contain {title} (such as "{id}: {title}" or "{title}"), or be agent, but it is ${JSON.stringify(value)}.`;
  const unknown = /\{(?!id\}|title\})[^}]*\}/.exec(value);
  if (unknown !== null) return `commit_subject knows only {id} and {title}, but it has ${unknown[0]}.`;
  if (/[\r\n]/.test(value)) return 'commit_subject must be one line.';
  return null;
}

function readAgents(value: unknown, fail: (message: string) => void): RepoConfig['agents'] {
  const fallback = { implementer: { type: 'claude' as const }, reviewer: { type: 'codex' as const } };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('agents must be a mapping with implementer and reviewer.');
    return fallback;
  }
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map)) if (key !== 'implementer' && key !== 'reviewer') fail(`agents takes implementer and reviewer, but it has ${JSON.stringify(key)}.`);
  return {
    implementer: readAgent(map['implementer'] ?? fallback.implementer, 'agents.implementer', fail),
    reviewer: readAgent(map['reviewer'] ?? fallback.reviewer, 'agents.reviewer', fail),
  };
}

function readAgent(value: unknown, where: string, fail: (message: string) => void): AgentConfig {
  const entry = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const type = entry['type'];
  if (!(AGENT_TYPES as readonly unknown[]).includes(type)) {
    fail(`${where}.type must be one of ${AGENT_TYPES.join(', ')}, but it is ${JSON.stringify(type ?? null)}.`);
    return { type: 'claude' };
  }
  if (type === 'command') {
    const argv = entry['argv'];
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((part) => typeof part === 'string' && part !== '')) {
      fail(`${where}.argv must be a list like [node, /abs/path/agent.mjs] (the program and its arguments), but it is ${JSON.stringify(argv ?? null)}.`);
      return { type: 'command', argv: ['false'] };
    }
    return { type: 'command', argv: argv as string[] };
  }
  if (type === 'codex') return { type: 'codex' };
  const agent: AgentConfig = { type: 'claude' };
  const permission = entry['permission_mode'];
  if (permission !== undefined) {
    if (typeof permission !== 'string') fail(`${where}.permission_mode must be a claude permission mode such as acceptEdits.`);
    else agent.permissionMode = permission;
  }
  const tools = entry['allowed_tools'];
  if (tools !== undefined) {
    if (!Array.isArray(tools) || !tools.every((tool) => typeof tool === 'string')) fail(`${where}.allowed_tools must be a list of claude tool names such as [Read, Edit, "Bash(npm test:*)"].`);
    else agent.allowedTools = tools as string[];
  }
  const maxTurns = entry['max_turns'];
  if (maxTurns !== undefined) agent.maxTurns = wholeNumber(maxTurns, 60, 1, 1000, (message) => fail(`${where}.max_turns ${message}`));
  for (const key of Object.keys(entry)) {
    if (!['type', 'permission_mode', 'allowed_tools', 'max_turns'].includes(key)) fail(`${where} has ${JSON.stringify(key)}, which a claude agent does not take (permission_mode, allowed_tools, max_turns).`);
  }
  return agent;
}

function wholeNumber(value: unknown, fallback: number, min: number, max: number, fail: (message: string) => void): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`must be a whole number from ${min} to ${max}, but it is ${JSON.stringify(value)}.`);
    return fallback;
  }
  return value;
}

/** The config.yaml `ccx init` writes: every setting, commented. */
export function renderConfig(options: { repo: string; integration: string; test: string | null }): string {
  return [
    '# ccx settings for this repository. The daemon re-reads this file when you save it;',
    '# a bad edit is reported in STATUS.md and the last good settings stay in force.',
    `repo: ${JSON.stringify(options.repo)}       # the repository this STATE_DIR serves`,
    `integration: ${JSON.stringify(options.integration)}   # the branch merges land on`,
    `parallel: ${DEFAULT_PARALLEL}                          # tasks of this repository that may run at once`,
    options.test === null ? '# test: npm test                     # your test command, run by the shell in the task worktree' : `test: ${JSON.stringify(options.test)}   # run by the shell in the task worktree after each implement/fix turn`,
    `max_attempts: ${DEFAULT_MAX_ATTEMPTS}                      # attempts per task before it is blocked`,
    'agents:',
    '  implementer: {type: claude}        # claude | codex | command',
    '  reviewer: {type: codex}',
    '  # implementer: {type: command, argv: [node, /abs/path/agent.mjs]}   runs any program (SPEC 8)',
    '  # implementer: {type: claude, permission_mode: acceptEdits, allowed_tools: [Read, Edit, Write], max_turns: 60}',
    '',
  ].join('\n');
}
