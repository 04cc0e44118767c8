import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { plainText } from '../format.js';
import type { Message, SendResult } from '../types.js';

/**
 * Runs `argv` with the message's JSON on stdin; `{title}`, `{text}`, `{event}`, `{task}` and
 * `{repo}` in the arguments are replaced (no shell is involved). Exit 0 is delivered. The
 * program runs in a process group of its own, stopped whole when the send times out.
 */
export function sendCommand(argv: readonly string[], message: Message, signal: AbortSignal): Promise<SendResult> {
  const [program, ...args] = argv.map((part) => fill(part, message));
  if (program === undefined) return Promise.resolve({ ok: false, reason: 'no program to run', retry: false });
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: SendResult) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', stop);
      resolve(result);
    };
    const child = spawn(program, args, { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    const stop = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      done({ ok: false, reason: 'timed out', retry: true });
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      done({ ok: false, reason: error.code === 'ENOENT' ? `${basename(program)} was not found` : `${basename(program)} could not start (${error.code ?? 'error'})`, retry: error.code !== 'ENOENT' });
    });
    child.on('exit', (code, exitSignal) => {
      if (code === 0) done({ ok: true });
      else done({ ok: false, reason: code === null ? `${basename(program)} was stopped by ${exitSignal ?? 'a signal'}` : `${basename(program)} exited with ${code}`, retry: true });
    });
    // A program that does not read its stdin closes it: that is no failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${JSON.stringify(message)}\n`);
  });
}

function fill(part: string, message: Message): string {
  const task = message.event === 'digest' ? '' : (message.task ?? '');
  const repo = message.event === 'digest' ? '' : message.repo;
  return part.replace(/\{(title|text|event|task|repo)\}/g, (_, name: string) => {
    if (name === 'title') return message.title;
    if (name === 'text') return plainText(message);
    if (name === 'event') return message.event;
    return name === 'task' ? task : repo;
  });
}
