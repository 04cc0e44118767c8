import { execa } from 'execa';

export interface ProbeResult {
  exitCode: number | null;
  /** stdout and stderr together, without the lines tools print as mere warnings. */
  output: string;
  timedOut: boolean;
  /** Could not be started at all (ENOENT, EACCES, ENOEXEC). */
  spawnError: string | null;
}

/** Runs `file args` with a short timeout and no stdin, as a check does: never throws. */
export async function probe(file: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number }): Promise<ProbeResult> {
  const result = await execa(file, args, {
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    reject: false,
    timeout: options.timeoutMs,
    stdin: 'ignore',
    all: true,
    // A CLI that forks a helper must not keep the check waiting once it is killed.
    forceKillAfterDelay: 1_000,
  });
  const code = (result as { code?: unknown }).code;
  const all = typeof result.all === 'string' ? result.all : '';
  return {
    exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
    output: all
      .split('\n')
      .filter((line) => !/^WARNING: /.test(line))
      .join('\n')
      .trim(),
    timedOut: result.timedOut,
    spawnError: typeof code === 'string' && !result.timedOut && result.exitCode === undefined ? code : null,
  };
}

/** The first line of a probe's output, or how it ended. */
export function firstLine(result: ProbeResult): string {
  const line = result.output.split('\n')[0]?.trim() ?? '';
  if (line !== '') return line;
  if (result.timedOut) return 'no answer';
  return result.spawnError ?? `exit ${result.exitCode ?? '?'}`;
}
