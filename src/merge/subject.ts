import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentAdapter } from '../agents/index.js';
import { PRIVATE_FILE_MODE } from '../fs/atomic-write.js';
import { git, type GitRepo } from '../git/run.js';
import { squashSubject } from './message.js';

import { AGENT_COMMIT_SUBJECT, DEFAULT_COMMIT_SUBJECT } from '../config/config-file.js';

export { AGENT_COMMIT_SUBJECT, DEFAULT_COMMIT_SUBJECT, commitSubjectProblem } from '../config/config-file.js';
/** The subjects the agent is shown, newest first (ccx-loop mirrors the repository's recent style). */
export const SUBJECT_HISTORY = 20;
/** CCX_PHASE of the subject turn, so a command agent can tell it from the others. */
export const SUBJECT_PHASE = 'commit-subject';
const MAX_SUBJECT_CHARS = 200;
/** The subject turn is one short answer: it gets a fraction of a full turn's time. */
const SUBJECT_TURN_MS = 5 * 60_000;

/** `{id}` and `{title}` filled in (a title is one line). */
export function renderSubject(template: string, id: string, title: string): string {
  const line = title.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return template.replace(/\{(id|title)\}/g, (_, name: string) => (name === 'id' ? id : line)).trim();
}

export interface AgentSubjectInput {
  agent: AgentAdapter;
  model: string;
  effort: string;
  repo: GitRepo;
  integration: string;
  id: string;
  title: string;
  /** The squash commit's body (cycles, verdicts): what the change was, for the agent. */
  body: string;
  /** Where the turn's prompt and answer are kept. */
  runDir: string;
  stateDir: string;
  signal?: AbortSignal;
}

/**
 * The squash commit's subject for `commit_subject` (the `Ccx-Task` trailer is added apart, always).
 * `agent`: one short read-only turn of the implementer, shown the integration branch's last
 * SUBJECT_HISTORY subjects, answers a subject in their style; when it fails or answers nothing
 * usable, the title alone stands in (the merge never waits on it).
 */
export async function commitSubject(setting: string, input: AgentSubjectInput): Promise<string> {
  if (setting !== AGENT_COMMIT_SUBJECT) return setting === DEFAULT_COMMIT_SUBJECT ? squashSubject(input.id, input.title) : renderSubject(setting, input.id, input.title);
  const fallback = renderSubject('{title}', input.id, input.title);
  const subjects = await recentSubjects(input.repo, input.integration);
  const prompt = subjectPrompt(input, subjects);
  await keep(input.runDir, 'commit-subject.prompt.md', prompt);
  const outcome = await input.agent.runTurn({
    role: 'reviewer',
    prompt,
    worktree: input.repo.root,
    model: input.model,
    effort: input.effort,
    timeoutMs: SUBJECT_TURN_MS,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
    env: { CCX_PHASE: SUBJECT_PHASE, CCX_TASK_ID: input.id, CCX_STATE_DIR: input.stateDir },
    scratchDir: input.runDir,
  }).catch(() => null);
  if (outcome !== null) await keep(input.runDir, 'commit-subject.out', outcome.stdout);
  if (outcome === null || outcome.kind !== 'ok') return fallback;
  const line = outcome.text.split('\n').map((text) => text.trim().replace(/^["'`]+|["'`]+$/g, '').trim()).find((text) => text !== '');
  return line === undefined || line.length > MAX_SUBJECT_CHARS ? fallback : line;
}

export async function recentSubjects(repo: GitRepo, integration: string): Promise<string[]> {
  const log = await git(repo, ['log', `-${SUBJECT_HISTORY}`, '--format=%s', `refs/heads/${integration}`, '--'], { cwd: repo.root, readOnly: true, allowExitCodes: [128] });
  return log.exitCode === 0 ? log.stdout.split('\n').filter((line) => line !== '') : [];
}

function subjectPrompt(input: AgentSubjectInput, subjects: readonly string[]): string {
  return [
    '# Write one commit subject line',
    '',
    `A change is about to be squash-merged into ${input.integration}. Write its commit subject in the style of the repository's recent subjects below (prefixes, case, tense, length).`,
    'Answer with the subject line only: no quotes, no body, no task id (such as T-12) and no tool names.',
    '',
    '## The change',
    '',
    input.title,
    '',
    input.body.trim() === '' ? '(no summary)' : input.body.trim(),
    '',
    `## The last ${subjects.length} subjects on ${input.integration}, newest first`,
    '',
    ...(subjects.length === 0 ? ['(none yet)'] : subjects.map((subject) => `- ${subject}`)),
    '',
  ].join('\n');
}

async function keep(folder: string, name: string, content: string): Promise<void> {
  await writeFile(join(folder, name), content, { mode: PRIVATE_FILE_MODE }).catch(() => undefined);
}
