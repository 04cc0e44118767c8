// Fast reads (issue 13 item 8): whole-process `ccx tasks --json` and `ccx status --json` on a 1,000-row
// board, cold (a fresh process each run, no row cache file), an in-process parse of 10,000 rows, and
// the first parse in a fresh process (of 10,000 and of 1,000 rows, with whether it loaded remark or yaml).
// node_start is `node -e 0` on the same machine: the part of each whole-process figure no code of ours can change.
// Targets: each ≤ 300 ms. Figures are wall-clock medians and p95s; cpu_ms (user + system) is printed
// beside them because on a shared, loaded machine the wall clock mostly measures the queue for a core.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoardParser } from '../../dist/board/index.js';
import { median, round } from './stats.mjs';

const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const TARGET_MS = 300;
const RUNS = 12;

function boardText(rows) {
  const body = Array.from({ length: rows }, (_, i) =>
    `- id: T-${i + 1}\n  title: Task number ${i + 1} with an ordinary title\n  status: ${i % 5 === 0 ? 'merged' : 'pending'}\n  priority: normal\n  scope:\n    include:\n      - src/module${i}/**\n    exclude: []\n  depends_on: []\n  attempts: 0\n  notes: |\n    Some notes for task ${i + 1}.\n`,
  ).join('\n');
  return `# Board\n\n## Direction\n\nShip it.\n\n## Tasks\n\n\`\`\`yaml\n${body}\`\`\`\n`;
}

function p95(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}

function verdict(figure) {
  return { ...figure, target_ms: TARGET_MS, pass: figure.median_ms <= TARGET_MS };
}

/** One fresh `node dist/cli/bin.js <args>`: wall time, and the child's own CPU time from /proc when there is one. */
function timeProcess(args, options) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`ccx ${args.join(' ')} exited ${code}`));
      else resolve({ ms, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

/** User + system CPU of finished children (and theirs: git), in ms; Linux's /proc/self/stat cutime and cstime at 100 ticks a second. */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function commandFigures(rows) {
  const root = mkdtempSync(join(tmpdir(), 'ccx-bench-fast-reads-'));
  try {
    const repo = join(root, 'repo');
    execFileSync('git', ['init', '--quiet', '-b', 'main', repo]);
    execFileSync('git', ['-C', repo, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '--quiet', '--allow-empty', '-m', 'init']);
    const env = { ...process.env, CCX_DATA_HOME: join(root, 'data') };
    const stateDir = execFileSync(process.execPath, [CLI, 'init'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    writeFileSync(join(stateDir, 'BOARD.md'), boardText(rows));
    const figures = {};
    for (const [name, args, check] of [
      ['tasks_json', ['tasks', '--json'], (stdout) => JSON.parse(stdout).length === rows],
      ['status_json', ['status', '--json'], (stdout) => JSON.parse(stdout).repos[0].tasks.length === rows],
    ]) {
      const times = [];
      const cpu = [];
      for (let i = 0; i < RUNS; i += 1) {
        // Cold: no row cache file from an earlier run (nor anything else ccx keeps between commands).
        for (const file of readdirSync(stateDir)) if (file.startsWith('.board-rows')) rmSync(join(stateDir, file), { force: true });
        const before = childrenCpuMs();
        const { ms, stdout } = await timeProcess(args, { cwd: repo, env });
        const after = childrenCpuMs();
        if (!check(stdout)) throw new Error(`ccx ${args.join(' ')} did not list every row`);
        times.push(ms);
        if (before !== null && after !== null) cpu.push(after - before);
      }
      figures[name] = verdict({ rows, runs: RUNS, median_ms: round(median(times)), p95_ms: round(p95(times)), cpu_median_ms: cpu.length > 0 ? round(median(cpu)) : null });
    }
    return figures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function parseFigure(rows) {
  const text = boardText(rows);
  const times = [];
  const cpu = [];
  for (let i = 0; i < 7; i += 1) {
    const started = performance.now();
    const usage = process.cpuUsage();
    const board = new BoardParser().parse(text);
    const used = process.cpuUsage(usage);
    times.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
    if (board.rows.length !== rows) throw new Error(`the parse found ${board.rows.length} rows of ${rows}`);
  }
  return verdict({ rows, runs: times.length, median_ms: round(median(times)), p95_ms: round(p95(times)), cpu_median_ms: round(median(cpu)) });
}

/**
 * The first parse in a fresh process (what one CLI command pays: nothing optimised yet, the heap still
 * small), and which markdown and YAML packages such a parse loads: a plainly structured board of
 * everyday rows needs neither remark nor yaml.
 */
async function firstCallFigure(rows) {
  const root = mkdtempSync(join(tmpdir(), 'ccx-bench-first-parse-'));
  try {
    const board = join(root, 'BOARD.md');
    writeFileSync(board, boardText(rows));
    const parser = new URL('../../dist/board/parse/parser.js', import.meta.url).href;
    const script = [
      "import { readFileSync } from 'node:fs';",
      "import { createRequire } from 'node:module';",
      `const text = readFileSync(${JSON.stringify(board)}, 'utf8');`,
      `const { BoardParser } = await import(${JSON.stringify(parser)});`,
      'const started = performance.now();',
      'const usage = process.cpuUsage();',
      'const parsed = new BoardParser().parse(text);',
      'const used = process.cpuUsage(usage);',
      'const ms = performance.now() - started;',
      "const loaded = Object.keys(createRequire(import.meta.url).cache).join('\\n');",
      'console.log(JSON.stringify({ ms, cpu: (used.user + used.system) / 1000, rows: parsed.rows.length,',
      "  remark: /node_modules[\\\\/](remark-parse|unified|micromark)/.test(loaded), yaml: /node_modules[\\\\/]yaml[\\\\/]/.test(loaded) }));",
    ].join('\n');
    const runs = [];
    for (let i = 0; i < 5; i += 1) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString();
      const figure = JSON.parse(out);
      if (figure.rows !== rows) throw new Error(`the first parse found ${figure.rows} rows of ${rows}`);
      runs.push(figure);
    }
    const times = runs.map((figure) => figure.ms);
    return verdict({
      rows,
      runs: runs.length,
      median_ms: round(median(times)),
      p95_ms: round(p95(times)),
      cpu_median_ms: round(median(runs.map((figure) => figure.cpu))),
      loads_remark: runs.some((figure) => figure.remark),
      loads_yaml: runs.some((figure) => figure.yaml),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * What starting Node itself costs here (`node -e 0`, wall median): part of every whole-process
 * figure above that ccx cannot change, printed so figures from different machines can be compared.
 */
async function nodeStartFigure() {
  const times = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    times.push(performance.now() - started);
  }
  return { runs: RUNS, median_ms: round(median(times)), p95_ms: round(p95(times)) };
}

export async function run() {
  return {
    node_start: await nodeStartFigure(),
    ...(await commandFigures(1000)),
    parse_10000_rows: parseFigure(10000),
    parse_10000_rows_first_call: await firstCallFigure(10000),
    parse_1000_rows_first_call: await firstCallFigure(1000),
  };
}
