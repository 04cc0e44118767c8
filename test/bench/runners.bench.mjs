// The runners' figures (SPEC 16): 32 two-second tasks (an implement and an approving review turn of
// 1 s each, scripted command agents) run by one daemon over 4 `ccx runner` processes through a
// nats-server on 127.0.0.1, at 16 wide (4 runners × 4 slots) and at 4 wide (4 × 1). Reports the
// efficiency against measured agent time and the daemon's own CPU time per task at each width
// (target: 16-wide within 1.5× of 4-wide). `--runner-tasks N` runs fewer tasks. Figures, not pass/fail.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median, round } from './stats.mjs';

const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const SCRIPTED = fileURLToPath(new URL('../../examples/agents/scripted-agent.mjs', import.meta.url));
const NATS_SERVER = process.env.CCX_NATS_SERVER ?? '/usr/sbin/nats-server';
const execFileAsync = promisify(execFile);
const GIT_ENV = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const RUNNERS = 4;
const TURN_MS = 1_000;
const TURNS_PER_TASK = 2;
const CLOCK_TICKS = 100;
const TARGETS = { cpu_per_task_16_over_4: 1.5 };

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

export async function run() {
  if (process.platform !== 'linux') return { skipped: 'reads /proc for CPU time: Linux only' };
  if (!existsSync(NATS_SERVER)) return { skipped: `no nats-server at ${NATS_SERVER} (set CCX_NATS_SERVER)` };
  const tasks = option('runner-tasks', 32);
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-bench-runners-')));
  try {
    const load = [loadavg()[0]];
    const four = await runWide(join(root, 'w4'), tasks, 1);
    load.push(loadavg()[0]);
    const sixteen = await runWide(join(root, 'w16'), tasks, 4);
    load.push(loadavg()[0]);
    return {
      tasks,
      wide_4: four,
      wide_16: sixteen,
      cpu_per_task_16_over_4: round(sixteen.daemon_cpu_ms_per_task / four.daemon_cpu_ms_per_task, 2),
      targets: TARGETS,
      cpus: availableParallelism(),
      load_average_1m: load.map((value) => round(value, 2)),
      measured_as: 'wall: spawn of `ccx daemon --once` to its exit; agent time: turn.finished duration_ms from the audit log; efficiency = waves × median agent time per task / wall; daemon CPU: utime+stime of the daemon process itself (sampled from /proc every 100 ms; git and agents it or the runners start are not in it)',
    };
  } finally {
    await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

async function runWide(dir, tasks, slots) {
  const width = RUNNERS * slots;
  const nats = await startNats(join(dir, 'nats'));
  const children = [];
  try {
    const repo = join(dir, 'repo');
    await mkdir(repo, { recursive: true });
    const git = (args, cwd = repo) => execFileAsync('git', args, { cwd, env: { ...process.env, ...GIT_ENV } });
    await git(['init', '--quiet', '--initial-branch=main']);
    await writeFile(join(repo, 'README.md'), '# bench\n');
    await git(['add', '-A']);
    await git(['commit', '--quiet', '-m', 'init']);
    const remote = join(dir, 'remote.git');
    await git(['clone', '--quiet', '--bare', repo, remote], dir);
    const env = { ...process.env, CCX_DATA_HOME: join(dir, 'data'), CCX_MAX_WORKERS: String(width), CCX_LOG_LEVEL: 'warn', CCX_RUNNER_ACK_WAIT_MS: '30000', CCX_RUNNER_HEARTBEAT_MS: '1000', ...GIT_ENV };
    const { stdout } = await execFileAsync(process.execPath, [CLI, 'init'], { cwd: repo, env });
    const stateDir = stdout.trim();
    const argv = JSON.stringify([process.execPath, SCRIPTED, 'approve']);
    await writeFile(join(stateDir, 'config.yaml'), `repo: ${JSON.stringify(repo)}\nintegration: main\nparallel: ${width}\nmax_attempts: 1\nagents:\n  implementer: {type: command, argv: ${argv}}\n  reviewer: {type: command, argv: ${argv}}\nrunners:\n  nats: {servers: [${JSON.stringify(nats.url)}]}\n  remote: ${JSON.stringify(remote)}\n  local_slots: 0\n`);
    const ids = Array.from({ length: tasks }, (_, index) => index + 1);
    await writeFile(join(stateDir, 'BOARD.md'), `# Board\n\n## Tasks\n\n\`\`\`yaml\n${ids.map((n) => `- id: T-${n}\n  title: "part ${n}"\n  status: pending\n  scope:\n    include: ["part${n}/**"]\n  brief: tasks/T-${n}.md\n`).join('')}\`\`\`\n`);
    await mkdir(join(stateDir, 'tasks'), { recursive: true });
    for (const n of ids) await writeFile(join(stateDir, 'tasks', `T-${n}.md`), `---\nid: T-${n}\ntitle: "part ${n}"\n---\n\n## Goal\n\nscripted-delay-ms: ${TURN_MS}\n\n\`\`\`write part${n}/f.txt\n${n}\n\`\`\`\n\n## Acceptance\n\n-\n\n## Context\n\n-\n\n## Out of scope\n\n-\n\n## Test plan\n\n-\n\n## Decisions\n\n-\n`);
    for (let r = 1; r <= RUNNERS; r += 1) {
      const cache = join(dir, `runner${r}`);
      children.push(spawn(process.execPath, [CLI, 'runner', '--nats', nats.url, '--name', `bench${r}`, '--slots', String(slots), '--cache', cache], { env, stdio: 'ignore' }));
    }
    const started = Date.now();
    const daemon = spawn(process.execPath, [CLI, 'daemon', '--once'], { cwd: repo, env, stdio: 'ignore' });
    children.push(daemon);
    let ticks = 0;
    const sampler = setInterval(() => void cpuTicks(daemon.pid).then((value) => (ticks = Math.max(ticks, value)), () => undefined), 100);
    const code = await new Promise((resolve) => daemon.on('exit', resolve));
    clearInterval(sampler);
    const wallMs = Date.now() - started;
    const events = (await readFile(join(stateDir, 'audit.jsonl'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const merged = events.filter((event) => event.event === 'merge.done').length;
    const agentMs = ids.map((n) => events.filter((event) => event.task === `T-${n}` && event.event === 'turn.finished').reduce((sum, event) => sum + Number(event.duration_ms ?? 0), 0));
    const waves = Math.ceil(tasks / width);
    return {
      width,
      exit_code: code,
      merged,
      wall_ms: wallMs,
      ideal_ms: waves * TURNS_PER_TASK * TURN_MS,
      efficiency_vs_measured_agent_time: round((waves * median(agentMs)) / wallMs, 3),
      median_agent_ms_per_task: median(agentMs),
      daemon_cpu_ms_per_task: round((ticks * (1000 / CLOCK_TICKS)) / tasks, 1),
      runners_claimed: new Set(events.filter((event) => event.event === 'runner.claimed').map((event) => event.runner)).size,
    };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    nats.stop();
  }
}

async function cpuTicks(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function startNats(dir) {
  await mkdir(dir, { recursive: true });
  const port = await new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { url: `nats://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}
