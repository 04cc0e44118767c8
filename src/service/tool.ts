import { execa } from 'execa';
import { TOOL_TIMEOUT_MS } from './constants.js';
import type { ServiceHost } from './host.js';

export interface ToolResult {
  /** null when it did not run to an exit (missing, not executable, timed out). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The tool is not on PATH (ENOENT) or cannot be run (EACCES). */
  missing: boolean;
  timedOut: boolean;
}

/** Runs systemctl, launchctl or loginctl (found on the host's PATH) with an argument vector. */
export async function runTool(host: ServiceHost, file: string, args: readonly string[], timeoutMs = TOOL_TIMEOUT_MS): Promise<ToolResult> {
  const result = await execa(file, args, { env: host.env, extendEnv: false, reject: false, timeout: timeoutMs, stdin: 'ignore', stripFinalNewline: true });
  const code = (result as { code?: unknown }).code;
  return {
    exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    missing: code === 'ENOENT' || code === 'EACCES',
    timedOut: result.timedOut,
  };
}

/** `text` ending in one full stop (tools' messages come with or without one). */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The tool's own words for a failure: its stderr, else stdout, else how it ended. */
export function toolSaid(result: ToolResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(0, 3).join(' / ');
  if (text !== '') return text;
  if (result.timedOut) return 'it did not answer in time';
  return `it exited with ${result.exitCode ?? 'no code'}`;
}
