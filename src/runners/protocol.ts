/**
 * What daemon and runners say to each other over NATS (SPEC 16). Subjects carry the repository's
 * key (made subject-safe) and the task id; messages are JSON. Only what an attempt needs travels:
 * never the board, never another repository's data.
 */
import type { AgentConfig } from '../config/config-file.js';
import type { AttemptCheckpoint, AttemptResult, AttemptTask, LadderRung, LoopEvent } from '../loop/index.js';

/** Work-queue stream of attempts: one message per attempt, removed when a runner acks it. */
export const ATTEMPTS_STREAM = 'CCX_ATTEMPTS';
/** Events and artifacts runners stream back (limits retention; a restarted daemon replays them). */
export const EVENTS_STREAM = 'CCX_EVENTS';
/** The last checkpoint of each task (one message per subject): where a redelivered attempt continues. */
export const CHECKPOINTS_STREAM = 'CCX_CHECKPOINTS';
export const PROTOCOL_VERSION = 1;

/** A repository key as one subject token: NATS tokens may not hold `.`, `*`, `>` or spaces. */
export function subjectKey(repoKey: string): string {
  return repoKey.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
}

export const subjects = {
  attempts: (repo: string, label: string, task: string) => `ccx.attempts.${repo}.${label}.${task}`,
  /** What one runner consumer takes: every repository's attempts for one label. */
  attemptsFor: (label: string) => `ccx.attempts.*.${label}.*`,
  events: (repo: string, task: string) => `ccx.events.${repo}.${task}`,
  checkpoint: (repo: string, task: string) => `ccx.checkpoints.${repo}.${task}`,
  /** The newest delivery of a task's attempt any runner claimed (kept in the checkpoints stream). */
  claim: (repo: string, task: string) => `ccx.checkpoints.${repo}.${task}.claim`,
  cancel: (repo: string, task: string) => `ccx.cancel.${repo}.${task}`,
  heartbeat: (name: string) => `ccx.runners.hb.${name}`,
  heartbeats: 'ccx.runners.hb.*',
} as const;

/** The durable pull consumer every runner serving `label` shares. */
export function consumerName(label: string): string {
  return `ccx-runners-${label}`;
}

/**
 * Which delivery of which attempt an event or push comes from. JetStream counts deliveries, so a
 * redelivered attempt has a higher token; the daemon takes only the highest it has seen.
 */
export interface Fence {
  attempt: number;
  delivery: number;
}

export function fenceLabel(fence: Fence): string {
  return `a${fence.attempt}.d${fence.delivery}`;
}

/** -1, 0, 1: older, same, newer. */
export function compareFence(a: Fence, b: Fence): number {
  return Math.sign(a.attempt - b.attempt) || Math.sign(a.delivery - b.delivery);
}

/** One attempt, as published by the daemon. */
export interface AttemptOrder {
  version: typeof PROTOCOL_VERSION;
  repoKey: string;
  /** The git remote's URL: runners fetch the base from it and push turn commits to it. */
  remoteUrl: string;
  integration: string;
  task: AttemptTask;
  brief: string;
  direction: string;
  testCommand: string | null;
  agents: { implementer: AgentConfig; reviewer: AgentConfig };
  rung: LadderRung;
  turnTimeoutMs: number;
  spentUsd: number;
  /** The commit the task branch started from (pushed as refs/ccx/base/T-<n>). */
  base: string;
  /** Where the work starts: the base, or the branch head of a continued task (pushed as refs/ccx/T-<n>). */
  head: string;
  /** The daemon's journalled checkpoint when it published; a newer one in CHECKPOINTS_STREAM wins. */
  resume: AttemptCheckpoint | null;
  publishedAt: string;
}

/** A file of the attempt's run folder, relative to runs/T-<n>/ (a<k>/… or .handoff.md), base64. */
export interface ArtifactFile {
  name: string;
  data: string;
}

export type RunnerEventBody =
  | { kind: 'claimed'; host: string }
  | { kind: 'loop'; event: LoopEvent }
  | { kind: 'checkpoint'; checkpoint: AttemptCheckpoint }
  | { kind: 'artifacts'; files: ArtifactFile[] }
  | { kind: 'limit'; agent: string; until: string; message: string }
  | { kind: 'limit-resumed'; agent: string }
  | { kind: 'result'; result: Omit<AttemptResult, 'checkpoint' | 'handoffPath'> }
  /** The runner could not do its part (fetch, push, set-up): `message` says exactly which and why. */
  | { kind: 'failed'; step: 'fetch' | 'push' | 'setup'; message: string };

export type RunnerEvent = RunnerEventBody & { task: string; fence: Fence; runner: string; seq: number; time: string };

/** A runner's heartbeat: every few seconds, and at once when it starts or stops an attempt. */
export interface Heartbeat {
  name: string;
  host: string;
  slots: number;
  busy: number;
  labels: string[];
  /** `<repoKey>/<task>` of each attempt it runs. */
  running: string[];
  time: string;
  /** Sent by a runner that is stopping. */
  leaving?: boolean;
}

export function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function decode<T>(data: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(data)) as T;
}
