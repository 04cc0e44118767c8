import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { world } from '../helpers/daemon.js';
import { gitdir } from '../helpers/gitdir.js';

async function initialised() {
  const repo = await gitdir({ 'README.md': '# test\n', 'src/app.ts': 'export {};\n' });
  const env = await isolatedEnv();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  return { repo, env, stateDir, board: join(stateDir, 'BOARD.md'), inbox: join(repo, '.ccx', 'inbox') };
}

const tasksBlock = (yaml: string) => `# Board\n\n## Direction\n\nGo.\n\n## Tasks\n\n\`\`\`yaml\n${yaml}\`\`\`\n`;

// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW_CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

/** Every command here must end: a spin shows as a timeout, not as a hung test run. */
const QUICK = { timeoutMs: 20_000 };

describe('ids past 2^53', () => {
  it('skips a row whose id is past 2^53 - 1 with its line:column, and ccx add goes on numbering from the real ids', async () => {
    const { repo, env, board, stateDir } = await initialised();
    await writeFile(board, tasksBlock('- id: T-3\n  title: fine\n  status: draft\n- id: T-99999999999999999999\n  title: huge\n  status: draft\n'));
    const listed = await runCli(['tasks'], { cwd: repo, env, ...QUICK });
    expect(listed.exitCode).toBe(0);
    expect(listed.stderr).toContain(`${board}:13:7: row 2: id T-99999999999999999999 is past T-9007199254740991: an id's number must be at most 9007199254740991 (2^53 - 1), the largest ccx counts on exactly; renumber the row`);
    const first = await runCli(['add', 'one'], { cwd: repo, env, ...QUICK });
    expect([first.exitCode, first.stdout]).toEqual([0, 'T-4\n']);
    const second = await runCli(['add', 'two'], { cwd: repo, env, ...QUICK });
    expect([second.exitCode, second.stdout]).toEqual([0, 'T-5\n']);
    expect((await readdir(join(stateDir, 'tasks'))).sort()).toEqual(['T-4.md', 'T-5.md']);
    const text = await readFile(board, 'utf8');
    expect(text).toContain('- id: T-4\n  title: one\n');
    expect(text).toContain('- id: T-5\n  title: two\n');
  });

  it('ends with a clear error, never a spin, once the highest id is 2^53 - 1; a huge leftover brief does not count', async () => {
    const { repo, env, board, stateDir, inbox } = await initialised();
    // What the bug left behind: a brief named after an id ccx printed but did not write.
    await writeFile(join(stateDir, 'tasks', 'T-100000000000000000000.md'), 'left by an old ccx');
    const added = await runCli(['add', 'after the leftover'], { cwd: repo, env, ...QUICK });
    expect([added.exitCode, added.stdout]).toEqual([0, 'T-1\n']);
    await writeFile(board, tasksBlock('- id: T-9007199254740991\n  title: the last safe id\n  status: draft\n'));
    const full = await runCli(['add', 'one more'], { cwd: repo, env, ...QUICK });
    expect(full.exitCode).toBe(1);
    expect(full.stderr).toContain('ccx has no id left to give: the next would be past 9007199254740991');
    await writeFile(join(inbox, 'more.md'), '---\ntitle: one more\n---\n');
    const ingested = await runCli(['inbox'], { cwd: repo, env, ...QUICK });
    expect(ingested.stderr + ingested.stdout).toContain('ccx has no id left to give');
    expect(await readFile(board, 'utf8')).toBe(tasksBlock('- id: T-9007199254740991\n  title: the last safe id\n  status: draft\n'));
  });

  it('refuses a depends_on past 2^53 - 1 as a row problem', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n  title: a\n  status: draft\n  depends_on: [T-99999999999999999999]\n'));
    const listed = await runCli(['tasks'], { cwd: repo, env, ...QUICK });
    expect(listed.stderr).toContain(`${board}:13:15: T-1: depends_on names T-99999999999999999999, which is past`);
  });
});

/** An inbox file name as bytes: `<inbox>/<name>`, where the name need not be UTF-8. */
const inboxPath = (inbox: string, name: string | Buffer) => Buffer.concat([Buffer.from(`${inbox}/`), typeof name === 'string' ? Buffer.from(name) : name]);
const submission = (title: string, extra = '') => `---\ntitle: ${title}\n${extra}---\nDo it.\n`;
const ODD_NAMES: Array<[string, string | Buffer]> = [
  ['a newline', 'two\nlines.md'],
  ['a 255-byte name', `${'long-'.repeat(49)}nam.md`],
  ['a leading dash', '-rf.md'],
  ['terminal escapes', 'esc\u001b]0;pwned\u0007\u001b[2J.md'],
  ['bytes that are not UTF-8', Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x6d, 0x64])],
];

describe('inbox file names', () => {
  it('files a submission of any name exactly once under a safe name: ids are not burnt, nothing is left behind, nothing raw is printed', async () => {
    const { repo, env, stateDir, inbox, board } = await initialised();
    for (const [index, [, name]] of ODD_NAMES.entries()) await writeFile(inboxPath(inbox, name), submission(`odd ${index + 1}`));
    await writeFile(inboxPath(inbox, 'bad\nname.md'), '---\ntitle: [unclosed\n---\n');
    const first = await runCli(['inbox'], { cwd: repo, env, ...QUICK });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).not.toMatch(RAW_CONTROL_EXCEPT_NEWLINE);
    expect(first.stdout.match(/^accepted /gm)).toHaveLength(ODD_NAMES.length);
    expect(first.stdout).toContain('accepted two\\nlines.md as T-');
    expect(first.stdout).toContain('accepted esc\\e]0;pwned\\x07\\e[2J.md as T-');
    expect(first.stdout).toContain('rejected bad\\nname.md: the front matter is not valid YAML');
    // One id per submission, none burnt: T-1..T-5 and the briefs for exactly those.
    const rows = [...(await readFile(board, 'utf8')).matchAll(/- id: (T-\d+)\n {2}title: (.*)\n/g)].map((match) => [match[1], match[2]]);
    expect(rows.map(([id]) => id)).toEqual(['T-1', 'T-2', 'T-3', 'T-4', 'T-5']);
    expect(rows.map(([, title]) => title).sort()).toEqual(['odd 1', 'odd 2', 'odd 3', 'odd 4', 'odd 5']);
    expect((await readdir(join(stateDir, 'tasks'))).sort()).toEqual(['T-1.md', 'T-2.md', 'T-3.md', 'T-4.md', 'T-5.md']);
    expect((await readdir(inbox)).sort()).toEqual(['.processing', 'accepted', 'rejected']);
    expect(await readdir(join(inbox, '.processing'))).toEqual([]);
    const filed = [...(await readdir(join(inbox, 'accepted'))), ...(await readdir(join(inbox, 'rejected')))];
    expect(filed).toHaveLength(ODD_NAMES.length + 2);
    for (const name of filed) {
      expect(name).not.toMatch(/^[-.]/);
      expect(name).not.toMatch(UNSAFE_IN_NAME);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    }
    const rejected = (await readdir(join(inbox, 'rejected'))).sort();
    expect(rejected).toHaveLength(2);
    expect(rejected[1]).toBe(`${rejected[0]}.error.txt`);
    expect(await readFile(join(inbox, 'rejected', rejected[1] as string), 'utf8')).toContain('ccx did not accept bad\\nname.md');
    const again = await runCli(['inbox'], { cwd: repo, env, ...QUICK });
    expect([again.exitCode, again.stdout]).toEqual([0, '']);
    expect(again.stderr).toContain('is empty');
    expect((await readdir(join(stateDir, 'tasks'))).length).toBe(5);
  });
});

describe('refuse early', () => {
  it('skips a row whose title holds a NUL or an escape sequence, with its line:column, before anything runs', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n  title: "nul\\0inside"\n  status: pending\n- id: T-2\n  title: "\\e]0;pwned\\a\\e[2J"\n  status: pending\n- id: T-3\n  title: fine\n  status: pending\n- id: T-4\n  title: raw\0nul\n  status: pending\n'));
    const listed = await runCli(['tasks'], { cwd: repo, env, ...QUICK });
    expect(listed.exitCode).toBe(0);
    expect(listed.stderr).toContain(`${board}:11:10: T-1: title holds the control character \\x00 at character 4; a title is printable text only`);
    expect(listed.stderr).toContain(`${board}:14:10: T-2: title holds the control character \\e at character 1;`);
    expect(listed.stderr).toContain(`${board}:20:10: T-4: title holds the control character \\x00 at character 4;`);
    expect(listed.stdout).toContain('T-3  pending  normal    fine');
    expect(listed.stdout).toContain('T-1  -        -         (skipped: see the problem below)');
    const added = await runCli(['add', 'bell\u0007here'], { cwd: repo, env, ...QUICK });
    expect([added.exitCode, added.stderr]).toEqual([2, expect.stringContaining('the title holds the control character \\x07 at character 5')]);
  });

  it('says "tab" for a tab before a key, at its line:column', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n\ttitle: tabbed\n  status: pending\n'));
    const listed = await runCli(['tasks'], { cwd: repo, env, ...QUICK });
    expect(listed.exitCode).toBe(1);
    expect(listed.stderr).toContain(`${board}:11:1: the Tasks YAML has a tab before the key \`title\`; YAML indents with spaces only, so replace the tab with spaces.`);
  });

  it.each([
    ['a scope that climbs out', 'scope:\n  include: ["../../etc/**"]\n', 'scope "../../etc/**" leaves the repository'],
    ['an absolute scope', 'scope: [/etc/passwd]\n', 'scope "/etc/passwd" leaves the repository'],
    ['a NUL in the title', '', 'title holds the control character \\x00'],
    ['a tab before a key', '\tpriority: high\n', 'the front matter has a tab at line 3, column 1: it has a tab before the key `priority`'],
    ['a pathspec git rejects', 'scope: [":(bogus)src"]\n', 'git rejects the scope pathspec ":(bogus)src": Invalid pathspec magic'],
  ])('rejects an inbox submission with %s, with an .error.txt, and adds nothing', async (name, extra, reason) => {
    const { repo, env, board, inbox, stateDir } = await initialised();
    const before = await readFile(board, 'utf8');
    const title = name === 'a NUL in the title' ? '"with\\0nul"' : 'escape';
    await writeFile(join(inbox, 'bad.md'), `---\ntitle: ${title}\n${extra}---\nBody.\n`);
    const result = await runCli(['inbox'], { cwd: repo, env, ...QUICK });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`rejected bad.md: ${reason}`);
    expect(await readFile(join(inbox, 'rejected', 'bad.md.error.txt'), 'utf8')).toContain(reason);
    expect(await readFile(board, 'utf8')).toBe(before);
    expect(await readdir(join(stateDir, 'tasks'))).toEqual([]);
  });

  it('rejects a 6 MB inbox title naming the field and the limit, and a body past its limit', async () => {
    const { repo, env, board, inbox } = await initialised();
    const before = await readFile(board, 'utf8');
    await writeFile(join(inbox, 'huge-title.md'), `---\ntitle: ${'x'.repeat(6 * 1024 * 1024)}\n---\nBody.\n`);
    await writeFile(join(inbox, 'huge-body.md'), `---\ntitle: fine\n---\n${'words '.repeat(60_000)}\n`);
    const result = await runCli(['inbox'], { cwd: repo, env, ...QUICK });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('rejected huge-title.md: title is 6291456 characters long; a title is at most 500 characters');
    expect(result.stdout).toContain('rejected huge-body.md: the body is 352 KiB; the body (the brief) is at most 256 KiB');
    expect(await readFile(join(inbox, 'rejected', 'huge-title.md.error.txt'), 'utf8')).toContain('a title is at most 500 characters');
    expect(await readFile(board, 'utf8')).toBe(before);
  });
});

describe('text printed with control characters escaped', () => {
  const ESC_TEXT = '\u001b]0;pwned\u0007\u001b[2J';
  const ESCAPED = '\\e]0;pwned\\x07\\e[2J';

  it('ccx tasks, ccx inbox, ccx status, ccx logs and STATUS.md never print a raw escape sequence from a board or a submission', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [] });
    const { repo, env, paths } = target;
    const inbox = join(repo, '.ccx', 'inbox');
    // The submission: an escape sequence in the title (now refused), and one in the file name.
    await writeFile(join(inbox, 'title.md'), `---\ntitle: "x${ESC_TEXT.replaceAll('\u001b', '\\e').replaceAll('\u0007', '\\a')}"\nstatus: draft\n---\n`);
    await writeFile(join(inbox, `name${ESC_TEXT}.md`), '---\ntitle: a fine title\nstatus: draft\n---\n');
    const daemon = await runCli(['daemon', '--once'], { cwd: repo, env, ...QUICK });
    expect(daemon.exitCode, daemon.stderr).toBe(0);
    // A row with an escape sequence in a key and in bookkeeping a person can edit.
    const board = await readFile(paths.board, 'utf8');
    await writeFile(paths.board, board.replace('\n```\n', `\n- id: T-7\n  title: failed one\n  status: failed\n  exit_status: "${ESC_TEXT.replaceAll('\u001b', '\\e').replaceAll('\u0007', '\\a')}"\n- id: T-8\n  title: odd key\n  status: draft\n  "${ESC_TEXT.replaceAll('\u001b', '\\e').replaceAll('\u0007', '\\a')}": 1\n\`\`\`\n`));
    const again = await runCli(['daemon', '--once'], { cwd: repo, env, ...QUICK });
    expect(again.exitCode, again.stderr).toBe(0);
    const outputs = {
      tasks: await runCli(['tasks'], { cwd: repo, env, ...QUICK }),
      status: await runCli(['status'], { cwd: repo, env, ...QUICK }),
      logs: await runCli(['logs'], { cwd: repo, env: { ...env, NO_COLOR: '1' }, ...QUICK }),
    };
    for (const [command, run] of Object.entries(outputs)) {
      expect(run.stdout + run.stderr, command).not.toMatch(RAW_CONTROL_EXCEPT_NEWLINE);
    }
    expect(outputs.tasks.stderr).toContain(`T-8: ${ESCAPED} is not a row field`);
    expect(outputs.status.stdout).toContain(`T-7    failed    failed one  — ${ESCAPED}`);
    expect(outputs.logs.stdout).toContain(`name${ESCAPED}.md`);
    const statusMd = await readFile(paths.status, 'utf8');
    expect(statusMd).not.toMatch(RAW_CONTROL_EXCEPT_NEWLINE);
    expect(statusMd).toContain(`${ESCAPED} is not a row field`);
    const rejected = await readdir(join(inbox, 'rejected'));
    expect(await readFile(join(inbox, 'rejected', rejected.find((name) => name.endsWith('.error.txt')) as string), 'utf8')).not.toMatch(RAW_CONTROL_EXCEPT_NEWLINE);
  });
});
