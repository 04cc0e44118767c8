import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardStore } from '../../src/board/index.js';
import { BOARD_TEMPLATE } from '../../src/board/template.js';
import { inboxPaths, statePaths } from '../../src/config/paths.js';
import { ingestInbox, ingestInboxFile, type InboxContext } from '../../src/inbox/ingest.js';
import { testdir } from '../helpers/testdir.js';

async function setup(board = BOARD_TEMPLATE, maxQueueDepth = 5): Promise<InboxContext & { root: string }> {
  const root = await testdir();
  const paths = statePaths(join(root, 'state'));
  await mkdir(paths.tasks, { recursive: true });
  await writeFile(paths.board, board);
  const inbox = inboxPaths(join(root, 'repo'));
  await mkdir(inbox.inbox, { recursive: true });
  return { root, store: new BoardStore({ board: paths.board, lock: paths.boardLock }), paths, inbox, acceptedFolder: inbox.accepted, maxQueueDepth };
}

const submission = (front: string, body = 'Do the thing.\n') => `---\n${front}\n---\n${body}`;

describe('the inbox', () => {
  it('accepts a submission: a row at the end of the Tasks block, a brief from the body, the file filed under accepted/', async () => {
    const context = await setup();
    await writeFile(join(context.inbox.inbox, 'verbose.md'), submission('title: Add a --verbose flag\nscope:\n  include: [src/cli/**]\npriority: high', 'Print each step.\n'));
    const [outcome] = await ingestInbox(context);
    expect(outcome).toMatchObject({ name: 'verbose.md', status: 'accepted', id: 'T-1' });
    expect(await readdir(context.inbox.accepted)).toEqual(['T-1-verbose.md']);
    expect(await readdir(context.inbox.inbox)).toEqual(['.processing', 'accepted']);
    const board = await readFile(context.paths.board, 'utf8');
    expect(board.startsWith(BOARD_TEMPLATE.slice(0, BOARD_TEMPLATE.lastIndexOf('```')))).toBe(true);
    const row = context.store.parse(board).rows[0];
    expect(row).toMatchObject({ id: 'T-1', title: 'Add a --verbose flag', status: 'pending', priority: 'high', scope: { include: ['src/cli/**'], exclude: [] }, brief: 'tasks/T-1.md' });
    const brief = await readFile(join(context.paths.tasks, 'T-1.md'), 'utf8');
    expect(brief).toContain('id: T-1\ntitle: Add a --verbose flag\n');
    expect(brief).toContain('## Goal\n\nPrint each step.\n');
    expect(brief.match(/^## /gm)).toHaveLength(6);
  });

  it('keeps a body that already has the six sections as the brief', async () => {
    const context = await setup();
    const sections = ['Goal', 'Acceptance', 'Context', 'Out of scope', 'Test plan', 'Decisions'].map((name) => `## ${name}\n\n${name} text.\n`).join('\n');
    await writeFile(join(context.inbox.inbox, 'full.md'), submission('title: Full brief\nstatus: draft', sections));
    const [outcome] = await ingestInbox(context);
    expect(outcome?.status).toBe('accepted');
    const brief = await readFile(join(context.paths.tasks, 'T-1.md'), 'utf8');
    expect(brief).toContain('## Out of scope\n\nOut of scope text.\n');
    expect(brief.match(/^## Goal/gm)).toHaveLength(1);
    expect(context.store.parse(await readFile(context.paths.board, 'utf8')).rows[0]?.status).toBe('draft');
  });

  it.each([
    ['no front matter', 'Just a note.\n', 'the file has no front matter'],
    ['bad YAML', submission('title: [unclosed'), 'the front matter is not valid YAML at line 2'],
    ['no title', submission('priority: high'), 'the front matter has no title'],
    ['an id that tries ../', submission('id: ../../etc/passwd\ntitle: sneaky'), 'ccx assigns ids itself'],
    ['a ccx-owned field', submission('title: x\nworktree: /tmp/elsewhere'), 'which only ccx writes'],
    ['an unknown status', submission('title: x\nstatus: merged'), 'status must be draft or pending'],
    ['a dependency on no task', submission('title: x\ndepends_on: [T-42]'), 'depends_on names T-42, but no row has that id'],
  ])('rejects a submission with %s, saying why, and deletes nothing', async (_name, content, reason) => {
    const context = await setup();
    await writeFile(join(context.inbox.inbox, 'bad.md'), content);
    const before = await readFile(context.paths.board);
    const [outcome] = await ingestInbox(context);
    expect(outcome).toMatchObject({ status: 'rejected', name: 'bad.md' });
    expect(await readFile(join(context.inbox.rejected, 'bad.md'), 'utf8')).toBe(content);
    const error = await readFile(join(context.inbox.rejected, 'bad.md.error.txt'), 'utf8');
    expect(error).toContain(reason);
    expect(error).toContain('What to do: fix the file and put it back in');
    expect(await readFile(context.paths.board)).toEqual(before);
    expect(await readdir(context.paths.tasks)).toEqual([]);
  });

  it('leaves a name that tries to leave the inbox untouched', async () => {
    const context = await setup();
    const outside = join(context.root, 'outside.md');
    await writeFile(outside, submission('title: x'));
    const outcome = await ingestInboxFile(context, '../../outside.md');
    expect(outcome).toMatchObject({ status: 'ignored' });
    expect(outcome.status === 'ignored' && outcome.reason).toContain('is not a file name inside the inbox');
    expect(await readFile(outside, 'utf8')).toBe(submission('title: x'));
  });

  it('rejects a symbolic link rather than reading what it points to', async () => {
    const context = await setup();
    const secret = join(context.root, 'secret.md');
    await writeFile(secret, submission('title: not mine'));
    await symlink(secret, join(context.inbox.inbox, 'link.md'));
    const [outcome] = await ingestInbox(context);
    expect(outcome).toMatchObject({ status: 'rejected', reason: expect.stringContaining('not a regular file') });
    expect(await readFile(secret, 'utf8')).toBe(submission('title: not mine'));
  });

  it('rejects pending submissions past CCX_MAX_QUEUE_DEPTH but takes drafts', async () => {
    const context = await setup(BOARD_TEMPLATE, 2);
    for (const name of ['a', 'b', 'c']) await writeFile(join(context.inbox.inbox, `${name}.md`), submission(`title: task ${name}`));
    await writeFile(join(context.inbox.inbox, 'd.md'), submission('title: task d\nstatus: draft'));
    const outcomes = await ingestInbox(context);
    expect(outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([['a.md', 'accepted'], ['b.md', 'accepted'], ['c.md', 'rejected'], ['d.md', 'accepted']]);
    expect(await readFile(join(context.inbox.rejected, 'c.md.error.txt'), 'utf8')).toContain('the queue already holds 2 pending tasks (CCX_MAX_QUEUE_DEPTH is 2)');
  });

  it('leaves files for later while the board does not parse', async () => {
    const context = await setup('# Board\n\nno tasks heading\n');
    await writeFile(join(context.inbox.inbox, 'wait.md'), submission('title: later'));
    const [outcome] = await ingestInbox(context);
    expect(outcome).toMatchObject({ status: 'deferred' });
    expect(await readdir(context.inbox.inbox)).toContain('wait.md');
  });

  it('never reuses an id: one more than the highest on the board or in the brief folder', async () => {
    const context = await setup();
    await writeFile(join(context.paths.tasks, 'T-9.md'), 'an old brief whose row was deleted');
    await writeFile(join(context.inbox.inbox, 'next.md'), submission('title: next'));
    const [outcome] = await ingestInbox(context);
    expect(outcome).toMatchObject({ status: 'accepted', id: 'T-10' });
  });

  it('checks a submission against a board that already has the id it checks rows under', async () => {
    const board = BOARD_TEMPLATE.replace(/```\n?$/, '- id: T-999999999\n  title: a high id\n  status: draft\n```\n');
    const context = await setup(board);
    await writeFile(join(context.inbox.inbox, 'next.md'), submission('title: next'));
    const [outcome] = await ingestInbox(context);
    expect(outcome).toMatchObject({ status: 'accepted', id: 'T-1000000000' });
  });

  it('finishes a submission a crash interrupted after its id was reserved, without adding it twice', async () => {
    const context = await setup();
    await writeFile(join(context.inbox.inbox, 'one.md'), submission('title: one'));
    const [first] = await ingestInbox(context);
    expect(first).toMatchObject({ status: 'accepted', id: 'T-1' });
    // A crash after the row was added but before the file was filed: it is back in .processing/.
    await rename(join(context.inbox.accepted, 'T-1-one.md'), join(context.inbox.processing, 'T-1-one.md'));
    // A crash after T-2 was reserved but before its row was added.
    await writeFile(join(context.inbox.processing, 'T-2-two.md'), submission('title: two'));
    await writeFile(join(context.paths.tasks, 'T-2.md'), 'reserved brief');
    const outcomes = await ingestInbox(context);
    expect(outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([['one.md', 'accepted'], ['two.md', 'accepted']]);
    const rows = context.store.parse(await readFile(context.paths.board, 'utf8')).rows;
    expect(rows.map((row) => [row.id, row.title])).toEqual([['T-1', 'one'], ['T-2', 'two']]);
    expect(await readFile(join(context.paths.tasks, 'T-2.md'), 'utf8')).toBe('reserved brief');
    expect((await readdir(context.inbox.accepted)).sort()).toEqual(['T-1-one.md', 'T-2-two.md']);
  });
});
