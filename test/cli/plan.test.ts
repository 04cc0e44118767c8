import { readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';
import { SCRIPTED_AGENT } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';
import { answer, planned } from '../plan/fixtures/plans.js';

const FAKE_CLAUDE = fileURLToPath(new URL('../plan/fixtures/fake-claude-planner.mjs', import.meta.url));

const FILES = {
  'README.md': '# Demo\n\nA tiny repository for planning tests.\n',
  'src/cli/main.ts': 'export {};\n',
  'src/board/parse.ts': 'export {};\n',
  'test/board.test.ts': 'export {};\n',
  'docs/design.md': '# Design: a --json flag\n\nEvery list command gets a --json flag.\n',
};

interface PlanRepoOptions {
  /** The implementer as config.yaml writes it; default: the scripted agent with `planner` as its scenario. */
  agent?: string;
  env?: NodeJS.ProcessEnv;
}

/** An initialised repository whose implementer is the scripted agent, planning as `planner` says. */
async function planRepo(planner: object, options: PlanRepoOptions = {}) {
  const repo = await gitdir(FILES);
  const log = join(await testdir(), 'turns.jsonl');
  const env = await isolatedEnv({ CCX_SCRIPTED_LOG: log, ...options.env });
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  const scenario = join(await testdir(), 'scenario.json');
  await writeFile(scenario, JSON.stringify({ planner }));
  const agent = options.agent ?? `{type: command, argv: ${JSON.stringify([process.execPath, SCRIPTED_AGENT, scenario])}}`;
  await writeFile(join(stateDir, 'config.yaml'), [`repo: ${JSON.stringify(repo)}`, 'integration: main', 'agents:', `  implementer: ${agent}`, '  reviewer: {type: codex}', ''].join('\n'));
  const board = join(stateDir, 'BOARD.md');
  const scrub = (text: string) => text.split(stateDir).join('<state>').split(repo).join('<repo>').split(process.execPath).join('<node>').replace(/plans\/\d{8}T\d{6}Z(-\d+)?/g, 'plans/<time>');
  const turns = async () => (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { role: string; cycle: number; phase: string });
  const planFile = async (name: string) => {
    const [dir] = await readdir(join(stateDir, 'plans'));
    return readFile(join(stateDir, 'plans', dir ?? '', name), 'utf8');
  };
  return { repo, env, stateDir, board, scrub, turns, planFile, plan: (args: string[], cwd = repo) => runCli(['plan', ...args], { cwd, env }) };
}

const plan = (...answers: unknown[]) => ({ action: 'plan', answers });
const blockOf = (board: string) => board.slice(board.indexOf('```yaml'));
const briefNames = async (stateDir: string) => (await readdir(join(stateDir, 'tasks')).catch(() => [])).sort();

const GOOD = answer(
  planned('P1', {
    title: 'Add --json to ccx tasks',
    scope: { include: ['src/cli/**', 'test/cli/tasks-json.test.ts'], exclude: [] },
    depends_on: ['P2'],
    model_start: 'economy',
    goal: 'Scripts can read the task list.',
    acceptance: ['`ccx tasks --json` prints an array', 'The table output is unchanged'],
    context: 'The command lives in src/cli/main.ts.',
    out_of_scope: 'The board parser.',
    test_plan: 'A CLI test that parses the output.',
  }),
  planned('P2', { title: 'Expose the parsed rows', scope: { include: ['src/board/**'], exclude: [] }, priority: 'high', model_start: 'strong' }),
);

describe('ccx plan', () => {
  it('drafts the rows with their briefs, maps depends_on onto the new ids, and prints what to review', async () => {
    const { board, stateDir, scrub, turns, plan: run } = await planRepo(plan(GOOD));
    const before = await readFile(board, 'utf8');
    const result = await run(['Add a --json flag to the list commands']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(scrub(result.stdout)).toMatchInlineSnapshot(`
      "Drafted 2 tasks in <state>/BOARD.md (status: draft):

      ID   TITLE                    SCOPE                     DEPENDS ON  MODEL START
      T-1  Expose the parsed rows   src/board/**              -           strong
      T-2  Add --json to ccx tasks  src/cli/** +1 more (new)  T-1         economy

      (new): the glob matches no file yet, so the task creates it (the row's notes say which).

      Before you flip a row to pending, review:
      - its brief (<state>/tasks/<id>.md): the goal, the acceptance checklist, the test plan;
      - its scope: the task may change only what the globs match, and tasks whose scopes overlap do not run at once;
      - depends_on (a task waits until those are merged) and model_start (the rung it starts on).
      Edit the rows with \`ccx board\`; the daemon leaves drafts alone until you set status: pending.
      "
    `);
    expect(scrub(result.stderr)).toMatchInlineSnapshot(`
      "ccx plan: asking command (<node>) for a plan …
      "
    `);
    const after = await readFile(board, 'utf8');
    expect(after.slice(0, before.indexOf('```\n', before.indexOf('```yaml') + 7))).toBe(before.slice(0, before.indexOf('```\n', before.indexOf('```yaml') + 7)));
    expect(blockOf(after)).toMatchInlineSnapshot(`
      "\`\`\`yaml
      # - id: T-1
      #   title: Add a --verbose flag to the CLI
      #   status: draft              # draft -> pending when it is ready to run
      #   scope:
      #     include: [src/cli/**]    # git pathspecs the task may change (empty: the whole repository)
      #     exclude: []
      #   priority: normal           # high | normal | low
      #   depends_on: []             # ids that must be merged first
      #   notes: |
      #     Anything the agents should know.
      - id: T-1
        title: Expose the parsed rows
        status: draft
        priority: high
        scope:
          include:
            - src/board/**
          exclude: []
        model_start: strong
        brief: tasks/T-1.md
      - id: T-2
        title: Add --json to ccx tasks
        status: draft
        priority: normal
        scope:
          include:
            - src/cli/**
            - test/cli/tasks-json.test.ts
          exclude: []
        depends_on:
          - T-1
        model_start: economy
        brief: tasks/T-2.md
        notes: "test/cli/tasks-json.test.ts matches no file yet: the task creates it"
      \`\`\`
      "
    `);
    expect(await briefNames(stateDir)).toEqual(['T-1.md', 'T-2.md']);
    expect(await readFile(join(stateDir, 'tasks', 'T-2.md'), 'utf8')).toMatchInlineSnapshot(`
      "---
      id: T-2
      title: Add --json to ccx tasks
      scope:
        include:
          - src/cli/**
          - test/cli/tasks-json.test.ts
        exclude: []
      depends_on:
        - T-1
      ---

      # T-2: Add --json to ccx tasks

      ## Goal

      Scripts can read the task list.

      ## Acceptance

      - [ ] \`ccx tasks --json\` prints an array
      - [ ] The table output is unchanged

      ## Context

      The command lives in src/cli/main.ts.

      New files:
      - test/cli/tasks-json.test.ts matches no file yet: the task creates it

      ## Out of scope

      The board parser.

      ## Test plan

      A CLI test that parses the output.

      ## Decisions

      <!-- Answers to questions that came up, one per line: \`- q: … / a: …\`. -->
      "
    `);
    expect(await turns()).toMatchObject([{ role: 'planner', phase: 'plan', cycle: 1 }]);
  });

  it('--append: ids go on after the highest ever used (rows, and briefs whose rows are gone), and may depend on existing rows', async () => {
    const { board, stateDir, env, repo, planFile, plan: run } = await planRepo(plan(answer(
      planned('P1', { title: 'Second step', scope: { include: ['src/board/parse.ts'], exclude: [] }, depends_on: ['T-1'] }),
      planned('P2', { title: 'Third step', scope: { include: ['docs/**'], exclude: [] }, depends_on: ['P1', 'T-2'] }),
    )));
    for (const title of ['First', 'Second', 'Gone later']) expect((await runCli(['add', title], { cwd: repo, env })).exitCode).toBe(0);
    await rm(join(stateDir, 'tasks', 'T-2.md'));
    const text = await readFile(board, 'utf8');
    await writeFile(board, text.slice(0, text.indexOf('- id: T-3')) + text.slice(text.indexOf('```', text.indexOf('- id: T-3'))));
    const result = await run(['--append', 'Finish the work']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('T-4  Second step  src/board/parse.ts  T-1         default\nT-5  Third step   docs/**             T-4, T-2    default\n');
    expect(await briefNames(stateDir)).toEqual(['T-1.md', 'T-3.md', 'T-4.md', 'T-5.md']);
    expect(await readFile(join(stateDir, 'tasks', 'T-5.md'), 'utf8')).toContain('depends_on:\n  - T-4\n  - T-2\n---');
    expect(await planFile('try1.prompt.md')).toContain("## The board's tasks (ids you may name in depends_on)\n\n```\nT-1  pending  First\nT-2  pending  Second\n```");
  });

  it('retries a malformed answer once, quoting the problems back, and drafts the second answer', async () => {
    const { board, stateDir, turns, planFile, plan: run } = await planRepo(plan('{"tasks": [{"key": "P1", oops', GOOD));
    const result = await run(['Add a --json flag']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Drafted 2 tasks');
    expect(result.stderr).toContain('its answer was refused (1 problem, listed in');
    const retry = await planFile('try2.prompt.md');
    expect(retry.slice(retry.indexOf('## Your previous answer was refused')).replace(/\(.*JSON.*\)/, '(<parser message>)')).toMatchInlineSnapshot(`
      "## Your previous answer was refused

      ccx checked your previous answer and found this problem:

      - the answer is not valid JSON (<parser message>); it starts with "{\\"tasks\\": [{\\"key\\": \\"P1\\", oops"

      Your previous answer:

      \`\`\`
      {"tasks": [{"key": "P1", oops
      \`\`\`

      Answer again with the whole corrected JSON object. This is the last try: ccx gives up on a second refused answer.
      "
    `);
    expect((await turns()).map((turn) => [turn.phase, turn.cycle])).toEqual([['plan', 1], ['plan', 2]]);
    expect(await briefNames(stateDir)).toEqual(['T-1.md', 'T-2.md']);
    expect(await readFile(board, 'utf8')).toContain('- id: T-2');
  });

  it('a second refused answer fails with every problem, and leaves the board and tasks/ untouched', async () => {
    const { board, stateDir, scrub, plan: run } = await planRepo(plan('not json at all', answer(planned('P1', { priority: 'urgent', depends_on: ['P9'] }))));
    const before = await readFile(board);
    const result = await run(['Add a --json flag']);
    expect(result.exitCode).toBe(1);
    expect(scrub(result.stderr)).toMatchInlineSnapshot(`
      "ccx plan: asking command (<node>) for a plan …
      ccx plan: its answer was refused (1 problem, listed in <state>/plans/<time>/try1.problems.txt)
      ccx plan: asking command (<node>) for a plan, once more with the problems of its first answer …
      ccx plan: the planning agent's answer was refused twice. The problems with its second answer:
        - tasks[0] ("P1").priority must be one of high, normal, low, but it is "urgent"
        - tasks[0] ("P1").depends_on names "P9", which is neither the key of another task of this plan nor a row on the board (the board has no rows yet)
        Its prompts and answers are in <state>/plans/<time>. Nothing was written: the board and the briefs are unchanged. Run ccx plan again, perhaps with a narrower prompt, or add rows yourself (ccx add).
      "
    `);
    expect(await readFile(board)).toEqual(before);
    expect(await briefNames(stateDir)).toEqual([]);
    const [dir] = await readdir(join(stateDir, 'plans'));
    expect((await readdir(join(stateDir, 'plans', dir ?? ''))).sort()).toEqual(['try1.out', 'try1.problems.txt', 'try1.prompt.md', 'try2.out', 'try2.problems.txt', 'try2.prompt.md']);
  });

  it('a link planted at STATE_DIR/plans is refused: no prompt or answer is written outside STATE_DIR', async () => {
    const { board, stateDir, plan: run } = await planRepo(plan(GOOD));
    const outside = await testdir();
    await symlink(outside, join(stateDir, 'plans'));
    const before = await readFile(board);
    const result = await run(['Add a --json flag']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${join(stateDir, 'plans')} is a symbolic link (to ${outside}) that ccx did not make`);
    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(board)).toEqual(before);
  });

  it('invented globs: one under no existing folder is dropped from the row and named in its notes, without a second (paid) try; a new file inside an existing folder is kept with a note', async () => {
    const invented = answer(
      planned('P1', { title: 'Add the json printer', scope: { include: ['lib/json/**', 'src/cli/json.ts', 'src/cli/main.ts'], exclude: [] } }),
      planned('P2', { title: 'Only invented', scope: { include: ['lib/other/**'], exclude: [] } }),
    );
    const { repo, env, board, stateDir, scrub, turns, plan: run } = await planRepo(plan(invented));
    const result = await run(['Add a --json flag']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await turns()).length).toBe(1);
    expect(scrub(result.stdout)).toContain('T-1  Add the json printer  src/cli/json.ts (new) +1 more  -           default');
    expect(scrub(result.stdout)).toContain('T-2  Only invented         (whole repository)');
    expect(scrub(result.stdout)).toContain([
      'Dropped from a scope (named in the row\'s notes too):',
      '- T-1: lib/json/** was dropped from the scope: it matches no tracked file and is not a new path inside a folder that has tracked files (neither "lib/json/" nor "lib/" has any)',
      '- T-2: lib/other/** was dropped from the scope: it matches no tracked file and is not a new path inside a folder that has tracked files (neither "lib/other/" nor "lib/" has any)',
    ].join('\n'));
    const block = blockOf(await readFile(board, 'utf8'));
    expect(block).toContain('  status: draft\n');
    expect(block).toContain('    include:\n      - src/cli/json.ts\n      - src/cli/main.ts\n    exclude: []\n');
    expect(block).toContain('  notes: |-\n    src/cli/json.ts matches no file yet: the task creates it\n    lib/json/** was dropped from the scope: it matches no tracked file');
    expect(block).toContain('every include glob was dropped, so the scope is now the whole repository: narrow it before you flip the row to pending');
    expect(await briefNames(stateDir)).toEqual(['T-1.md', 'T-2.md']);
    expect(await readFile(join(stateDir, 'tasks', 'T-1.md'), 'utf8')).toContain('Scope notes:\n- src/cli/json.ts matches no file yet: the task creates it\n- lib/json/** was dropped from the scope');
    const [dir] = await readdir(join(stateDir, 'plans'));
    expect((await readdir(join(stateDir, 'plans', dir ?? ''))).sort()).toEqual(['try1.out', 'try1.prompt.md']);
    // Both rows are valid drafts on the board, not skipped ones.
    const listed = await runCli(['tasks'], { cwd: repo, env });
    expect([listed.exitCode, listed.stderr]).toEqual([0, '']);
    expect(listed.stdout).toContain('T-2  draft   normal    Only invented');
  });

  it('a title with an escape sequence is a malformed answer: refused and asked once more, and nothing raw reaches the terminal', async () => {
    const hostile = answer(planned('P1', { title: 'Pwn \u001b]0;owned\u0007\u001b[2J' }));
    const { board, scrub, turns, planFile, plan: run } = await planRepo(plan(hostile, GOOD));
    const result = await run(['Add a --json flag']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await turns()).length).toBe(2);
    // eslint-disable-next-line no-control-regex -- finding raw control characters is the point
    expect(result.stdout + result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(scrub(result.stderr)).toContain('its answer was refused (1 problem, listed in <state>/plans/<time>/try1.problems.txt)');
    expect(await planFile('try1.problems.txt')).toContain('.title holds the control character \\e; a title is printable text only');
    expect(blockOf(await readFile(board, 'utf8'))).not.toContain('Pwn');
  });

  it('refuses a plan of 30 tasks, and a dependency on a task that does not exist', async () => {
    const thirty = answer(...Array.from({ length: 30 }, (_, index) => planned(`P${index + 1}`)));
    const big = await planRepo(plan(thirty));
    const before = await readFile(big.board, 'utf8');
    const refused = await big.plan(['Everything at once']);
    expect(refused.exitCode).toBe(1);
    expect(big.scrub(refused.stderr)).toMatchInlineSnapshot(`
      "ccx plan: asking command (<node>) for a plan …
      ccx plan: its answer was refused (1 problem, listed in <state>/plans/<time>/try1.problems.txt)
      ccx plan: asking command (<node>) for a plan, once more with the problems of its first answer …
      ccx plan: the planning agent's answer was refused twice. The problems with its second answer:
        - "tasks" has 30 tasks; a plan has at most 25: merge small tasks, or plan part of the work now and the rest later
        Its prompts and answers are in <state>/plans/<time>. Nothing was written: the board and the briefs are unchanged. Run ccx plan again, perhaps with a narrower prompt, or add rows yourself (ccx add).
      "
    `);
    expect(await readFile(big.board, 'utf8')).toBe(before);

    const dangling = await planRepo(plan(answer(planned('P1', { depends_on: ['T-7'] }), planned('P2', { depends_on: ['P3'] }))));
    const failed = await dangling.plan(['Two steps']);
    expect(failed.exitCode).toBe(1);
    expect(dangling.scrub(failed.stderr)).toMatchInlineSnapshot(`
      "ccx plan: asking command (<node>) for a plan …
      ccx plan: its answer was refused (2 problems, listed in <state>/plans/<time>/try1.problems.txt)
      ccx plan: asking command (<node>) for a plan, once more with the problems of its first answer …
      ccx plan: the planning agent's answer was refused twice. The problems with its second answer:
        - tasks[0] ("P1").depends_on names "T-7", which is neither the key of another task of this plan nor a row on the board (the board has no rows yet)
        - tasks[1] ("P2").depends_on names "P3", which is neither the key of another task of this plan nor a row on the board (the board has no rows yet)
        Its prompts and answers are in <state>/plans/<time>. Nothing was written: the board and the briefs are unchanged. Run ccx plan again, perhaps with a narrower prompt, or add rows yourself (ccx add).
      "
    `);
    expect(await briefNames(dangling.stateDir)).toEqual([]);
  });

  it('--append on a hand-edited board (CRLF, comments, odd spacing) changes no byte but adds the rows', async () => {
    const { board, env, repo, plan: run } = await planRepo(plan(answer(planned('P1', { title: 'Add --json', scope: { include: ['src/cli/**'], exclude: [] }, depends_on: ['T-1'] }))));
    const handEdited = [
      '# Board', '', '## Direction', '', 'Keep   it  small.', '', '## Tasks', '', 'Prose about the tasks.', '',
      '```yaml',
      '# my own comment',
      '  - id: T-1     # the first one',
      "    title:   'Hand written'",
      '    status: merged',
      '',
      '',
      '  - {id: T-2, title: "Flow row", status: draft}   ',
      '',
      '  # a comment after the rows',
      '```',
      '',
      'Notes after the block.',
      '',
    ].join('\r\n');
    await writeFile(board, handEdited);
    const result = await run(['--append', 'Add a --json flag']);
    expect(result.exitCode, result.stderr).toBe(0);
    const after = await readFile(board, 'utf8');
    const fence = handEdited.lastIndexOf('```\r\n\r\nNotes');
    expect(after.slice(0, fence)).toBe(handEdited.slice(0, fence));
    expect(after.slice(after.length - (handEdited.length - fence))).toBe(handEdited.slice(fence));
    const added = after.slice(fence, after.length - (handEdited.length - fence));
    expect(added.replace(/\r\n/g, '')).not.toContain('\n');
    expect(added.split('\r\n')).toMatchInlineSnapshot(`
      [
        "",
        "  - id: T-3",
        "    title: Add --json",
        "    status: draft",
        "    priority: normal",
        "    scope:",
        "      include:",
        "        - src/cli/**",
        "      exclude: []",
        "    depends_on:",
        "      - T-1",
        "    model_start: default",
        "    brief: tasks/T-3.md",
        "",
      ]
    `);
    const tasks = await runCli(['tasks', '--json'], { cwd: repo, env });
    expect((JSON.parse(tasks.stdout) as Array<{ id: string; problems: unknown[] }>).map((row) => [row.id, row.problems])).toEqual([['T-1', []], ['T-2', []], ['T-3', []]]);
  });

  it('without --append, refuses a board that has rows, naming --append, before asking the agent (and a flow-style list even with it)', async () => {
    const { board, env, repo, stateDir, scrub, turns, plan: run } = await planRepo(plan(GOOD));
    expect((await runCli(['add', 'Already here', '--draft'], { cwd: repo, env })).exitCode).toBe(0);
    const before = await readFile(board, 'utf8');
    const result = await run(['Add a --json flag']);
    expect([result.exitCode, scrub(result.stderr)]).toMatchInlineSnapshot(`
      [
        1,
        "ccx plan: <state>/BOARD.md already has 1 task row, and ccx plan without --append writes only to a board with none.
        Run the same ccx plan with --append to add the new rows after the existing ones.
      ",
      ]
    `);
    expect(await readFile(board, 'utf8')).toBe(before);
    expect(await turns()).toEqual([]);
    expect(await briefNames(stateDir)).toEqual(['T-1.md']);

    const flow = before.replace(/```yaml\n[\s\S]*?```\n/, '```yaml\n[{id: T-1, title: Flow, status: draft}]\n```\n');
    await writeFile(board, flow);
    const flowResult = await run(['--append', 'Add a --json flag']);
    expect([flowResult.exitCode, scrub(flowResult.stderr)]).toMatchInlineSnapshot(`
      [
        1,
        "ccx plan: <state>/BOARD.md writes its Tasks list in flow style ([...]); ccx adds rows only to a block list.
        Rewrite the list with one \`- id: T-<n>\` row per line, then plan again.
      ",
      ]
    `);
    expect(await readFile(board, 'utf8')).toBe(flow);
    expect(await turns()).toEqual([]);
  });

  it('--from plans from a design note, relative to the repository root from any folder', async () => {
    const { planFile, plan: run, repo } = await planRepo(plan(GOOD));
    const result = await run(['--from', 'docs/design.md'], join(repo, 'src', 'cli'));
    expect(result.exitCode, result.stderr).toBe(0);
    const prompt = await planFile('try1.prompt.md');
    expect(prompt).toContain('## The work: the design document docs/design.md\n\n```markdown\n# Design: a --json flag\n\nEvery list command gets a --json flag.\n```');
    expect(prompt).toContain('## README.md (its start)\n\n```\n# Demo\n\nA tiny repository for planning tests.\n```');
    expect(prompt).toContain("## The repository's tracked files\n\n```\n5 tracked files:\nREADME.md\ndocs/design.md\nsrc/board/parse.ts\nsrc/cli/main.ts\ntest/board.test.ts\n```");
  });

  it('--from refuses a path outside the repository, also through a link, and says what to do', async () => {
    const { repo, board, stateDir, scrub, turns, plan: run } = await planRepo(plan(GOOD));
    const outside = await testdir({ 'note.md': '# Outside\n' });
    await symlink(join(outside, 'note.md'), join(repo, 'docs', 'linked.md'));
    const before = await readFile(board, 'utf8');
    const results = [];
    for (const from of ['../outside.md', join(outside, 'note.md'), 'docs/linked.md', 'docs/missing.md', 'docs']) {
      const result = await run(['--from', from]);
      results.push(`${result.exitCode} ${scrub(result.stderr.split(outside).join('<outside>'))}`);
    }
    expect(results).toMatchInlineSnapshot(`
      [
        "2 ccx plan: --from "../outside.md" leads outside the repository <repo>.
        ccx plan reads documents inside the repository only: copy the file into it, or pass its text as the prompt.
      ",
        "2 ccx plan: --from "<outside>/note.md" leads outside the repository <repo>.
        ccx plan reads documents inside the repository only: copy the file into it, or pass its text as the prompt.
      ",
        "2 ccx plan: --from "docs/linked.md" leads outside the repository <repo>.
        ccx plan reads documents inside the repository only: copy the file into it, or pass its text as the prompt.
      ",
        "2 ccx plan: --from "docs/missing.md": <repo>/docs/missing.md does not exist.
        The path is relative to the repository root, not to the current folder.
      ",
        "2 ccx plan: --from "docs" is not a file.
        Point --from at a text file such as docs/design.md.
      ",
      ]
    `);
    expect(await readFile(board, 'utf8')).toBe(before);
    expect(await turns()).toEqual([]);
    expect(await briefNames(stateDir)).toEqual([]);
  });

  it('needs exactly one of a prompt and --from', async () => {
    const { plan: run } = await planRepo(plan(GOOD));
    const neither = await run([]);
    const both = await run(['Do it', '--from', 'docs/design.md']);
    expect([neither.exitCode, neither.stderr, both.exitCode, both.stderr]).toMatchInlineSnapshot(`
      [
        2,
        "ccx plan: say what to plan: a prompt or --from <path>.
        Usage: ccx plan "<prompt>" | --from <path> [--append]
      ",
        2,
        "ccx plan: give a prompt or --from <path>, not both.
        Usage: ccx plan "<prompt>" | --from <path> [--append]
      ",
      ]
    `);
  });

  it('a usage limit or a missing agent binary: says what to do, exits 1, writes nothing', async () => {
    const limited = await planRepo({ action: 'limit', retryAfter: '2031-01-02T03:04:05Z' });
    const before = await readFile(limited.board, 'utf8');
    const result = await limited.plan(['Add a --json flag']);
    expect([result.exitCode, limited.scrub(result.stderr)]).toMatchInlineSnapshot(`
      [
        1,
        "ccx plan: asking command (<node>) for a plan …
      ccx plan: the planning agent gave no plan. The command agent "<node>" hit its usage limit (it said: "usage limit reached (scripted)"). This is not a failure. It resets at 2031-01-02T03:04:05.000Z; wait until then and run the same turn again.
        Wait until 2031-01-02T03:04:05.000Z, then run the same ccx plan again. Nothing was written: the board and the briefs are unchanged.
      ",
      ]
    `);
    expect(await readFile(limited.board, 'utf8')).toBe(before);
    expect(await briefNames(limited.stateDir)).toEqual([]);

    const missing = await planRepo(plan(GOOD), { agent: '{type: command, argv: [/nonexistent/ccx-planner]}' });
    const failed = await missing.plan(['Add a --json flag']);
    expect([failed.exitCode, missing.scrub(failed.stderr)]).toMatchInlineSnapshot(`
      [
        1,
        "ccx plan: asking command (/nonexistent/ccx-planner) for a plan …
      ccx plan: the planning agent gave no plan. The command agent could not start: "/nonexistent/ccx-planner" was not found. Fix the agent's argv in config.yaml: its first item must be a program on PATH or an absolute path to an executable file.
        Install the agent, or fix agents.implementer in config.yaml, then run ccx plan again. Nothing was written: the board and the briefs are unchanged.
      ",
      ]
    `);
    expect(await briefNames(missing.stateDir)).toEqual([]);
  });

  it('claude plans read only, gets the schema through --json-schema, and its structured output is the answer', async () => {
    const dir = await testdir({ 'plan.json': JSON.stringify(GOOD) });
    const log = join(dir, 'claude.jsonl');
    const claude = await planRepo({}, { agent: '{type: claude}', env: { CCX_CLAUDE_BIN: FAKE_CLAUDE, FAKE_PLAN_ANSWER: join(dir, 'plan.json'), FAKE_CLAUDE_LOG: log } });
    const result = await claude.plan(['Add a --json flag']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Drafted 2 tasks');
    const [call] = (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; cwd: string });
    expect(call?.cwd).toBe(claude.repo);
    const flag = (name: string) => call?.args[(call.args.indexOf(name)) + 1];
    expect([flag('--permission-mode'), flag('--model'), flag('--effort'), call?.args.find((arg) => arg.startsWith('--disallowedTools='))]).toEqual(['default', 'sonnet', 'high', '--disallowedTools=Edit,Write,NotebookEdit']);
    expect(JSON.parse(flag('--json-schema') ?? '{}')).toMatchObject({ required: ['tasks'], properties: { tasks: { items: { properties: { model_start: { enum: ['economy', 'default', 'strong', 'max'] } } } } } });

    const loggedOut = await planRepo({}, { agent: '{type: claude}', env: { CCX_CLAUDE_BIN: FAKE_CLAUDE, FAKE_CLAUDE_LOGGED_OUT: '1' } });
    const failed = await loggedOut.plan(['Add a --json flag']);
    expect([failed.exitCode, loggedOut.scrub(failed.stderr)]).toMatchInlineSnapshot(`
      [
        1,
        "ccx plan: asking claude (sonnet/high) for a plan …
      ccx plan: the planning agent gave no plan. Claude Code is not logged in or its credentials were refused (it said: "Not logged in · Please run /login"). Run \`claude\` in a terminal and type /login (or set CLAUDE_CODE_OAUTH_TOKEN from \`claude setup-token\`, or ANTHROPIC_API_KEY), then let ccx retry the turn.
        Log the agent in as it says, then run the same ccx plan again. Nothing was written: the board and the briefs are unchanged.
      ",
      ]
    `);
    expect(await briefNames(loggedOut.stateDir)).toEqual([]);
  });

  it('says to run ccx init first in a repository that is not set up', async () => {
    const repo = await gitdir(FILES);
    const result = await runCli(['plan', 'Anything'], { cwd: repo, env: await isolatedEnv() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Run `ccx init` in the repository first.');
  });
});
