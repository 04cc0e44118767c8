// The dashboard's figures, measured on the real built server (`node dist/cli/bin.js ui --port 0`)
// under an isolated CCX_DATA_HOME: (1) an audit line appended → received by a connected SSE client,
// over 200 appends (target p95 ≤ 250 ms; what a browser shows adds its own rendering, measured by
// the page's bench); (2) replay of 10,000 events to a new client, request to the `replayed` event
// (target ≤ 1 s); (3) the server's idle CPU (s/h) and RSS with one client connected (targets ≈ 0 s/h,
// ≤ 60 MB). Figures, not pass/fail.
import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { seeded } from '../helpers/person.mjs';
import { median, round } from './stats.mjs';

const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const execFileAsync = promisify(execFile);
const APPENDS = 200;
const GAP_MAX_MS = 100;
const REPLAY_EVENTS = 10_000;
const REPLAY_RUNS = 5;
/** The idle window; CCX_BENCH_UI_IDLE_MS shortens it for a quick look. */
// After the appends, V8 tidies up for a few seconds (the memory reducer, concurrent compiles): not idle yet.
const IDLE_SETTLE_MS = 10_000;
const IDLE_MEASURE_MS = Number(process.env.CCX_BENCH_UI_IDLE_MS ?? 60_000);
const TARGETS = { p95_ms: 250, replay_10k_ms: 1000, idle_cpu_s_per_hour: 0, rss_mb: 60 };
const GIT_ENV = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };

export async function run() {
  if (process.platform !== 'linux') return { skipped: 'reads /proc for CPU time and RSS: Linux only' };
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-bench-ui-')));
  const env = { ...process.env, ...GIT_ENV, CCX_DATA_HOME: join(root, 'data'), XDG_DATA_HOME: '', CCX_LOG_LEVEL: 'warn' };
  let server;
  const loadStart = loadavg()[0];
  try {
    const repo = join(root, 'repo');
    await execFileAsync('git', ['init', '--quiet', '--initial-branch=main', repo], { env });
    await writeFile(join(repo, 'README.md'), '# bench\n');
    await execFileAsync('git', ['-C', repo, 'add', '-A'], { env });
    await execFileAsync('git', ['-C', repo, 'commit', '--quiet', '-m', 'initial'], { env });
    const stateDir = (await execFileAsync(process.execPath, [CLI, 'init'], { cwd: repo, env })).stdout.trim();
    const audit = join(stateDir, 'audit.jsonl');
    const key = stateDir.split('/').at(-1);
    server = await startServer(env);
    const client = await connect(server, `/api/events?repo=${key}`);
    await client.next((event) => event.event === 'replayed');

    // (1) append → received
    const random = seeded(11);
    const latencies = [];
    for (let n = 0; n < APPENDS; n += 1) {
      await new Promise((resolve) => setTimeout(resolve, random() * GAP_MAX_MS));
      const received = client.next((event) => event.event === 'message' && JSON.parse(event.data).record.n === n);
      const started = performance.now();
      await appendFile(audit, line(n));
      await received;
      latencies.push(performance.now() - started);
    }
    const sorted = [...latencies].sort((a, b) => a - b);

    // (2) idle, one client connected (the first one)
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    const before = await onCpuNs(server.child.pid);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MEASURE_MS));
    const after = await onCpuNs(server.child.pid);
    const rss = await rssMb(server.child.pid);
    // (3) replay of 10,000 events to a new client
    await appendFile(audit, Array.from({ length: REPLAY_EVENTS }, (_, i) => line(APPENDS + i)).join(''));
    const replays = [];
    let replayedCount = 0;
    for (let i = 0; i < REPLAY_RUNS; i += 1) {
      const started = performance.now();
      const fresh = await connect(server, `/api/events?repo=${key}&history=${REPLAY_EVENTS}`);
      const done = await fresh.next((event) => event.event === 'replayed');
      replays.push(performance.now() - started);
      replayedCount = JSON.parse(done.data).count;
      fresh.close();
    }

    const peak = await rssMb(server.child.pid);
    client.close();
    const exitCode = await server.stop();
    return {
      targets: TARGETS,
      // Every figure here is CPU-bound: on a busy machine they scale with the load.
      load_average_1m: { at_start: round(loadStart, 1), at_end: round(loadavg()[0], 1) },
      append_to_client: { appends: APPENDS, p50_ms: round(median(latencies)), p95_ms: round(sorted[Math.ceil(sorted.length * 0.95) - 1]), max_ms: round(sorted.at(-1)) },
      replay: { events: replayedCount, median_ms: round(median(replays)), max_ms: round(Math.max(...replays)), runs: REPLAY_RUNS, rss_mb_after: round(peak.rss), peak_rss_mb: round(peak.peak) },
      idle: {
        cpu_s_per_hour: round((Number(after - before) / 1e9) * (3_600_000 / IDLE_MEASURE_MS), 2),
        rss_mb: round(rss.rss),
        measured_as: `on-CPU time of the server's threads (/proc/<pid>/task/<tid>/schedstat) over ${IDLE_MEASURE_MS / 1000} s with one SSE client connected (from ${IDLE_SETTLE_MS / 1000} s after the 200 appends, before the replays), scaled to an hour; rss: VmRSS at the end of it`,
      },
      exit_code_on_sigterm: exitCode,
    };
  } finally {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  }
}

function line(n) {
  return `${JSON.stringify({ time: new Date().toISOString(), event: 'turn.started', repo: '/bench', task: 'T-1', role: 'implementer', agent: 'command', phase: 'implement', n })}\n`;
}

async function startServer(env) {
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /Open (http:\/\/\S+)/.exec(stdout);
      if (match !== null) resolve(new URL(match[1]));
    });
    child.once('exit', () => reject(new Error(`ccx ui exited: ${stdout}`)));
  });
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code) => resolve((exited = code))));
  return {
    child,
    port: Number(url.port),
    token: url.searchParams.get('token'),
    async stop() {
      if (exited === null && child.exitCode === null) child.kill('SIGTERM');
      return exit;
    },
  };
}

/** An SSE client; `next(predicate)` resolves with the first event (from now on, or already buffered and unclaimed) that matches. */
function connect(server, path) {
  return new Promise((resolve, reject) => {
    const events = [];
    let waiters = [];
    let buffer = '';
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.token}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        // One pass over the complete blocks, one slice at the end: a replay arrives as a few large chunks.
        let from = 0;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n', from)) {
          const block = buffer.slice(from, end);
          from = end + 2;
          if (block.startsWith(':') || block.startsWith('retry:') && !block.includes('\ndata:')) continue;
          const event = { event: 'message', data: '' };
          for (const field of block.split('\n')) {
            if (field.startsWith('event: ')) event.event = field.slice(7);
            else if (field.startsWith('data: ')) event.data += field.slice(6);
          }
          const waiter = waiters.find((candidate) => candidate.predicate(event));
          if (waiter === undefined) events.push(event);
          else {
            waiters = waiters.filter((candidate) => candidate !== waiter);
            waiter.resolve(event);
          }
        }
        buffer = buffer.slice(from);
      });
      resolve({
        next(predicate) {
          const found = events.findIndex(predicate);
          if (found !== -1) return Promise.resolve(events.splice(found, 1)[0]);
          return new Promise((resolveEvent) => waiters.push({ predicate, resolve: resolveEvent }));
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function onCpuNs(pid) {
  let total = 0n;
  for (const thread of await readdir(`/proc/${pid}/task`)) {
    const schedstat = await readFile(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').catch(() => '0');
    total += BigInt(schedstat.split(' ')[0] ?? '0');
  }
  return total;
}

async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
