// Soak (issue 11): 2,000 instant tasks through one real daemon (`node dist/cli/bin.js daemon`) with
// scripted command agents that implement and approve at once. Rows reach the board in batches of
// 200 (written under the ccx lock, as `ccx add` would, so the board grows to 2,000 rows) whenever
// fewer than 50 wait. Figures: the daemon's RSS after the first 200 merged and after the last
// (target: the second ≤ 1.2× the first), its open file descriptors before the first task and after
// the last (target: equal), the sizes of STATUS.md, BOARD.md, audit.jsonl and the run journals,
// and whether every task merged exactly once. `npm run bench -- soak --tasks N` runs a smaller one
// (the machine may be small: 2,000 tasks take a while).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, SCRIPTED_AGENT, daemonEnv, git, processesWithEnv, killAll, sleep, startDaemon, within } from '../chaos/world.mjs';
import { median, round } from './stats.mjs';

const { withCcxLock } = await import(new URL('../../dist/fs/ccx-lock.js', import.meta.url).href);
const { parseBoard } = await import(new URL('../../dist/board/parse/parser.js', import.meta.url).href);
const execFileAsync = promisify(execFile);

const DEFAULT_TASKS = 2_000;
const FIRST_MARK = 200;
const BATCH = 200;
const LOW_WATER = 50;
const PARALLEL = 3;
const POLL_MS = 250;
const SETTLE_MS = 3_000;
const TARGETS = { rss_ratio_max: 1.2, fds: 'equal before and after' };

export async function run() {
  if (process.platform !== 'linux') return { skipped: 'reads /proc for RSS and open descriptors: Linux only' };
  const tasks = taskCount();
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-bench-soak-')));
  let daemon = null;
  try {
    const world = { dir: root, repo: join(root, 'repo'), dataHome: join(root, 'data'), tmp: join(root, 'tmp') };
    await makeRepo(world);
    const paths = await initRepo(world);
    for (let n = 1; n <= tasks; n += 1) await writeFile(join(paths.stateDir, 'tasks', `T-${n}.md`), brief(n));
    await writeFile(paths.board, boardText([]));
    daemon = startDaemon(world, []);
    const pid = daemon.child.pid;
    const audit = new AuditPoll(paths.audit);
    await waitUntil('daemon.started', async () => (await audit.read()).some((event) => event.event === 'daemon.started'), 60_000, daemon);
    // Nothing is on the board yet: the daemon idles, and this is its footprint before any task.
    await sleep(SETTLE_MS);
    const before = { rss_mb: await rssMb(pid), fds: await openFds(pid) };
    const started = Date.now();
    let added = 0;
    let first = null;
    const finished = new Map();
    for (;;) {
      for (const event of await audit.read()) {
        if (event.event === 'task.finished') finished.set(event.task, [...(finished.get(event.task) ?? []), event.status]);
      }
      const merged = [...finished.values()].filter((statuses) => statuses.includes('merged')).length;
      if (first === null && merged >= Math.min(FIRST_MARK, tasks)) {
        first = { merged, rss_mb: await rssMb(pid), fds: await openFds(pid), status_md_bytes: await size(paths.status), board_bytes: await size(paths.board), at_s: round((Date.now() - started) / 1000) };
      }
      if (finished.size >= tasks) break;
      if (added < tasks && added - finished.size < LOW_WATER) {
        const next = Math.min(tasks, added + BATCH);
        await appendRows(paths, added + 1, next);
        added = next;
      }
      if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) throw new Error(`bench soak: the daemon exited\n${daemon.output()}`);
      if (Date.now() - started > tasks * 30_000) throw new Error(`bench soak: ${finished.size} of ${tasks} finished after ${Math.round((Date.now() - started) / 1000)} s\n${daemon.output()}`);
      await sleep(POLL_MS);
    }
    const wallS = (Date.now() - started) / 1000;
    await sleep(SETTLE_MS);
    const after = { rss_mb: await rssMb(pid), peak_rss_mb: await peakRssMb(pid), fds: await openFds(pid) };
    daemon.child.kill('SIGTERM');
    await within(daemon.exit, 30_000, null);
    const left = await processesWithEnv('CCX_DATA_HOME', world.dataHome);
    killAll([daemon.child.pid, ...left]);

    const trailers = (await git(world.repo, ['log', '--format=%(trailers:key=Ccx-Task,valueonly)', 'main'])).split('\n').map((line) => line.trim()).filter((line) => line !== '');
    const landed = new Map();
    for (const id of trailers) landed.set(id, (landed.get(id) ?? 0) + 1);
    const board = parseBoard(await readFile(paths.board));
    const notMerged = board.rows.filter((row) => row.status !== 'merged').map((row) => `${row.id} ${row.status}`);
    const journals = [];
    for (const id of await readdir(join(paths.stateDir, 'runs'))) journals.push(await size(join(paths.stateDir, 'runs', id, 'journal.jsonl')));
    return {
      tasks,
      parallel: PARALLEL,
      wall_s: round(wallS),
      tasks_per_minute: round((tasks / wallS) * 60),
      rss_mb: { idle_before: round(before.rss_mb), after_first: round(first?.rss_mb ?? 0), after_all: round(after.rss_mb), peak: round(after.peak_rss_mb), ratio_all_to_first: round(after.rss_mb / (first?.rss_mb ?? after.rss_mb), 3), first_mark: first?.merged ?? null },
      open_fds: { before: before.fds, after_first: first?.fds ?? null, after: after.fds },
      status_md_bytes: { after_first: first?.status_md_bytes ?? null, after_all: await size(paths.status) },
      board_bytes: { after_first: first?.board_bytes ?? null, after_all: await size(paths.board) },
      audit_bytes: await size(paths.audit),
      journal_bytes: { per_task_median: median(journals), per_task_max: Math.max(...journals), total: journals.reduce((sum, bytes) => sum + bytes, 0) },
      merged_once: [...Array(tasks).keys()].every((index) => landed.get(`T-${index + 1}`) === 1) && notMerged.length === 0,
      merged_twice: [...landed].filter(([, count]) => count > 1).map(([id]) => id).slice(0, 10),
      not_merged: notMerged.slice(0, 10),
      task_finished_not_once: [...finished].filter(([, statuses]) => statuses.length !== 1).map(([id, statuses]) => `${id}: ${statuses.join(', ')}`).slice(0, 10),
      processes_left: left.length,
      targets: TARGETS,
      measured_as: `one \`ccx daemon\` at parallel ${PARALLEL}; rows added ${BATCH} at a time under the ccx lock whenever fewer than ${LOW_WATER} wait; RSS is VmRSS of the daemon process (agents are separate processes), read when the ${FIRST_MARK}th task.finished (merged) is in audit.jsonl and ${SETTLE_MS / 1000} s after the last; fds are the entries of /proc/<pid>/fd ${SETTLE_MS / 1000} s after start and after the last task`,
    };
  } finally {
    if (daemon !== null && daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** `--tasks N` anywhere on the command line (npm run bench -- soak --tasks 300), else CCX_SOAK_TASKS, else 2,000. */
function taskCount() {
  const args = process.argv;
  const at = args.indexOf('--tasks');
  const value = at >= 0 ? args[at + 1] : process.env.CCX_SOAK_TASKS;
  const tasks = value === undefined ? DEFAULT_TASKS : Number(value);
  if (!Number.isSafeInteger(tasks) || tasks < 1) throw new Error(`bench soak: --tasks ${value}? expected a positive whole number`);
  return tasks;
}

async function makeRepo(world) {
  await mkdir(world.repo, { recursive: true });
  await mkdir(world.tmp, { recursive: true });
  await git(world.repo, ['init', '--quiet', '--initial-branch=main']);
  await git(world.repo, ['config', 'user.name', 'Bench']);
  await git(world.repo, ['config', 'user.email', 'bench@example.com']);
  await git(world.repo, ['config', 'commit.gpgsign', 'false']);
  await writeFile(join(world.repo, 'README.md'), '# soak\n');
  await git(world.repo, ['add', '--all']);
  await git(world.repo, ['commit', '--quiet', '-m', 'initial']);
}

async function initRepo(world) {
  const { stdout } = await execFileAsync(process.execPath, [CLI, 'init'], { cwd: world.repo, env: daemonEnv(world) });
  const stateDir = stdout.trim();
  const argv = [process.execPath, SCRIPTED_AGENT, 'approve'];
  await writeFile(join(stateDir, 'config.yaml'), [
    `repo: ${JSON.stringify(world.repo)}`,
    'integration: main',
    `parallel: ${PARALLEL}`,
    'max_attempts: 1',
    'agents:',
    `  implementer: {type: command, argv: ${JSON.stringify(argv)}}`,
    `  reviewer: {type: command, argv: ${JSON.stringify(argv)}}`,
    '',
  ].join('\n'));
  return { stateDir, board: join(stateDir, 'BOARD.md'), lock: join(stateDir, '.board.lock'), status: join(stateDir, 'STATUS.md'), audit: join(stateDir, 'audit.jsonl') };
}

function row(n) {
  return `- id: T-${n}\n  title: "soak ${n}"\n  status: pending\n  scope:\n    include: ["out/${n % 50}/T-${n}.txt"]\n  brief: tasks/T-${n}.md\n`;
}

function boardText(rows) {
  return `# Board\n\n## Direction\n\nSoak.\n\n## Tasks\n\n\`\`\`yaml\n${rows.length === 0 ? '[]\n' : rows.join('')}\`\`\`\n`;
}

/** Rows `from`..`to` appended to the Tasks block under the ccx lock (read, edit, rename), as a ccx command writes. */
async function appendRows(paths, from, to) {
  const rows = [];
  for (let n = from; n <= to; n += 1) rows.push(row(n));
  await withCcxLock(paths.lock, async () => {
    const text = await readFile(paths.board, 'utf8');
    const next = text.includes('```yaml\n[]\n') ? text.replace('```yaml\n[]\n', `\`\`\`yaml\n${rows.join('')}`) : text.replace(/\n```\n(?![\s\S]*\n```\n)/, `\n${rows.join('')}\`\`\`\n`);
    if (next === text) throw new Error(`bench soak: found no Tasks block to append to:\n${text.slice(0, 400)}`);
    const temp = `${paths.board}.soak-${process.pid}.tmp`;
    await writeFile(temp, next);
    await rename(temp, paths.board);
  });
}

function brief(n) {
  return `---\nid: T-${n}\ntitle: "soak ${n}"\n---\n\n# T-${n}\n\n## Goal\n\nWrite the file.\n\n\`\`\`write out/${n % 50}/T-${n}.txt\nsoak ${n}\n\`\`\`\n\n## Acceptance\n\n- done\n\n## Context\n\n-\n\n## Out of scope\n\n-\n\n## Test plan\n\n-\n\n## Decisions\n\n-\n`;
}

/** audit.jsonl read from where the last read stopped (a bench may poll; the daemon never does). */
class AuditPoll {
  constructor(path) {
    this.path = path;
    this.offset = 0;
    this.partial = '';
  }

  /** The records appended since the last call. */
  async read() {
    const handle = await open(this.path, 'r').catch(() => null);
    const fresh = [];
    if (handle !== null) {
      try {
        for (;;) {
          const buffer = Buffer.alloc(256 * 1024);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
          if (bytesRead === 0) break;
          this.offset += bytesRead;
          const lines = (this.partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
          this.partial = lines.pop() ?? '';
          for (const line of lines) {
            try {
              fresh.push(JSON.parse(line));
            } catch {
              // Not a record.
            }
          }
        }
      } finally {
        await handle.close();
      }
    }
    return fresh;
  }
}

async function waitUntil(what, check, timeoutMs, daemon) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench soak: timed out waiting for ${what}\n${daemon.output()}`);
    await sleep(100);
  }
}

async function procStatus(pid, key) {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return match === null ? 0 : Number(match[1]) / 1024;
}

const rssMb = (pid) => procStatus(pid, 'VmRSS');
const peakRssMb = (pid) => procStatus(pid, 'VmHWM');

async function openFds(pid) {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

async function size(path) {
  return (await stat(path).catch(() => ({ size: 0 }))).size;
}
