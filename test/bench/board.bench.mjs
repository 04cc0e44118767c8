// Board store figures: parse and one status write on boards of 10, 1,000 and 10,000 rows, and the
// whole-process time of `ccx tasks --json` on 1,000 rows. Targets: the 10,000-row write within
// 100 ms; `ccx tasks --json` within 300 ms.
import { execFileSync, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BoardParser, BoardStore } from '../../dist/board/index.js';
import { median, round } from './stats.mjs';

const CLI = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const execFileAsync = promisify(execFile);

function boardText(rows) {
  const body = Array.from({ length: rows }, (_, i) =>
    `- id: T-${i + 1}\n  title: Task number ${i + 1} with an ordinary title\n  status: ${i % 5 === 0 ? 'merged' : 'pending'}\n  priority: normal\n  scope:\n    include:\n      - src/module${i}/**\n    exclude: []\n  depends_on: []\n  attempts: 0\n  notes: |\n    Some notes for task ${i + 1}.\n`,
  ).join('\n');
  return `# Board\n\n## Direction\n\nShip it.\n\n## Tasks\n\n\`\`\`yaml\n${body}\`\`\`\n`;
}


async function storeFigures(rows) {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-bench-board-'));
  try {
    const text = boardText(rows);
    const parses = [];
    for (let i = 0; i < (rows >= 10000 ? 3 : 7); i += 1) {
      const started = performance.now();
      new BoardParser().parse(text);
      parses.push(performance.now() - started);
    }
    const board = join(dir, 'BOARD.md');
    writeFileSync(board, text);
    const store = new BoardStore({ board, lock: join(dir, '.board.lock') });
    await store.read();
    const writes = [];
    for (let i = 0; i < 9; i += 1) {
      const started = performance.now();
      await store.setFields(`T-${Math.floor(rows / 2) + 1}`, { status: i % 2 === 0 ? 'running' : 'pending', attempts: i });
      writes.push(performance.now() - started);
      await store.read(); // what the daemon does after each write: its cache then holds the new text
    }
    const rereads = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      store.parse(Buffer.from(readFileSync(board, 'utf8').replace(/attempts: \d+\n {2}notes: \|\n {4}Some notes for task 1\./, `attempts: ${100 + i}\n  notes: |\n    Some notes for task 1.`)));
      rereads.push(performance.now() - started);
    }
    return { bytes: Buffer.byteLength(text), parse_ms: round(median(parses)), write_ms: round(median(writes)), reparse_after_one_row_changed_ms: round(median(rereads)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function tasksCommandFigure(rows) {
  const root = mkdtempSync(join(tmpdir(), 'ccx-bench-tasks-'));
  try {
    const repo = join(root, 'repo');
    execFileSync('git', ['init', '--quiet', '-b', 'main', repo]);
    execFileSync('git', ['-C', repo, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '--quiet', '--allow-empty', '-m', 'init']);
    const env = { ...process.env, CCX_DATA_HOME: join(root, 'data') };
    const stateDir = execFileSync(process.execPath, [CLI, 'init'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    writeFileSync(join(stateDir, 'BOARD.md'), boardText(rows));
    const times = [];
    for (let i = 0; i < 7; i += 1) {
      const started = performance.now();
      const { stdout } = await execFileAsync(process.execPath, [CLI, "tasks", "--json"], { cwd: repo, env, maxBuffer: 64 * 1024 * 1024 });
      times.push(performance.now() - started);
      if (JSON.parse(stdout).length !== rows) throw new Error('ccx tasks --json did not list every row');
    }
    // The first run finds no row cache (STATE_DIR/.board-rows.json) and parses every row with yaml;
    // the others find it and parse none, which is the usual case (rows rarely all change between commands).
    return { cold_ms: round(times[0]), warm_median_ms: round(median(times.slice(1))) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function run() {
  const result = { targets: { write_10000_rows_ms: 100, tasks_json_1000_rows_ms: 300 } };
  for (const rows of [10, 1000, 10000]) result[`rows_${rows}`] = await storeFigures(rows);
  const tasksJson = await tasksCommandFigure(1000);
  result.tasks_json_1000_rows_ms = tasksJson.warm_median_ms;
  result.tasks_json_1000_rows_cold_ms = tasksJson.cold_ms;
  return result;
}
