import { clearServiceStarts, DEFAULT_START_LIMIT, recordServiceStart, type StartLimit } from './start-limit.js';

export interface ServiceModeOptions {
  /** servicePaths(host).startsFile: `<data root>/service-starts.json`. */
  startsFile: string;
  stderr: (text: string) => void;
  limit?: StartLimit;
  now?: () => number;
}

/**
 * `ccx daemon --service`, the way launchd runs the daemon: count this start, refuse it past the
 * start limit (exit 0, so launchd leaves it down), else run the daemon; a clean exit (0) clears
 * the count. The counter failing never keeps the daemon from starting.
 */
export async function runInServiceMode(options: ServiceModeOptions, runDaemon: () => Promise<number>): Promise<number> {
  const now = options.now ?? Date.now;
  try {
    const decision = await recordServiceStart(options.startsFile, now(), options.limit ?? DEFAULT_START_LIMIT);
    if (!decision.allowed) {
      options.stderr(`${decision.message}\n`);
      return 0;
    }
  } catch (error) {
    options.stderr(`ccx daemon: could not count this start in ${options.startsFile} (${error instanceof Error ? error.message : String(error)}); starting anyway.\n`);
  }
  const code = await runDaemon();
  if (code === 0) await clearServiceStarts(options.startsFile).catch(() => undefined);
  return code;
}
