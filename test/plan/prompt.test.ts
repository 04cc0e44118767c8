import { describe, expect, it } from 'vitest';
import { BUILT_IN_LADDER } from '../../src/loop/ladder/built-in.js';
import { fileOverview } from '../../src/plan/overview.js';
import { MAX_BOARD_ROWS_CHARS, MAX_DIRECTION_CHARS, MAX_QUOTED_ANSWER_CHARS, MAX_README_CHARS, planPrompt, type PlanPromptInput } from '../../src/plan/prompt.js';
import { planSchema } from '../../src/plan/schema.js';

const aliases = BUILT_IN_LADDER.tiers.map((tier) => tier.alias);

function input(overrides: Partial<PlanPromptInput> = {}): PlanPromptInput {
  return {
    work: { kind: 'prompt', text: 'Add a --json flag.' },
    overview: fileOverview(['README.md', 'src/a.ts']),
    readme: { name: 'README.md', text: '# Demo\n' },
    direction: 'Keep it small.',
    rows: [{ id: 'T-1', status: 'merged', title: 'First' }],
    aliases,
    schema: planSchema(aliases),
    ...overrides,
  };
}

const headings = (prompt: string) => [...prompt.matchAll(/^## .*$/gm)].map((match) => match[0]);

describe('the planning prompt', () => {
  it('has the work, the guidance, the repository, the board and the schema, in that order; the retry adds the problems last', () => {
    const first = planPrompt(input());
    expect(headings(first)).toMatchInlineSnapshot(`
      [
        "## The work",
        "## How to slice it",
        "## The repository's tracked files",
        "## README.md (its start)",
        "## The board's Direction",
        "## The board's tasks (ids you may name in depends_on)",
        "## Your answer",
      ]
    `);
    expect(first).toContain('economy for docs, config, tests or a change to one file; default for normal work; strong for cross-file changes, migrations, concurrency or security; max for architecture.');
    const retry = planPrompt(input(), { problems: ['tasks[0] ("P1").priority must be one of high, normal, low, but it is "urgent"'], text: '{"tasks": []}' });
    expect(retry.startsWith(first.trimEnd())).toBe(true);
    expect(headings(retry).at(-1)).toBe('## Your previous answer was refused');
    expect(retry).toContain('- tasks[0] ("P1").priority must be one of high, normal, low, but it is "urgent"\n\nYour previous answer:\n\n```\n{"tasks": []}\n```');
  });

  it('stays bounded whatever the README, the Direction, the board and the refused answer hold', () => {
    const rows = Array.from({ length: 5000 }, (_, index) => ({ id: `T-${index + 1}`, status: 'pending', title: `A task with a title of some length, number ${index + 1}` }));
    const files = Array.from({ length: 100_000 }, (_, index) => `src/module${index % 300}/part${index % 7}/file${index}.ts`);
    const huge = 'x'.repeat(1_000_000);
    const prompt = planPrompt(input({ overview: fileOverview(files), readme: { name: 'README.md', text: huge }, direction: huge, rows }), { problems: Array.from({ length: 500 }, (_, index) => `problem ${index}`), text: huge });
    const bound = 16_000 + MAX_README_CHARS + MAX_DIRECTION_CHARS + MAX_BOARD_ROWS_CHARS + MAX_QUOTED_ANSWER_CHARS + 30 * 20 + 12_000;
    expect(prompt.length).toBeLessThan(bound);
    expect(prompt).toContain('[ccx: ');
    expect(prompt).toContain('- … and 470 more of the same kinds');
  });

  it('lists every tracked file when they fit, else summarises folders at the deepest level that fits', () => {
    expect(fileOverview([])).toBe('The repository tracks no files yet.');
    expect(fileOverview(['a.md', 'src/x.ts'])).toBe('2 tracked files:\na.md\nsrc/x.ts');
    const files = ['README.md', ...Array.from({ length: 50 }, (_, index) => `src/cli/commands/c${index}.ts`), 'src/cli/main.ts', 'src/index.ts', 'test/a.test.ts'];
    expect(fileOverview(files, 200)).toMatchInlineSnapshot(`
      "54 tracked files; each folder 3 levels deep is one line with the number of files in it:
      README.md
      src/cli/commands/ (50 files)
      src/cli/main.ts
      src/index.ts
      test/a.test.ts"
    `);
    expect(fileOverview(files, 60)).toMatchInlineSnapshot(`
      "54 tracked files; each folder 2 levels deep is one line with the number of files in it:
      README.md
      src/cli/ (51 files)
      src/index.ts
      test/a.test.ts"
    `);
    expect(fileOverview(files, 30)).toMatchInlineSnapshot(`
      "54 tracked files, by top-level folder with the number of files in it; 1 more entry is left out:
      README.md
      src/ (52 files)"
    `);
  });
});
