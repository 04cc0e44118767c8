import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gitdir } from '../helpers/gitdir.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';

const PERSON = fileURLToPath(new URL('../board/fixtures/person-editor.mjs', import.meta.url));
const DAY = 86_400_000;

/** Each row's exact text, as a person wrote it (comments and odd spacing included). */
function rows(now: number): Record<string, string> {
  const ago = (days: number) => new Date(now - days * DAY).toISOString();
  return {
    'T-1': `- id: T-1\n  title: merged long ago   # a person's comment\n  status: merged\n  finished_at: "${ago(40)}"\n  commit: abc1234\n\n`,
    'T-2': `- id: T-2\n  title: still to do\n  status: pending\n  notes: |\n    keep me\n\n`,
    'T-3': `- id: T-3\n  title:   cancelled last month\n  status: cancelled\n  finished_at: "${ago(20)}"\n\n`,
    'T-4': `- id: T-4\n  title: merged three days ago\n  status: merged\n  finished_at: "${ago(3)}"\n\n`,
    'T-5': `- id: T-5\n  title: cancelled, the highest id, no brief\n  status: cancelled\n`,
  };
}

function boardOf(parts: readonly string[]): string {
  return `# Board\n\n## Direction\n\nKeep it small.\n\n## Tasks\n\n\`\`\`yaml\n${parts.join('')}\`\`\`\n\nAfter the block.\n`;
}

async function setUp() {
  const repo = await gitdir();
  const env = await isolatedEnv();
  expect((await runCli(['init'], { cwd: repo, env })).exitCode).toBe(0);
  const where = await runCli(['where'], { cwd: repo, env });
  const stateDir = where.stdout.trim();
  // An empty answer would make every path below relative to the test's own folder (the checkout).
  expect({ code: where.exitCode, absolute: isAbsolute(stateDir) }, where.stderr).toEqual({ code: 0, absolute: true });
  return { repo, env, stateDir, board: join(stateDir, 'BOARD.md'), archive: join(stateDir, 'archive') };
}

async function archiveFiles(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.md')).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name), 'utf8')] as const)));
}

const month = (iso: number) => new Date(iso).toISOString().slice(0, 7);

describe('ccx archive', () => {
  it('moves merged and cancelled rows byte for byte, keeps ids reserved, and ccx tasks --all still lists them', async () => {
    const world = await setUp();
    const now = Date.now();
    const text = rows(now);
    await writeFile(world.board, boardOf(Object.values(text)));
    const result = await runCli(['archive', '--older-than', '14d'], { cwd: world.repo, env: world.env });
    expect(result.exitCode, result.stderr).toBe(0);
    // T-4 finished 3 days ago: younger than 14d, it stays. T-5 has no finished_at, so no age keeps it.
    expect(await readFile(world.board, 'utf8')).toBe(boardOf([text['T-2']!, text['T-4']!]));
    const files = await archiveFiles(world.archive);
    const all = Object.values(files).join('');
    for (const id of ['T-1', 'T-3', 'T-5']) expect(all.split(text[id]!).length - 1, id).toBe(1);
    expect(Object.keys(files).sort()).toEqual([...new Set([`BOARD-${month(now - 40 * DAY)}.md`, `BOARD-${month(now - 20 * DAY)}.md`, `BOARD-${month(now)}.md`])].sort());

    const rest = await runCli(['archive'], { cwd: world.repo, env: world.env });
    expect(rest.stdout).toMatch(/^archived T-4 to archive\/BOARD-\d{4}-\d{2}\.md\n$/);
    expect(await readFile(world.board, 'utf8')).toBe(boardOf([text['T-2']!]));

    const listed = JSON.parse((await runCli(['tasks', '--all', '--json'], { cwd: world.repo, env: world.env })).stdout) as Array<{ id: string; status: string; archived?: string }>;
    expect(listed.map((row) => row.id).sort()).toEqual(['T-1', 'T-2', 'T-3', 'T-4', 'T-5']);
    expect(listed.find((row) => row.id === 'T-2')?.archived).toBeUndefined();
    expect(listed.find((row) => row.id === 'T-5')?.archived).toContain('archive/BOARD-');
    const plain = JSON.parse((await runCli(['tasks', '--json'], { cwd: world.repo, env: world.env })).stdout) as Array<{ id: string }>;
    expect(plain.map((row) => row.id)).toEqual(['T-2']);

    // T-5 had no brief, run or worktree: only the archive remembers its id. Before: ccx add reused T-5... after: T-6.
    const added = await runCli(['add', 'a new task'], { cwd: world.repo, env: world.env });
    expect(added.stdout.trim()).toBe('T-6');
  });

  it('loses and duplicates nothing when killed between writing the archive and cutting the board; the next run finishes', async () => {
    const world = await setUp();
    const text = rows(Date.now());
    const before = boardOf(Object.values(text));
    await writeFile(world.board, before);
    const crash = () => runCli(['archive'], { cwd: world.repo, env: { ...world.env, CCX_CRASH_AT: 'archive:rows-archived:after' } });
    await expect(crash()).rejects.toMatchObject({ signal: 'SIGKILL' });
    expect(Object.values(await archiveFiles(world.archive)).join('')).toContain(text['T-1']);
    expect(await readFile(world.board, 'utf8')).toBe(before);
    const listed = JSON.parse((await runCli(['tasks', '--all', '--json'], { cwd: world.repo, env: world.env })).stdout) as Array<{ id: string }>;
    expect(listed.map((row) => row.id)).toEqual(['T-1', 'T-2', 'T-3', 'T-4', 'T-5']);

    // A second crash at the same point rewrites nothing twice.
    await expect(crash()).rejects.toMatchObject({ signal: 'SIGKILL' });
    const again = await runCli(['archive'], { cwd: world.repo, env: world.env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await readFile(world.board, 'utf8')).toBe(boardOf([text['T-2']!]));
    const all = Object.values(await archiveFiles(world.archive)).join('');
    for (const id of ['T-1', 'T-3', 'T-4', 'T-5']) expect(all.split(text[id]!).length - 1, id).toBe(1);
    expect((all.match(/^- id: /gm) ?? []).length).toBe(4);
  });

  it('moves a row to its new month when its finished_at was edited after a crash left it in both places', async () => {
    const world = await setUp();
    const row = (finished: string) => `- id: T-1\n  title: done\n  status: merged\n  finished_at: "${finished}"\n`;
    await writeFile(world.board, boardOf([row('2025-01-15T10:00:00.000Z')]));
    await expect(runCli(['archive'], { cwd: world.repo, env: { ...world.env, CCX_CRASH_AT: 'archive:rows-archived:after' } })).rejects.toMatchObject({ signal: 'SIGKILL' });
    expect(Object.keys(await archiveFiles(world.archive))).toEqual(['BOARD-2025-01.md']);
    await writeFile(world.board, boardOf([row('2025-02-03T10:00:00.000Z')]));
    expect((await runCli(['archive'], { cwd: world.repo, env: world.env })).stdout).toBe('archived T-1 to archive/BOARD-2025-02.md\n');
    const files = await archiveFiles(world.archive);
    expect(files['BOARD-2025-01.md']).not.toContain('- id: T-1');
    expect(files['BOARD-2025-02.md']).toContain(row('2025-02-03T10:00:00.000Z'));
    const listed = JSON.parse((await runCli(['tasks', '--all', '--json'], { cwd: world.repo, env: world.env })).stdout) as Array<{ id: string; finished_at: string }>;
    expect(listed.map((entry) => [entry.id, entry.finished_at])).toEqual([['T-1', '2025-02-03T10:00:00.000Z']]);
  });

  it('keeps every save of a person editing the board meanwhile, and archives each row exactly once', { timeout: 120_000 }, async () => {
    const seed = Number(process.env['CCX_TEST_SEED'] ?? Date.now() % 100_000);
    console.log(`archive race seed ${seed}`);
    const world = await setUp();
    const now = Date.now();
    const kept = `- id: T-999\n  title: notes row\n  status: draft\n  notes: |\n    first\n\n`;
    const merged = Array.from({ length: 30 }, (_, i) => `- id: T-${i + 1}\n  title: merged ${i + 1}\n  status: ${i % 4 === 0 ? 'cancelled' : 'merged'}\n  finished_at: "${new Date(now - (30 + i) * DAY).toISOString()}"\n\n`);
    await writeFile(world.board, boardOf([kept, ...merged]));
    const saves = 150;
    const person = spawn(process.execPath, [PERSON, world.board, String(saves)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    person.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    person.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const done = new Promise<number>((resolve) => person.on('exit', (code) => resolve(code ?? -1)));
    let running = true;
    void done.then(() => (running = false));
    let random = seed;
    const next = () => ((random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let runs = 0;
    while (running) {
      // A person's save can revert a cut the moment it lands (their buffer was stale): the row comes back, and the next run takes it again.
      const result = await runCli(['archive'], { cwd: world.repo, env: world.env });
      expect([0, 1]).toContain(result.exitCode);
      if (result.exitCode === 1) expect(result.stderr).toMatch(/BOARD\.md|board/);
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 40)));
    }
    expect(await done, output).toBe(0);
    const last = await runCli(['archive'], { cwd: world.repo, env: world.env });
    expect(last.exitCode, last.stderr).toBe(0);
    const final = await readFile(world.board, 'utf8');
    const missing = Array.from({ length: saves }, (_, i) => i).filter((i) => !final.includes([`- direction edit ${i}\n`, `title: person row ${i}\n`, `    note edit ${i}\n`][i % 3]!));
    expect(missing, 'person edits lost').toEqual([]);
    expect(final).not.toMatch(/status: (merged|cancelled)/);
    const all = Object.values(await archiveFiles(world.archive)).join('');
    for (const row of merged) expect(all.split(row).length - 1, row.slice(0, 10)).toBe(1);
    console.log(`archive race: ${saves} person saves, ${runs} ccx archive runs`);
  });
});
