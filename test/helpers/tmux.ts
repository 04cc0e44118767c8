import { execFile, execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { makeTempDir, removeDir } from './testdir.js';

/** Whether tmux is installed (tests that need a real terminal skip with a message when it is not). */
export const TMUX_MISSING: string | false = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'tmux is not installed: the terminal (pseudo-terminal) tests are skipped; install tmux to run them';
  }
})();

export interface TerminalRun {
  /** The pane's text, scrollback included (only what shows now with `visible`), wrapped lines joined; `escapes` keeps colour codes. */
  screen(options?: { escapes?: boolean; visible?: boolean }): Promise<string>;
  /** Sends tmux key names (`C-c`, `Enter`) or text. */
  keys(...keys: string[]): Promise<void>;
  /** Polls the screen until `pattern` shows (tests only), returning the screen; throws with the screen after `timeoutMs`. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the command's exit status once the pane shows `[exit N]`. */
  exitCode(timeoutMs?: number): Promise<number>;
}

const SESSION = 'ccx-test';
const SHELL_SAFE = /^[\w@%+=:,./-]+$/;
const quote = (word: string) => (SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * Runs `argv` in a detached tmux session on a server of its own (`-L` socket under a fresh temp
 * folder, no config), so the command sees a real terminal. bash runs it with a no-op INT trap (the
 * command gets Ctrl-C, the shell survives to print `[exit $?]`). The server is always killed, and
 * the folder removed, when the test finishes.
 */
export async function runInTerminal(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; width?: number; height?: number }): Promise<TerminalRun> {
  const dir = await makeTempDir('ccx-tmux-');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, TMUX_TMPDIR: dir };
  delete env['TMUX'];
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const tmux = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile('tmux', ['-L', 'ccx', '-f', '/dev/null', ...args], { env, cwd: options.cwd }, (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(`tmux ${args[0]}: ${stderr || error.message}`))));
    });
  onTestFinished(async () => {
    await tmux('kill-server').catch(() => undefined);
    await removeDir(dir);
  });
  const script = join(dir, 'run.sh');
  await writeFile(script, `trap : INT\n${argv.map(quote).join(' ')}\necho "[exit $?]"\nexec sleep 3600\n`);
  await tmux('new-session', '-d', '-s', SESSION, '-x', String(options.width ?? 200), '-y', String(options.height ?? 50), '-c', options.cwd, 'bash', script);
  const screen = (opts: { escapes?: boolean; visible?: boolean } = {}) => tmux('capture-pane', '-p', '-J', ...(opts.visible === true ? [] : ['-S', '-']), ...(opts.escapes === true ? ['-e'] : []), '-t', SESSION);
  const waitFor = async (pattern: string | RegExp, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await screen();
      if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)} on the terminal:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    screen,
    keys: async (...keys) => void (await tmux('send-keys', '-t', SESSION, ...keys)),
    waitFor,
    exitCode: async (timeoutMs) => Number(/\[exit (\d+)\]/.exec(await waitFor(/\[exit \d+\]/, timeoutMs))?.[1]),
  };
}
