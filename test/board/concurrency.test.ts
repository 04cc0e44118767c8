import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BoardStore } from '../../src/board/index.js';
import type { OwnedFields } from '../../src/board/types.js';
import { testdir } from '../helpers/testdir.js';

const PERSON = fileURLToPath(new URL('./fixtures/person-editor.mjs', import.meta.url));
const SAVES = 1000;
const TRANSITIONS = 1000;
const CCX_ROWS = 20;

function initialBoard(): string {
  const rows = Array.from({ length: CCX_ROWS }, (_, index) => `- id: T-${index + 1}\n  title: ccx row ${index + 1}\n  status: pending\n  attempts: 0\n`).join('\n');
  return `# Board\n\n## Direction\n\nKeep everything.\n\n## Tasks\n\n\`\`\`yaml\n- id: T-999\n  title: notes row\n  status: draft\n  notes: |\n    first\n\n${rows}\`\`\`\n\nEnd.\n`;
}

describe('BOARD.md under a person saving while ccx writes', () => {
  it('loses neither the person\'s 1,000 saves nor ccx\'s 1,000 transitions', { timeout: 180_000 }, async () => {
    const dir = await testdir();
    const board = join(dir, 'BOARD.md');
    await writeFile(board, initialBoard());
    const store = new BoardStore({ board, lock: join(dir, '.board.lock') });
    const intended = new Map<string, OwnedFields>();

    const person = spawn(process.execPath, [PERSON, board, String(SAVES)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let personOutput = '';
    person.stdout.on('data', (chunk: Buffer) => (personOutput += chunk.toString()));
    person.stderr.on('data', (chunk: Buffer) => (personOutput += chunk.toString()));
    let transitionsWhenPersonFinished = -1;
    let applied = 0;
    const personDone = new Promise<number>((resolve) =>
      person.on('exit', (code) => {
        transitionsWhenPersonFinished = applied;
        resolve(code ?? -1);
      }),
    );

    let reapplied = 0;
    try {
      for (let i = 0; i < TRANSITIONS; i += 1) {
        const id = `T-${(i % CCX_ROWS) + 1}`;
        const fields: OwnedFields = { status: ['running', 'blocked', 'pending'][i % 3] ?? 'running', attempts: Math.floor(i / CCX_ROWS) + 1 };
        intended.set(id, fields);
        await retryBusy(() => store.setFields(id, fields));
        applied += 1;
        reapplied += await reconcile(store, intended);
      }
    } catch (error) {
      throw new Error(`ccx side failed: ${String(error)}; the person process said: ${personOutput}`, { cause: error });
    }
    expect(await personDone, personOutput).toBe(0);
    reapplied += await reconcile(store, intended);

    const final = await readFile(board, 'utf8');
    const parsed = store.parse(final);
    expect(parsed.problems).toEqual([]);
    const missing = Array.from({ length: SAVES }, (_, i) => i).filter((i) => !final.includes(markerOf(i)));
    expect(missing, 'person edits lost').toEqual([]);
    for (const [id, fields] of intended) {
      const row = parsed.rows.find((candidate) => candidate.id === id);
      expect([id, row?.status, row?.attempts]).toEqual([id, fields.status, fields.attempts]);
    }
    expect(final.startsWith('# Board\n\n## Direction\n\nKeep everything.\n')).toBe(true);
    expect(final.endsWith('```\n\nEnd.\n')).toBe(true);
    // Stale-buffer reverts happen under this load; each was noticed and applied again.
    console.log(`concurrency: ${SAVES} person saves, ${TRANSITIONS} transitions (${transitionsWhenPersonFinished} done when the person finished), ${reapplied} reverted transitions re-applied`);
  });
});

function markerOf(i: number): string {
  return [`- direction edit ${i}\n`, `title: person row ${i}\n`, `    note edit ${i}\n`][i % 3] as string;
}

/** What the daemon's reconciler does on every read: put back ccx-owned values a stale save reverted. */
async function reconcile(store: BoardStore, intended: Map<string, OwnedFields>): Promise<number> {
  for (;;) {
    const read = await store.read();
    if (read.kind !== 'ok') continue;
    const reverted = new Map([...intended].filter(([id, fields]) => {
      const row = read.board.rows.find((candidate) => candidate.id === id);
      return row === undefined || row.status !== fields.status || row.attempts !== fields.attempts;
    }));
    if (reverted.size === 0) return 0;
    await retryBusy(() => store.setMany(reverted));
    const check = await store.read();
    if (check.kind === 'ok') return reverted.size;
  }
}

async function retryBusy<T>(action: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await action();
    } catch (error) {
      // Both only mean "not now": an editor mid-save (or its backup rename) on a loaded machine.
      if (!['BOARD_BUSY', 'BOARD_MISSING'].includes((error as { code?: string }).code ?? '')) throw error;
    }
  }
}
