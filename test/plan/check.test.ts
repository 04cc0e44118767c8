import { describe, expect, it } from 'vitest';
import { BUILT_IN_LADDER } from '../../src/loop/ladder/built-in.js';
import { checkAnswer, type PlanRules } from '../../src/plan/check.js';
import { literalFolder } from '../../src/plan/ground.js';
import { engineRepo } from '../helpers/engine.js';
import { answer, planned } from './fixtures/plans.js';

const ALIASES = BUILT_IN_LADDER.tiers.map((tier) => tier.alias);

async function rules(files: Record<string, string> = { 'src/a.ts': '', 'src/cli/main.ts': '', 'docs/guide.md': '', 'README.md': '' }, boardIds: string[] = []): Promise<PlanRules> {
  const { repo } = await engineRepo(files);
  return { repo, aliases: ALIASES, boardIds: new Set(boardIds) };
}

async function problemsOf(value: unknown, given?: PlanRules): Promise<string[]> {
  // As the agent prints it: a field set to undefined is a missing field.
  const checked = await checkAnswer({ structured: JSON.parse(JSON.stringify(value)) as unknown, text: '' }, given ?? (await rules()));
  return checked.ok ? [] : checked.problems;
}

describe('checking a plan answer', () => {
  it('accepts a good plan and orders every dependency before its dependents', async () => {
    const checked = await checkAnswer({ structured: undefined, text: `Here is the plan:\n${JSON.stringify(answer(
      planned('P1', { depends_on: ['P2', 'T-3'] }),
      planned('P2', { scope: { include: ['src/cli/**', 'src/new/**'], exclude: ['src/cli/main.ts'] } }),
    ))}\nDone.` }, await rules(undefined, ['T-3']));
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.map((task) => [task.key, task.dependsOn, task.newPaths])).toEqual([
      ['P2', [], [{ glob: 'src/new/**', field: 'include' }]],
      ['P1', ['P2', 'T-3'], []],
    ]);
  });

  it('reads JSON in a code fence, and says what is wrong with text that is not JSON', async () => {
    const fenced = await checkAnswer({ text: `\`\`\`json\n${JSON.stringify(answer(planned('P1')))}\n\`\`\`` }, await rules());
    expect(fenced.ok).toBe(true);
    const empty = await checkAnswer({ text: '  \n' }, await rules());
    expect(empty.ok ? [] : empty.problems).toMatchInlineSnapshot(`
      [
        "the answer was empty; it must be the plan as one JSON object {"tasks": [...]}",
      ]
    `);
    const prose = await checkAnswer({ text: 'I could not find anything to do.' }, await rules());
    expect(prose.ok ? [] : prose.problems).toMatchInlineSnapshot(`
      [
        "the answer is not JSON: it holds no object {"tasks": [...]}; it starts with "I could not find anything to do."",
      ]
    `);
    const torn = await checkAnswer({ text: '{"tasks": [{"key": "P1",' }, await rules());
    expect(torn.ok ? [] : torn.problems[0]).toMatch(/^the answer is not valid JSON \(.+\); it starts with "\{\\"tasks\\": \[\{\\"key\\": \\"P1\\","$/);
  });

  it('reports every schema problem at once, naming the task and field', async () => {
    const problems = await problemsOf(answer(
      planned('P1', { title: 'Two\nlines', priority: 'urgent', model_start: 'turbo', goal: '  ' }),
      planned('P1', { scope: { include: [], exclude: [] } }),
      planned('T-9'),
      { ...planned('P4', { acceptance: 'all of it', dependsOn: ['P1'] }), depends_on: undefined },
      planned('P5', { scope: { include: ['a', 'b', 'c', 'd', 'e', 'f'], exclude: [] } }),
      planned('P6', { scope: { include: ['', 'src/\0x', ':(icase)src', '/etc/**', 'src/a.ts '], exclude: [] } }),
      'P7',
    ));
    expect(problems).toMatchInlineSnapshot(`
      [
        "tasks[0] ("P1").title must be one line",
        "tasks[0] ("P1").priority must be one of high, normal, low, but it is "urgent"",
        "tasks[0] ("P1").model_start must be a rung of the model ladder (economy, default, strong, max), but it is "turbo"",
        "tasks[0] ("P1").goal is empty",
        "tasks[1] ("P1").scope.include has 0 globs; a task has 1 to 5",
        "tasks[2] ("T-9").key "T-9" looks like a board id; ccx assigns the ids, so name tasks P1, P2, …",
        "tasks[3] ("P4") has a field "dependsOn"; a task takes key, title, scope, depends_on, priority, model_start, goal, acceptance, context, out_of_scope, test_plan",
        "tasks[3] ("P4") has no "depends_on"",
        "tasks[3] ("P4").acceptance must be an array of strings, but it is the string "all of it"",
        "tasks[4] ("P5").scope.include has 6 globs; a task has 1 to 5",
        "tasks[5] ("P6").scope.include[0] "" is empty; write a glob such as "src/cli/**"",
        "tasks[5] ("P6").scope.include[1] "src/\\u0000x" holds a NUL or a line break; a glob is one line",
        "tasks[5] ("P6").scope.include[2] ":(icase)src" uses pathspec magic; write a plain glob such as "src/**" (use scope.exclude to leave paths out)",
        "tasks[5] ("P6").scope.include[3] "/etc/**" is absolute; globs are relative to the repository root (write "etc/**")",
        "tasks[5] ("P6").scope.include[4] "src/a.ts " starts or ends with white space",
        "tasks[6] must be an object with key, title, scope, depends_on, priority, model_start, goal, acceptance, context, out_of_scope, test_plan, but it is the string "P7"",
      ]
    `);
  });

  it('refuses a plan of 30 tasks, an empty plan, and an answer of the wrong shape', async () => {
    const thirty = Array.from({ length: 30 }, (_, index) => planned(`P${index + 1}`));
    expect(await problemsOf(answer(...thirty))).toMatchInlineSnapshot(`
      [
        ""tasks" has 30 tasks; a plan has at most 25: merge small tasks, or plan part of the work now and the rest later",
      ]
    `);
    expect(await problemsOf(answer())).toMatchInlineSnapshot(`
      [
        ""tasks" is empty; a plan has 1 to 25 tasks",
      ]
    `);
    expect(await problemsOf({ plan: [] })).toMatchInlineSnapshot(`
      [
        "the answer has a field "plan"; it takes only "tasks"",
        ""tasks" must be an array of tasks, but it is missing",
      ]
    `);
    expect(await problemsOf([planned('P1')])).toMatchInlineSnapshot(`
      [
        "the answer must be a JSON object {"tasks": [...]}, but it is an array",
      ]
    `);
  });

  it('refuses depends_on that names no task or row, the task itself, or a cycle', async () => {
    const problems = await problemsOf(answer(
      planned('P1', { depends_on: ['P3'] }),
      planned('P2', { depends_on: ['P1', 'T-7', 'P2'] }),
      planned('P3', { depends_on: ['P2'] }),
    ), await rules(undefined, ['T-1', 'T-2']));
    expect(problems).toMatchInlineSnapshot(`
      [
        "tasks[1] ("P2").depends_on names "T-7", which is neither the key of another task of this plan nor a row on the board (the board's ids are T-1, T-2)",
        "tasks[1] ("P2").depends_on names the task itself",
        "depends_on has a cycle: P1 → P3 → P2 → P1; a task can only wait for tasks that do not wait for it",
      ]
    `);
    expect(await problemsOf(answer(planned('P1', { depends_on: ['T-1'] })))).toMatchInlineSnapshot(`
      [
        "tasks[0] ("P1").depends_on names "T-1", which is neither the key of another task of this plan nor a row on the board (the board has no rows yet)",
      ]
    `);
  });

  it('does not call a dependency unknown when the task it names is only malformed', async () => {
    expect(await problemsOf(answer(planned('P1', { priority: 'asap' }), planned('P2', { depends_on: ['P1'] })))).toMatchInlineSnapshot(`
      [
        "tasks[0] ("P1").priority must be one of high, normal, low, but it is "asap"",
      ]
    `);
  });
});

describe('grounding globs on the tracked files', () => {
  it('keeps globs that match, and new paths inside folders that have files; drops invented ones from the scope, saying why', async () => {
    const checked = await checkAnswer({ structured: answer(
      planned('P1', { scope: { include: ['src/cli/**', 'src/cli/plan.ts', 'src/new/**', 'src/plan*.ts', 'CHANGELOG.md'], exclude: ['src/cli/plan.test.ts'] } }),
      planned('P2', { scope: { include: ['src/new/x.ts', 'docs/', 'README.md'], exclude: [] } }),
    ), text: '' }, await rules());
    expect(checked.ok && checked.value.map((task) => task.newPaths)).toEqual([
      [
        { glob: 'src/cli/plan.ts', field: 'include' },
        { glob: 'src/new/**', field: 'include' },
        { glob: 'src/plan*.ts', field: 'include' },
        { glob: 'CHANGELOG.md', field: 'include' },
        { glob: 'src/cli/plan.test.ts', field: 'exclude' },
      ],
      [{ glob: 'src/new/x.ts', field: 'include' }],
    ]);
    expect(checked.ok && checked.value.map((task) => task.dropped)).toEqual([[], []]);
    const invented = await checkAnswer({ structured: answer(
      planned('P1', { scope: { include: ['lib/foo/x.ts', 'lib/**', 'src/new/deeper/x.ts', '**/*.rs', '*.rs'], exclude: ['tests/x.ts'] } }),
      planned('P2', { scope: { include: ['lib/**', 'src/cli/**'], exclude: [] } }),
    ), text: '' }, await rules());
    expect(invented.ok).toBe(true);
    if (!invented.ok) return;
    const [task, other] = invented.value;
    expect(task?.scope).toEqual({ include: [], exclude: [] });
    expect(other?.scope).toEqual({ include: ['src/cli/**'], exclude: [] });
    expect(other?.dropped.map((path) => path.glob)).toEqual(['lib/**']);
    expect(task?.dropped.map((path) => `${path.field} ${path.glob}: it ${path.reason}`)).toMatchInlineSnapshot(`
      [
        "include lib/foo/x.ts: it matches no tracked file and is not a new path inside a folder that has tracked files (neither "lib/foo/" nor "lib/" has any)",
        "include lib/**: it matches no tracked file and is not a new path inside a folder that has tracked files ("lib/" has none, and ccx plan does not draft new top-level folders)",
        "include src/new/deeper/x.ts: it matches no tracked file and is not a new path inside a folder that has tracked files (neither "src/new/deeper/" nor "src/new/" has any)",
        "include **/*.rs: it matches no tracked file and is not a new path inside a folder that has tracked files (it names no folder)",
        "include *.rs: it matches no tracked file and is not a new path inside a folder that has tracked files (it names no folder)",
        "exclude tests/x.ts: it matches no tracked file and is not a new path inside a folder that has tracked files ("tests/" has none, and ccx plan does not draft new top-level folders)",
      ]
    `);
  });

  it('drops a glob git rejects, in git’s words, and refuses nothing for it', async () => {
    const checked = await checkAnswer({ structured: answer(planned('P1', { scope: { include: ['src/**', '../outside/**'], exclude: [] } })), text: '' }, await rules());
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value[0]?.scope.include).toEqual(['src/**']);
    expect(checked.value[0]?.dropped.map((path) => path.reason.replace(/ at '[^']+'/, " at '<repo>'"))).toMatchInlineSnapshot(`
      [
        "is not a pathspec git accepts (../outside/**: '../outside/**' is outside repository at '<repo>')",
      ]
    `);
  });

  it('reads the literal folder of a glob', () => {
    expect(['src/new/x.ts', 'src/new/**', 'src/new/', 'src/plan*.ts', './src/x.ts', 'CHANGELOG.md', 'docs/**', '**/*.ts', '*.md', 'src/../x', 'a//b/c'].map((glob) => `${glob} → ${JSON.stringify(literalFolder(glob))}`)).toMatchInlineSnapshot(`
      [
        "src/new/x.ts → "src/new"",
        "src/new/** → "src/new"",
        "src/new/ → "src/new"",
        "src/plan*.ts → "src"",
        "./src/x.ts → "src"",
        "CHANGELOG.md → """,
        "docs/** → "docs"",
        "**/*.ts → """,
        "*.md → """,
        "src/../x → null",
        "a//b/c → null",
      ]
    `);
  });
});
