import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { makeTempDir, removeDir } from './testdir.js';

export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `ccx` binary as a user would (npm test builds it first). */
export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ exitCode: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * An environment whose data root and home are fresh temp folders, so a test never reads or writes
 * the machine's real ~/.local/share/ccx. Removed when the test finishes.
 */
export async function isolatedEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv & { CCX_DATA_HOME: string }> {
  const dataHome = await makeTempDir('ccx-data-');
  onTestFinished(() => removeDir(dataHome));
  return { CCX_DATA_HOME: dataHome, XDG_DATA_HOME: '', EDITOR: '', VISUAL: '', CCX_LOG_LEVEL: 'warn', ...extra };
}
