import { readFile } from 'node:fs/promises';
import { isMap, isScalar, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { CcxError, errnoCode } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import { explainYamlError } from '../text/yaml-error.js';
import { readNotifySinks } from '../notify/config.js';
import type { SinkConfig } from '../notify/types.js';
import { LineIndex } from '../text/line-index.js';
import type { AskConfig } from '../ask/types.js';
import { readAskConfig } from './ask-config.js';
import { readRunners, type RunnersConfig } from '../runners/config.js';

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
  /** Where notifications go (SPEC 15); empty when none. */
  notify: SinkConfig[];
  /** `ask:` (SPEC 15); absent in configs built by hand: the defaults. */
  ask?: AskConfig;
  /** SPEC 16: attempts go to runners on other hosts through NATS; absent: every attempt runs here. */
  runners?: RunnersConfig;
}

export interface ConfigProblem {
  line: number;
  column: number;
  message: string;
}

const TOP_LEVEL_KEYS = ['repo', 'integration', 'parallel', 'test', 'max_attempts', 'agents', 'commit_subject', 'notify', 'ask', 'runners'] as const;
const ROLES = ['implementer', 'reviewer'] as const;
/** The keys each agent type takes (SPEC 8); any other key is a problem on every type. */
const AGENT_KEYS: Readonly<Record<AgentConfig['type'], readonly string[]>> = {
  claude: ['type', 'permission_mode', 'allowed_tools', 'max_turns'],
  codex: ['type'],
  command: ['type', 'argv'],
};

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

export type Fail = (node: Node | null | undefined, message: string) => void;

/** Every problem points at the offending key or value (`agents.reviewer.argv` on its own line, not `agents`). */
export function parseConfig(text: string): { config: RepoConfig } | { problems: ConfigProblem[] } {
  const lines = new LineIndex(text);
  const problems: ConfigProblem[] = [];
  const doc = parseDocument(text, { prettyErrors: false });
  const fail: Fail = (node, message) => problems.push({ ...lines.position(node?.range?.[0] ?? 0), message });
  for (const error of doc.errors) {
    const explained = explainYamlError(text, error);
    const problem = { ...lines.position(explained?.offset ?? error.pos[0]), message: `config.yaml does not parse: ${explained?.message ?? error.message.split('\n')[0]}` };
    if (!problems.some((known) => known.line === problem.line && known.message === problem.message)) problems.push(problem);
  }
  if (problems.length > 0) return { problems };
  const root = doc.contents;
  if (!isMap(root)) return { problems: [{ line: 1, column: 1, message: 'config.yaml must be a mapping (repo:, integration:, agents: …).' }] };
  unknownKeys(root, TOP_LEVEL_KEYS, '', 'a config.yaml setting', fail);
  const node = (key: string) => valueNode(root, key);
  const value = (key: string): unknown => node(key)?.toJS(doc);
  const keyOrRoot = (key: string) => keyNode(root, key) ?? root;
  const repo = value('repo');
  if (typeof repo !== 'string' || !repo.startsWith('/')) fail(node('repo') ?? keyOrRoot('repo'), `repo must be the repository's absolute path, but it is ${JSON.stringify(repo ?? null)}.`);
  const integration = value('integration');
  if (typeof integration !== 'string' || integration.trim() === '') fail(node('integration') ?? keyOrRoot('integration'), `integration must name the branch merges land on, but it is ${JSON.stringify(integration ?? null)}.`);
  const parallel = wholeNumber(value('parallel'), DEFAULT_PARALLEL, 1, 64, (message) => fail(node('parallel'), `parallel ${message}`));
  const maxAttempts = wholeNumber(value('max_attempts'), DEFAULT_MAX_ATTEMPTS, 1, 100, (message) => fail(node('max_attempts'), `max_attempts ${message}`));
  const test = value('test');
  if (test !== undefined && test !== null && (typeof test !== 'string' || test.trim() === '')) fail(node('test') ?? keyOrRoot('test'), 'test must be a command line such as `npm test`, or left out.');
  const subject = value('commit_subject') ?? DEFAULT_COMMIT_SUBJECT;
  const subjectProblem = typeof subject === 'string' ? commitSubjectProblem(subject) : `commit_subject must be text such as "{id}: {title}", "{title}" or agent, but it is ${JSON.stringify(subject)}.`;
  if (subjectProblem !== null) fail(node('commit_subject') ?? keyOrRoot('commit_subject'), subjectProblem);
  const agents = readAgents(node('agents'), keyOrRoot('agents'), doc, fail);
  const notify = readNotifySinks(node('notify'), doc, fail);
  const ask = readAskConfig(node('ask'), keyOrRoot('ask'), doc, fail);
  const runners = readRunners(node('runners'), keyOrRoot('runners'), doc, fail);
  if (problems.length > 0) return { problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
  return {
    config: {
      repo: repo as string,
      integration: (integration as string).trim(),
      parallel,
      test: typeof test === 'string' ? test : null,
      maxAttempts,
      agents,
      commitSubject: subject as string,
      notify,
      ask,
      ...(runners === null ? {} : { runners }),
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

export function keyNode(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return pair?.key as Node | undefined;
}

export function valueNode(map: YAMLMap, key: string): Node | null | undefined {
  return map.items.find((item) => isScalar(item.key) && String(item.key.value) === key)?.value as Node | null | undefined;
}

/** Flags each key of `map` that is not in `allowed`, at the key itself, with the nearest allowed one when there is one. */
export function unknownKeys(map: YAMLMap, allowed: readonly string[], where: string, what: string, fail: Fail): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (allowed.includes(key)) continue;
    const guess = didYouMean(key, allowed);
    const name = where === '' ? key : `${where}.${key}`;
    fail(pair.key as Node, `${name} is not ${what}${guess === null ? '' : `; did you mean ${guess}?`} (${where === '' ? 'the settings' : `${where} takes`}: ${allowed.join(', ')}).`);
  }
}

export function readAgents(node: Node | null | undefined, keyOrRoot: Node, doc: Document, fail: Fail): RepoConfig['agents'] {
  const fallback = { implementer: { type: 'claude' as const }, reviewer: { type: 'codex' as const } };
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return fallback;
  if (!isMap(node)) {
    fail(node.range === undefined ? keyOrRoot : node, 'agents must be a mapping with implementer and reviewer.');
    return fallback;
  }
  unknownKeys(node, ROLES, 'agents', 'an agent role', fail);
  return {
    implementer: readAgent(node, 'implementer', fallback.implementer, doc, fail),
    reviewer: readAgent(node, 'reviewer', fallback.reviewer, doc, fail),
  };
}

function readAgent(agents: YAMLMap, role: (typeof ROLES)[number], fallback: AgentConfig, doc: Document, fail: Fail): AgentConfig {
  const where = `agents.${role}`;
  const node = valueNode(agents, role);
  // Left out or left empty (`implementer:`): the default agent for the role.
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return fallback;
  if (!isMap(node)) {
    fail(node ?? keyNode(agents, role), `${where} must be a mapping such as {type: claude} or {type: command, argv: [node, /abs/path/agent.mjs]}.`);
    return fallback;
  }
  const typeNode = valueNode(node, 'type');
  const type = typeNode?.toJS(doc) as unknown;
  if (!(AGENT_TYPES as readonly unknown[]).includes(type)) {
    const guess = typeof type === 'string' ? didYouMean(type, AGENT_TYPES) : null;
    fail(typeNode ?? node, `${where}.type must be one of ${AGENT_TYPES.join(', ')}, but it is ${JSON.stringify(type ?? null)}${guess === null ? '' : `; did you mean ${guess}?`}`);
    return fallback;
  }
  const agentType = type as AgentConfig['type'];
  unknownKeys(node, AGENT_KEYS[agentType], where, `a key a ${agentType} agent takes`, fail);
  const entry = (key: string): { node: Node | null | undefined; value: unknown } => {
    const child = valueNode(node, key);
    return { node: child ?? keyNode(node, key), value: child?.toJS(doc) as unknown };
  };
  if (agentType === 'command') {
    const argv = entry('argv');
    if (!Array.isArray(argv.value) || argv.value.length === 0 || !argv.value.every((part) => typeof part === 'string' && part !== '')) {
      fail(argv.node ?? node, `${where}.argv must be a list like [node, /abs/path/agent.mjs] (the program and its arguments), but it is ${JSON.stringify(argv.value ?? null)}.`);
      return { type: 'command', argv: ['false'] };
    }
    return { type: 'command', argv: argv.value as string[] };
  }
  if (agentType === 'codex') return { type: 'codex' };
  const agent: AgentConfig = { type: 'claude' };
  const permission = entry('permission_mode');
  if (permission.value !== undefined) {
    if (typeof permission.value !== 'string') fail(permission.node, `${where}.permission_mode must be a claude permission mode such as acceptEdits.`);
    else agent.permissionMode = permission.value;
  }
  const tools = entry('allowed_tools');
  if (tools.value !== undefined) {
    if (!Array.isArray(tools.value) || !tools.value.every((tool) => typeof tool === 'string')) fail(tools.node, `${where}.allowed_tools must be a list of claude tool names such as [Read, Edit, "Bash(npm test:*)"].`);
    else agent.allowedTools = tools.value as string[];
  }
  const maxTurns = entry('max_turns');
  if (maxTurns.value !== undefined) agent.maxTurns = wholeNumber(maxTurns.value, 60, 1, 1000, (message) => fail(maxTurns.node, `${where}.max_turns ${message}`));
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
