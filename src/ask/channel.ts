import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, writeFileAtomic } from '../fs/atomic-write.js';
import { normaliseQuestion } from './question.js';
import type { Question } from './types.js';

/**
 * The files between `ccx mcp` (started by the agent CLI) and the loop that runs the turn: no socket
 * in the daemon. The server writes `<id>.question.json` in the turn's channel folder and waits for
 * `<id>.answer.json`; the loop watches the folder, settles the question and writes the answer.
 */
export interface ChannelReply {
  /** The tool's result text. */
  text: string;
  /** The turn is to stop and summarise (no answer within ask.wait). */
  stop: boolean;
}

/** How often both sides look again when a folder event is missed (network or odd file systems). */
export const CHANNEL_POLL_MS = 250;

export function newAskId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** ccx mcp's side: posts a question and waits for its reply. */
export async function postQuestion(dir: string, question: Question, signal?: AbortSignal): Promise<ChannelReply> {
  const id = newAskId();
  await ensureDir(dir);
  await writeFileAtomic(join(dir, `${id}.question.json`), JSON.stringify(question));
  const answerPath = join(dir, `${id}.answer.json`);
  return waitForFile(dir, answerPath, signal, (text) => {
    const value = JSON.parse(text) as Partial<ChannelReply>;
    return { text: String(value.text ?? ''), stop: value.stop === true };
  });
}

/** The loop's side: every question posted in `dir` goes to `handle` once; stop() ends the watch. */
export function serveQuestions(dir: string, handle: (question: Question, id: string) => Promise<ChannelReply>): { stop: () => void } {
  const seen = new Set<string>();
  let stopped = false;
  const scan = async () => {
    if (stopped) return;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = /^(.+)\.question\.json$/.exec(name);
      if (match === null || seen.has(match[1] ?? '')) continue;
      const id = match[1] ?? '';
      seen.add(id);
      void (async () => {
        let reply: ChannelReply;
        try {
          reply = await handle(normaliseQuestion(JSON.parse(await readFile(join(dir, name), 'utf8'))), id);
        } catch (error) {
          reply = { text: `ccx could not take the question: ${error instanceof Error ? error.message : String(error)}. Decide yourself and say so in your summary.`, stop: false };
        }
        if (!stopped) await writeFileAtomic(join(dir, `${id}.answer.json`), JSON.stringify(reply)).catch(() => undefined);
      })();
    }
  };
  let watcher: FSWatcher | undefined;
  void ensureDir(dir).then(() => {
    if (stopped) return;
    try {
      watcher = watch(dir, () => void scan());
      watcher.on('error', () => undefined);
    } catch {
      // polling alone
    }
    void scan();
  });
  const timer = setInterval(() => void scan(), CHANNEL_POLL_MS * 4);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
    },
  };
}

/** Removes a turn's channel folder. */
export async function removeChannel(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

async function waitForFile<T>(dir: string, path: string, signal: AbortSignal | undefined, parse: (text: string) => T): Promise<T> {
  for (;;) {
    if (signal?.aborted === true) throw new Error('cancelled');
    try {
      return parse(await readFile(path, 'utf8'));
    } catch {
      // not there yet (or mid-rename): look again
    }
    await new Promise<void>((resolve) => {
      let watcher: FSWatcher | undefined;
      const done = () => {
        clearTimeout(timer);
        watcher?.close();
        resolve();
      };
      const timer = setTimeout(done, CHANNEL_POLL_MS);
      try {
        watcher = watch(dir, done);
        watcher.on('error', done);
      } catch {
        // the timer alone
      }
    });
  }
}
