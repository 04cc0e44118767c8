import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { watchFolder } from '../../src/daemon/watch/folder-watcher.js';
import { testdir } from '../helpers/testdir.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchFolder', () => {
  it('reports a save that lands right after the file was replaced by a rename (ccx\'s own write)', async () => {
    const dir = await testdir({ 'BOARD.md': 'start\n' });
    const board = join(dir, 'BOARD.md');
    const seen: number[] = [];
    const watch = watchFolder(dir, { depth: 0, accept: (path) => path === board, onChange: () => seen.push(performance.now()), onError: () => undefined });
    onTestFinished(() => watch.close());
    // The watch is up once a write is reported.
    for (let tries = 0; seen.length === 0 && tries < 100; tries += 1) {
      writeFileSync(board, `warm-up ${tries}\n`);
      await sleep(50);
    }
    expect(seen.length).toBeGreaterThan(0);

    const missed: string[] = [];
    for (const save of ['in place', 'by rename'] as const) {
      for (const delayMs of [5, 10, 20, 30]) {
        // ccx's compare-and-swap write: a temp file in the same folder renamed over BOARD.md.
        writeFileSync(join(dir, '.BOARD.md.ccx-tmp'), `ccx ${save} ${delayMs}\n`);
        renameSync(join(dir, '.BOARD.md.ccx-tmp'), board);
        await sleep(delayMs);
        const saved = performance.now();
        if (save === 'in place') {
          writeFileSync(board, `person ${delayMs}\n`);
        } else {
          writeFileSync(join(dir, 'BOARD.md~'), `person ${delayMs}\n`);
          renameSync(join(dir, 'BOARD.md~'), board);
        }
        await sleep(250);
        if (!seen.some((at) => at >= saved)) missed.push(`${save}, ${delayMs} ms after`);
      }
    }
    expect(missed).toEqual([]);
  });
});
