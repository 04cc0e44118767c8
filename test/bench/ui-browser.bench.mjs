// The dashboard as a person sees it: an audit line appended to audit.jsonl → the line visible in the
// live feed of a page open in headless chromium (server's follow + SSE + the page's render). The
// arrival is stamped in the page by a MutationObserver, so the bench's own polling adds nothing.
// Needs Debian's chromium at /usr/bin/chromium (or CCX_TEST_CHROMIUM); without it, a note instead.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { round } from './stats.mjs';

const CHROMIUM = process.env.CCX_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const LINES = 100;
const GAP_MS = 40;
const TARGET_P95_MS = 250;
const run_ = promisify(execFile);

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

export async function run() {
  if (!existsSync(CHROMIUM)) return { skipped: `no chromium at ${CHROMIUM}: apt-get install chromium (or set CCX_TEST_CHROMIUM)` };
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-bench-ui-browser-')));
  const env = { ...process.env, CCX_DATA_HOME: join(root, 'data'), XDG_DATA_HOME: '', CCX_LOG_LEVEL: 'warn', GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  let server = null;
  let browser = null;
  try {
    const repo = join(root, 'repo');
    await run_('git', ['init', '-q', '--initial-branch=main', repo], { env });
    await run_('git', ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'init'], { env });
    const stateDir = (await run_(process.execPath, [CLI, 'init'], { cwd: repo, env })).stdout.trim();
    const audit = join(stateDir, 'audit.jsonl');

    server = spawn(process.execPath, [CLI, 'ui', '--port', '0'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise((resolve, reject) => {
      let output = '';
      server.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(output);
        if (match) resolve(match[0]);
      });
      server.on('exit', () => reject(new Error(`ccx ui exited:\n${output}`)));
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('#live[data-state="open"]');
    await page.evaluate(`(() => {
      window.ccxSeen = {};
      new MutationObserver((changes) => {
        const now = performance.timeOrigin + performance.now();
        for (const change of changes) for (const node of change.addedNodes) {
          const match = /file=bench-(\\d+)\\.md/.exec(node.textContent || '');
          if (match && window.ccxSeen[match[1]] === undefined) window.ccxSeen[match[1]] = now;
        }
      }).observe(document.getElementById('feed'), { childList: true });
    })()`);
    const latencies = [];
    for (let n = 0; n < LINES; n++) {
      const appended = performance.timeOrigin + performance.now();
      await appendFile(audit, `${JSON.stringify({ time: new Date().toISOString(), event: 'inbox.accepted', repo, file: `bench-${n}.md` })}\n`, { mode: 0o600 });
      // A function, not a string: the page's CSP (no unsafe-eval) refuses a string predicate.
      await page.waitForFunction((k) => globalThis.ccxSeen[k] !== undefined, n, { polling: 5, timeout: 10_000 });
      latencies.push((await page.evaluate(`window.ccxSeen[${n}]`)) - appended);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    return {
      lines: LINES,
      append_to_visible_p50_ms: round(percentile(latencies, 50)),
      append_to_visible_p95_ms: round(percentile(latencies, 95)),
      append_to_visible_max_ms: round(Math.max(...latencies)),
      target_p95_ms: TARGET_P95_MS,
    };
  } finally {
    await browser?.close();
    if (server !== null && server.exitCode === null) {
      const exited = new Promise((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  }
}
