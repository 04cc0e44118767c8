import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { CLI_PATH } from '../../helpers/cli.js';

/** Debian's chromium: the tests never download a browser (.ci/run installs it with apt). */
export const CHROMIUM = process.env['CCX_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const NO_CHROMIUM_NOTE = `browser tests skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CCX_TEST_CHROMIUM)`;
if (!HAVE_CHROMIUM) process.stderr.write(`${NO_CHROMIUM_NOTE}\n`);

/** Screenshots land here (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));

export interface UiServer {
  /** http://127.0.0.1:<port>/?token=… as `ccx ui` printed it. */
  url: string;
  port: number;
  token: string;
  output(): string;
}

/** A free loopback port (closed again at once; the server takes it a moment later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real `ccx ui` on a free port, over the data root of `env`; stopped when the test finishes. */
export async function startUi(env: NodeJS.ProcessEnv, cwd: string): Promise<UiServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI_PATH, 'ui', '--port', String(port)], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(output);
    if (match !== null) return { url: match[0], port: Number(match[1]), token: match[2] ?? '', output: () => output };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`ccx ui did not print its URL:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A headless chromium page (closed with its browser when the test finishes); page errors fail loudly. */
export async function openPage(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  onTestFinished(() => browser.close());
  const page = await browser.newPage({ colorScheme: options.colorScheme ?? 'light', viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { browser, page, errors };
}

/** Saves a screenshot under test/artifacts/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Marks the page; `reloaded()` says whether it was loaded again since (live updates need no reload). */
export async function markPage(page: Page): Promise<{ reloaded(): Promise<boolean> }> {
  await page.evaluate('window.ccxTestMark = 1');
  return { reloaded: async () => (await page.evaluate('window.ccxTestMark')) !== 1 };
}
