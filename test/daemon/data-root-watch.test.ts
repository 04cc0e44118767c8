import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DataRootWatch } from '../../src/daemon/watch/data-root-watch.js';
import { seeded } from '../helpers/seeded.js';
import { testdir } from '../helpers/testdir.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A DataRootWatch that records every state file it reports. */
async function watching(root: string, only?: string) {
  const reported: string[] = [];
  let notify = 0;
  const watch = new DataRootWatch({
    root,
    ...(only === undefined ? {} : { only }),
    rootFile: 'notify.yaml',
    stateFiles: ['BOARD.md', 'config.yaml'],
    onStateFile: (path) => reported.push(path),
    onRootFile: () => (notify += 1),
    onError: (error) => reported.push(`error: ${String(error)}`),
  });
  onTestFinished(() => watch.close());
  const initialised = await watch.start();
  return { watch, initialised, reported, notified: () => notify };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('DataRootWatch', () => {
  it('reports the config.yaml of every repository initialised while it runs, whatever the pause between mkdir and the write (seeded)', { timeout: 60_000 }, async () => {
    // A watch of depth 1 missed some of these: chokidar listed the new folder before it watched it.
    const seed = Number(process.env['CCX_TEST_SEED'] ?? Date.now() % 100_000);
    const random = seeded(seed);
    const root = await testdir({});
    const { reported } = await watching(root);
    const made: string[] = [];
    for (let index = 0; index < 40; index++) {
      const stateDir = join(root, `repo-${index}`);
      await mkdir(stateDir);
      await sleep(Math.floor(random() * 8));
      // `ccx init`'s write, in place or by rename, half of each.
      if (random() < 0.5) {
        await writeFile(join(stateDir, 'config.yaml'), 'repo: x\n');
      } else {
        await writeFile(join(stateDir, '.config.yaml.tmp'), 'repo: x\n');
        await rename(join(stateDir, '.config.yaml.tmp'), join(stateDir, 'config.yaml'));
      }
      made.push(stateDir);
    }
    const missed = () => made.filter((stateDir) => !reported.includes(join(stateDir, 'config.yaml')));
    await until(`every config.yaml (seed ${seed}; missed ${missed().join(', ')})`, () => missed().length === 0).catch((error: Error) => expect.fail(error.message));
    expect(reported.filter((path) => path.startsWith('error'))).toEqual([]);
  });

  it('lists the initialised STATE_DIRs at start, then reports a save made right after it resolves, and notify.yaml', async () => {
    const root = await testdir({ 'a/config.yaml': 'repo: a\n', 'a/BOARD.md': 'a\n', 'b/BOARD.md': 'no config yet\n', 'notes.txt': 'not a folder\n' });
    const { initialised, reported, notified } = await watching(root);
    expect(initialised).toEqual([join(root, 'a')]);
    await writeFile(join(root, 'a', 'BOARD.md'), 'saved\n');
    await writeFile(join(root, 'b', 'config.yaml'), 'repo: b\n');
    await writeFile(join(root, 'notify.yaml'), 'sinks: []\n');
    await until('the saves', () => reported.includes(join(root, 'a', 'BOARD.md')) && reported.includes(join(root, 'b', 'config.yaml')) && notified() > 0);
  });

  it('watches a STATE_DIR removed and made again (whose inode may be the same), and only the one STATE_DIR it serves (seeded)', { timeout: 60_000 }, async () => {
    const seed = Number(process.env['CCX_TEST_SEED'] ?? Date.now() % 100_000);
    const random = seeded(seed);
    const root = await testdir({ 'a/config.yaml': 'repo: a\n', 'b/config.yaml': 'repo: b\n' });
    const { initialised, reported } = await watching(root, join(root, 'a'));
    expect(initialised).toEqual([join(root, 'a')]);
    for (let round = 0; round < 6; round++) {
      await rm(join(root, 'a'), { recursive: true });
      await sleep(Math.floor(random() * 40));
      await mkdir(join(root, 'a'));
      await writeFile(join(root, 'a', 'config.yaml'), `repo: a, round ${round}\n`);
      await until(`the new config.yaml (round ${round}, seed ${seed})`, () => reported.includes(join(root, 'a', 'config.yaml')));
      // Settled: what the new folder's watch reports from here on.
      await sleep(100);
      reported.length = 0;
      await writeFile(join(root, 'a', 'BOARD.md'), `saved in round ${round}\n`);
      await until(`the save in the new folder (round ${round}, seed ${seed})`, () => reported.includes(join(root, 'a', 'BOARD.md')));
      reported.length = 0;
    }
    await writeFile(join(root, 'b', 'BOARD.md'), 'not served\n');
    await sleep(200);
    expect(reported.map((path) => dirname(path))).not.toContain(join(root, 'b'));
  });
});
