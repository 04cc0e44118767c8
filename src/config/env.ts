import { CcxError } from '../errors.js';

export const DEFAULT_MAX_WORKERS = 3;
export const DEFAULT_TURN_TIMEOUT_MS = 30 * 60 * 1000;
export const DEFAULT_STALL_TIMEOUT_MS = 5 * 60 * 1000;
export const DEFAULT_MAX_QUEUE_DEPTH = 5;
export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
export const DEFAULT_LOG_LEVEL = 'info';
/** `ccx ui`'s port (SPEC 10). */
export const DEFAULT_UI_PORT = 4170;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** SPEC 10, read and checked once at the boundary. */
export interface CcxEnv {
  dataHome: string | undefined;
  claudeBin: string;
  codexBin: string;
  maxWorkers: number;
  turnTimeoutMs: number;
  /** A turn with no output event this long is stopped and retried as a transient outage. */
  stallTimeoutMs: number;
  maxQueueDepth: number;
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** CCX_UI_PORT: where `ccx ui` listens (loopback only). */
  uiPort: number;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): CcxEnv {
  return {
    dataHome: nonEmpty(env['CCX_DATA_HOME']),
    claudeBin: nonEmpty(env['CCX_CLAUDE_BIN']) ?? 'claude',
    codexBin: nonEmpty(env['CCX_CODEX_BIN']) ?? 'codex',
    maxWorkers: positiveInt(env, 'CCX_MAX_WORKERS', DEFAULT_MAX_WORKERS),
    turnTimeoutMs: positiveInt(env, 'CCX_TURN_TIMEOUT_MS', DEFAULT_TURN_TIMEOUT_MS),
    stallTimeoutMs: positiveInt(env, 'CCX_STALL_TIMEOUT_MS', DEFAULT_STALL_TIMEOUT_MS),
    maxQueueDepth: positiveInt(env, 'CCX_MAX_QUEUE_DEPTH', DEFAULT_MAX_QUEUE_DEPTH),
    shutdownGraceMs: nonNegativeInt(env, 'CCX_SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS),
    logLevel: logLevel(env),
    uiPort: port(env, 'CCX_UI_PORT', DEFAULT_UI_PORT),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = nonNegativeInt(env, name, fallback);
  if (value === 0) throw badVariable(name, env[name], 'a whole number above 0');
  return value;
}

function nonNegativeInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw badVariable(name, raw, 'a whole number');
  return Number(raw.trim());
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = nonNegativeInt(env, name, fallback);
  if (value > 65_535) throw badVariable(name, env[name], 'a port number from 0 to 65535');
  return value;
}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = nonEmpty(env['CCX_LOG_LEVEL']);
  if (raw === undefined) return DEFAULT_LOG_LEVEL;
  const level = LOG_LEVELS.find((candidate) => candidate === raw.trim().toLowerCase());
  if (level === undefined) throw badVariable('CCX_LOG_LEVEL', raw, `one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function badVariable(name: string, received: string | undefined, expected: string): CcxError {
  return new CcxError('ENV_INVALID', `${name} must be ${expected}, but it is ${JSON.stringify(received)}.`, {
    hint: `Fix or unset ${name} in the environment ccx runs in.`,
  });
}
