import { watch, type FSWatcher } from 'node:fs';
import { ensureDir } from '../fs/atomic-write.js';
import { asksDir, readPersonAnswer } from './ask-file.js';

/** A missed folder event is caught by this: a person's answer is seen within it. */
export const PERSON_POLL_MS = 1000;

/**
 * Waits for the person's answer to ask `id` of `task` in STATE_DIR/asks/ (written in any editor, or
 * by `ccx answer`) until `untilMs`; null when the time ran out or `signal` aborted.
 */
export async function waitForPersonAnswer(stateDir: string, task: string, id: string, untilMs: number, signal?: AbortSignal): Promise<string | null> {
  const dir = asksDir(stateDir);
  await ensureDir(dir);
  for (;;) {
    const answer = await readPersonAnswer(stateDir, task, id);
    if (answer !== null) return answer;
    const left = untilMs - Date.now();
    if (left <= 0 || signal?.aborted === true) return null;
    await new Promise<void>((resolve) => {
      let watcher: FSWatcher | undefined;
      const done = () => {
        clearTimeout(timer);
        watcher?.close();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(left, PERSON_POLL_MS));
      signal?.addEventListener('abort', done, { once: true });
      try {
        watcher = watch(dir, done);
        watcher.on('error', done);
      } catch {
        // the timer alone
      }
    });
  }
}
