// The long version of test/board/concurrency.test.ts's seeded race: a person process saving
// BOARD.md in five styles (in place, temp+rename, backup-rename, an emacs lock held a while, and
// all of them through a symlinked BOARD.md) while this process makes ccx transitions through the
// store, as the daemon does. Figures: saves, transitions, stale-buffer reverts re-applied, and the
// outcome counts that must be 0 (person saves lost, transitions missing, leftovers).
// CCX_BENCH_SEED replays a run; the seed is in the figures.
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoardStore } from '../../dist/board/index.js';

const PERSON = fileURLToPath(new URL('../board/fixtures/person-editor.mjs', import.meta.url));
const STYLES = 'in-place,temp-rename,backup-rename,emacs-lock';
const SAVES = 500;
const ROWS = 20;

function initialBoard() {
  const rows = Array.from({ length: ROWS }, (_, i) => `- id: T-${i + 1}\n  title: ccx row ${i + 1}\n  status: pending\n  attempts: 0\n`).join('\n');
  return `# Board\n\n## Direction\n\nKeep everything.\n\n## Tasks\n\n\`\`\`yaml\n- id: T-999\n  title: notes row\n  status: draft\n  notes: |\n    first\n\n${rows}\`\`\`\n\nEnd.\n`;
}

function markerOf(i) {
  return [`- direction edit ${i}\n`, `title: person row ${i}\n`, `    note edit ${i}\n`][i % 3];
}

async function retryBusy(action) {
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (!['BOARD_BUSY', 'BOARD_MISSING'].includes(error.code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

async function reconcile(store, intended) {
  for (;;) {
    const read = await store.read();
    if (read.kind !== 'ok') continue;
    const reverted = new Map([...intended].filter(([id, fields]) => {
      const row = read.board.rows.find((candidate) => candidate.id === id);
      return row === undefined || row.status !== fields.status || row.attempts !== fields.attempts;
    }));
    if (reverted.size === 0) return 0;
    await retryBusy(() => store.setMany(reverted));
    return reverted.size;
  }
}

async function race(seed, link) {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-bench-race-'));
  try {
    let board = join(dir, 'BOARD.md');
    let real = board;
    if (link) {
      mkdirSync(join(dir, 'state'));
      mkdirSync(join(dir, 'elsewhere'));
      board = join(dir, 'state', 'BOARD.md');
      real = join(dir, 'elsewhere', 'board.md');
      symlinkSync(join('..', 'elsewhere', 'board.md'), board);
    }
    writeFileSync(real, initialBoard());
    const store = new BoardStore({ board, lock: join(dirname(board), '.board.lock') });
    const person = spawn(process.execPath, [PERSON, board, String(SAVES), String(seed), STYLES, '25'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    person.stdout.on('data', (chunk) => (said += chunk));
    let personRunning = true;
    const done = new Promise((resolve) => person.on('exit', (code) => {
      personRunning = false;
      resolve(code);
    }));
    const intended = new Map();
    const started = performance.now();
    let transitions = 0;
    let reapplied = 0;
    while (personRunning) {
      const id = `T-${(transitions % ROWS) + 1}`;
      const fields = { status: ['running', 'blocked', 'pending'][transitions % 3], attempts: Math.floor(transitions / ROWS) + 1 };
      intended.set(id, fields);
      await retryBusy(() => store.setFields(id, fields));
      transitions += 1;
      reapplied += await reconcile(store, intended);
    }
    if ((await done) !== 0) throw new Error(`the person process failed (seed ${seed})`);
    for (let again = await reconcile(store, intended); again > 0; again = await reconcile(store, intended)) reapplied += again;
    const final = readFileSync(board, 'utf8');
    const parsed = store.parse(final);
    const lost = Array.from({ length: SAVES }, (_, i) => i).filter((i) => !final.includes(markerOf(i))).length;
    const missing = [...intended].filter(([id, fields]) => {
      const row = parsed.rows.find((candidate) => candidate.id === id);
      return row?.status !== fields.status || row?.attempts !== fields.attempts;
    }).length;
    const leftovers = [...new Set([dirname(board), dirname(real)])].flatMap((folder) => readdirSync(folder).filter((name) => /\.ccx-aside-|\.ccx-[0-9]+-[0-9a-f]+\.tmp$|ccx-lock$|^\.#/.test(name))).length;
    return {
      seed,
      link,
      person: said.trim(),
      transitions,
      reverted_transitions_reapplied: reapplied,
      person_saves_lost: lost,
      transitions_missing: missing,
      leftovers,
      still_a_link: link ? lstatSync(board).isSymbolicLink() : null,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const seed = Number(process.env.CCX_BENCH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  return { target: 'person_saves_lost, transitions_missing and leftovers all 0', plain: await race(seed, false), through_a_link: await race(seed + 1, true) };
}
