// One chaos world: a throwaway repository initialised for ccx with scripted command agents
// (examples/agents), a board of six tasks, the real built daemon (dist/cli/bin.js) and the person
// process (test/helpers/person.mjs). Plain .mjs so `npm run chaos` runs without a TypeScript step.
import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
export const SCRIPTED_AGENT = fileURLToPath(new URL('../../examples/agents/scripted-agent.mjs', import.meta.url));
export const PERSON = fileURLToPath(new URL('../helpers/person.mjs', import.meta.url));
const execFileAsync = promisify(execFile);

const GIT_ENV = { GIT_AUTHOR_NAME: 'Chaos', GIT_AUTHOR_EMAIL: 'chaos@example.com', GIT_COMMITTER_NAME: 'Chaos', GIT_COMMITTER_EMAIL: 'chaos@example.com', GIT_CONFIG_NOSYSTEM: '1' };

/**
 * The tasks of every world, and how each ends when nobody interferes (`natural`): disjoint scopes
 * (T-1, T-2), two that overlap (T-3, T-4 share shared/**, so they run one after the other), one
 * with a fix turn (T-2: the first review finds a defect, the fix turn removes it), one a reviewer
 * never approves (T-6: blocked after its attempts, something a person may retry) and a draft (T-5).
 */
export function worldTasks(random) {
  const delay = () => 100 + Math.floor(random() * 500);
  const finding = (pattern) => JSON.stringify({ pattern, severity: 'high', title: 'defect', body: 'The file still says defect.', confidence: 0.9 });
  return [
    { id: 'T-1', status: 'pending', scope: ['a/**'], natural: 'merged', body: `scripted-delay-ms: ${delay()}\n\n\`\`\`write a/T-1.txt\nT-1 was here\n\`\`\`` },
    {
      id: 'T-2', status: 'pending', scope: ['b/**'], natural: 'merged',
      body: `scripted-delay-ms: ${delay()}\n\n\`\`\`write b/T-2.txt\ndefect\n\`\`\`\n\n\`\`\`write@2 b/T-2.txt\nfixed\n\`\`\`\n\n\`\`\`check b/T-2.txt\n${finding('defect')}\n\`\`\``,
    },
    { id: 'T-3', status: 'pending', scope: ['shared/**'], natural: 'merged', body: `scripted-delay-ms: ${delay()}\n\n\`\`\`write shared/T-3.txt\nT-3 was here\n\`\`\`` },
    { id: 'T-4', status: 'pending', scope: ['shared/**'], natural: 'merged', body: `scripted-delay-ms: ${delay()}\n\n\`\`\`write shared/T-4.txt\nT-4 was here\n\`\`\`` },
    { id: 'T-5', status: 'draft', scope: ['c/**'], natural: 'merged', body: `scripted-delay-ms: ${delay()}\n\n\`\`\`write c/T-5.txt\nT-5 was here\n\`\`\`` },
    {
      id: 'T-6', status: 'pending', scope: ['d/**'], natural: 'blocked', extra: '  loops: 1',
      body: `scripted-delay-ms: ${delay()}\n\n\`\`\`write d/T-6.txt\ndefect forever\n\`\`\`\n\n\`\`\`check d/T-6.txt\n${finding('defect')}\n\`\`\``,
    },
  ];
}

export function boardText(tasks) {
  const rows = tasks.map((task) => [
    `- id: ${task.id}`,
    `  title: "chaos ${task.id}"`,
    `  status: ${task.status}`,
    '  scope:',
    `    include: ${JSON.stringify(task.scope)}`,
    `  brief: tasks/${task.id}.md`,
    ...(task.extra === undefined ? [] : [task.extra]),
  ].join('\n'));
  return `# Board\n\n## Direction\n\nKeep it small. Ünïcödé prose stays byte for byte.\n\n## Tasks\n\n<!-- the person's comment above the block -->\n\n\`\`\`yaml\n# rows below\n${rows.join('\n\n')}\n\`\`\`\n\nTrailing prose after the block.\n`;
}

function briefText(task) {
  return `---\nid: ${task.id}\ntitle: "chaos ${task.id}"\n---\n\n# ${task.id}\n\n## Goal\n\nWrite the file.\n\n${task.body}\n\n## Acceptance\n\n- done\n\n## Context\n\n-\n\n## Out of scope\n\n-\n\n## Test plan\n\n-\n\n## Decisions\n\n-\n`;
}

export function daemonEnv(world, extra = {}) {
  return {
    ...process.env, ...GIT_ENV,
    CCX_DATA_HOME: world.dataHome, XDG_DATA_HOME: '', TMPDIR: world.tmp, EDITOR: '', VISUAL: '',
    CCX_LOG_LEVEL: 'warn', CCX_SHUTDOWN_GRACE_MS: '2000', CCX_CRASH_AT: '', CCX_CRASH_TRACE: '',
    ...extra,
  };
}

export async function git(cwd, args) {
  const { stdout } = await execFileAsync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** A repository, `ccx init`, config.yaml with scripted agents, the board and the briefs; BOARD.md a link when `symlinked`. */
export async function makeWorld(dir, { random, symlinked }) {
  const world = { dir, repo: join(dir, 'repo'), dataHome: join(dir, 'data'), tmp: join(dir, 'tmp'), symlinked };
  await mkdir(world.repo, { recursive: true });
  await mkdir(world.tmp, { recursive: true });
  await git(world.repo, ['init', '--quiet', '--initial-branch=main']);
  await git(world.repo, ['config', 'user.name', 'Chaos']);
  await git(world.repo, ['config', 'user.email', 'chaos@example.com']);
  await git(world.repo, ['config', 'commit.gpgsign', 'false']);
  for (const folder of ['a', 'b', 'c', 'd', 'shared']) {
    await mkdir(join(world.repo, folder), { recursive: true });
    await writeFile(join(world.repo, folder, 'README.md'), `${folder}\n`);
  }
  await writeFile(join(world.repo, 'README.md'), '# chaos\n');
  await git(world.repo, ['add', '--all']);
  await git(world.repo, ['commit', '--quiet', '-m', 'initial']);
  const { stdout } = await execFileAsync(process.execPath, [CLI, 'init'], { cwd: world.repo, env: daemonEnv(world) });
  world.stateDir = stdout.trim();
  world.board = join(world.stateDir, 'BOARD.md');
  world.audit = join(world.stateDir, 'audit.jsonl');
  world.tasks = worldTasks(random);
  const argv = [process.execPath, SCRIPTED_AGENT];
  await writeFile(join(world.stateDir, 'config.yaml'), [
    `repo: ${JSON.stringify(world.repo)}`,
    'integration: main',
    'parallel: 3',
    'max_attempts: 2',
    'agents:',
    `  implementer: {type: command, argv: ${JSON.stringify(argv)}}`,
    `  reviewer: {type: command, argv: ${JSON.stringify(argv)}}`,
    '',
  ].join('\n'));
  for (const task of world.tasks) await writeFile(join(world.stateDir, 'tasks', `${task.id}.md`), briefText(task));
  world.initialBoard = boardText(world.tasks);
  await writeFile(world.board, world.initialBoard);
  world.boardTarget = world.board;
  if (symlinked) {
    // The person keeps the board in a folder of their own and links it into STATE_DIR.
    await mkdir(join(dir, 'person'), { recursive: true });
    world.boardTarget = join(dir, 'person', 'BOARD.md');
    await rename(world.board, world.boardTarget);
    await symlink(world.boardTarget, world.board);
  }
  return world;
}

/** The real daemon process; `exit` resolves with { code, signal }. */
export function startDaemon(world, args, extraEnv = {}) {
  const child = spawn(process.execPath, [CLI, 'daemon', ...args], { cwd: world.repo, env: daemonEnv(world, extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exit, output: () => output };
}

/** The person process (test/helpers/person.mjs) saving `saves` times; `exit` resolves when it is done. */
export async function startPerson(world, config) {
  const file = join(world.dir, 'person.json');
  world.personLog = join(world.dir, 'person.jsonl');
  await writeFile(file, JSON.stringify({ board: world.board, log: world.personLog, ...config }));
  const child = spawn(process.execPath, [PERSON, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exit, output: () => output };
}

/** Live processes (not zombies) whose environment has `name=value` (Linux /proc). */
export async function processesWithEnv(name, value) {
  const marker = `${name}=${value}\0`;
  const found = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z /.test(stat)) continue;
      if ((await readFile(`/proc/${entry}/environ`, 'utf8')).includes(marker)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

export function killAll(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or `fallback` after `ms`. */
export function within(promise, ms, fallback) {
  let timer;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]).finally(() => clearTimeout(timer));
}
