// The person process the chaos harness relies on (test/helpers/person.mjs), on its own: with no
// daemon to race, every save lands, every line it wrote is on the board, every flip is one SPEC 3
// allows, and it leaves no lock, temp file or half-written board behind.
import { execFile } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boardText } from '../helpers/daemon.js';
import { testdir } from '../helpers/testdir.js';

const PERSON = fileURLToPath(new URL('../helpers/person.mjs', import.meta.url));
const ALLOWED: Record<string, string[]> = { draft: ['pending'], pending: ['draft'], running: ['cancelled'], blocked: ['pending'], failed: ['pending'], cancelled: ['pending'] };

interface LogRecord {
  type: string;
  style?: string;
  edit?: { kind: string; line?: string; id?: string; value?: string };
  from?: string;
  to?: string;
  deliberate?: boolean;
}

async function runPerson(dir: string, board: string, saves: number): Promise<LogRecord[]> {
  const log = join(dir, 'person.jsonl');
  const config = join(dir, 'person.json');
  await writeFile(config, JSON.stringify({ board, log, seed: 42, saves, token: 'tok', gapMs: [0, 5], typingMs: [0, 5], staleMs: [20, 200], emacsHoldMs: [5, 20], flipChance: 0.5 }));
  await new Promise<void>((resolve, reject) => execFile(process.execPath, [PERSON, config], { timeout: 60_000 }, (error) => (error === null ? resolve() : reject(error))));
  return (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogRecord);
}

const tasks = [
  { id: 'T-1', title: 'one', status: 'draft' },
  { id: 'T-2', title: 'two', status: 'running' },
  { id: 'T-3', title: 'three', status: 'blocked' },
  { id: 'T-4', title: 'four', status: 'failed' },
];

describe('the chaos person', () => {
  it('saves in every editor style, keeps every line it wrote, flips only as SPEC 3 allows, and leaves nothing behind', { timeout: 60_000 }, async () => {
    const dir = await testdir();
    const board = join(dir, 'BOARD.md');
    await writeFile(board, boardText(tasks));
    const records = await runPerson(dir, board, 60);
    const saves = records.filter((record) => record.type === 'save');
    expect(saves).toHaveLength(60);
    expect(new Set(saves.map((save) => save.style))).toEqual(new Set(['inplace', 'rename', 'backup', 'emacs', 'stale', 'vscode']));
    const text = await readFile(board, 'utf8');
    for (const save of saves) {
      if (save.edit?.kind === 'direction' || save.edit?.kind === 'comment') expect(text).toContain(save.edit.line);
    }
    const flips = records.filter((record) => record.type === 'intent' && record.deliberate === true);
    expect(flips.length).toBeGreaterThan(0);
    for (const flip of flips) expect(ALLOWED[flip.from ?? '']).toContain(flip.to);
    expect((await readdir(dir)).sort()).toEqual(['BOARD.md', 'BOARD.md~', 'person.json', 'person.jsonl', 'person.jsonl.last']);
    expect(await readFile(join(dir, 'person.jsonl.last'), 'utf8')).toBe(text);
  });

  it('saves through a symlinked BOARD.md to its target, and the link stays a link', { timeout: 60_000 }, async () => {
    const dir = await testdir();
    const target = join(dir, 'mine', 'BOARD.md');
    await mkdir(join(dir, 'mine'));
    await writeFile(target, boardText(tasks));
    const board = join(dir, 'BOARD.md');
    await symlink(target, board);
    const records = await runPerson(dir, board, 30);
    expect(records.filter((record) => record.type === 'save')).toHaveLength(30);
    expect((await lstat(board)).isSymbolicLink()).toBe(true);
    expect(await realpath(board)).toBe(await realpath(target));
    expect(await readFile(target, 'utf8')).toBe(await readFile(join(dir, 'person.jsonl.last'), 'utf8'));
  });
});
