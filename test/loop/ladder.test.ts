import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_LADDER, loadLadder, modelFor, rungAbove, rungFor } from '../../src/loop/index.js';
import { messageOf } from '../helpers/engine.js';
import { testdir } from '../helpers/testdir.js';

async function ladderError(text: string): Promise<string> {
  const dir = await testdir();
  const path = join(dir, 'model-ladder.json');
  await writeFile(path, text);
  const error = await loadLadder(path).then(() => null, (caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'LADDER_INVALID' });
  return messageOf(error, { [dir]: '<state>' });
}

const tier = (alias: string, extra: object = {}) => ({ alias, claude: { model: 'sonnet', effort: 'high' }, codex: { model: 'gpt-5.5' }, ...extra });

describe('the model ladder', () => {
  it('is the built-in ladder without a file, and the file replaces it', async () => {
    const dir = await testdir();
    const path = join(dir, 'model-ladder.json');
    expect(await loadLadder(path)).toBe(BUILT_IN_LADDER);
    expect(BUILT_IN_LADDER.tiers.map((rung) => `${rung.alias} ${rung.claude.model}/${rung.claude.effort} ${rung.codex.model}`)).toEqual([
      'economy sonnet/medium gpt-5.5', 'default sonnet/high gpt-5.5', 'strong opus/high gpt-5.5', 'max opus/max gpt-5.5',
    ]);
    const custom = { default_start: 'cheap', tiers: [tier('cheap'), { alias: 'big', claude: { model: 'opus', effort: 'max' }, codex: { model: 'gpt-6', effort: 'xhigh' } }] };
    await writeFile(path, JSON.stringify(custom, null, 2));
    const ladder = await loadLadder(path);
    expect(ladder.defaultStart).toBe('cheap');
    expect(rungFor(ladder, undefined).alias).toBe('cheap');
    expect(rungAbove(ladder, 'cheap')?.alias).toBe('big');
    expect(rungAbove(ladder, 'big')).toBeNull();
    expect(modelFor(rungFor(ladder, 'big'), 'codex', 'reviewer')).toEqual({ model: 'gpt-6', effort: 'xhigh' });
  });

  it('gives each agent type its pair: claude its own, codex its own (effort from claude when unset), command by role', () => {
    const rung = rungFor(BUILT_IN_LADDER, 'max');
    expect(modelFor(rung, 'claude', 'reviewer')).toEqual({ model: 'opus', effort: 'max' });
    expect(modelFor(rung, 'codex', 'implementer')).toEqual({ model: 'gpt-5.5', effort: 'max' });
    expect(modelFor(rung, 'command', 'implementer')).toEqual({ model: 'opus', effort: 'max' });
    expect(modelFor(rung, 'command', 'reviewer')).toEqual({ model: 'gpt-5.5', effort: 'max' });
    expect(() => rungFor(BUILT_IN_LADDER, 'turbo')).toThrow('model_start "turbo" is not a rung of the model ladder; the rungs are economy, default, strong, max.');
  });

  it('rejects duplicate aliases, a missing model and an unknown default_start, naming line, column and field', async () => {
    const text = JSON.stringify({ default_start: 'fast', tiers: [tier('a'), tier('a'), { alias: 'b', claude: { effort: 'high' }, codex: {} }] }, null, 2);
    expect(await ladderError(text)).toMatchInlineSnapshot(`
      "model-ladder.json has 4 problems:
      <state>/model-ladder.json:15:16: tiers[1].alias "a" is already the alias of tiers[0]; aliases must be unique.
      <state>/model-ladder.json:26:17: tiers[2].claude.model is missing: name the model, such as "sonnet".
      <state>/model-ladder.json:29:16: tiers[2].codex.model is missing: name the model, such as "gpt-5.5".
      <state>/model-ladder.json:2:20: "default_start" is "fast", which is not the alias of any tier; the aliases are a.
      Fix the file (example: {"default_start": "default", "tiers": [{"alias": "default", "claude": {"model": "sonnet", "effort": "high"}, "codex": {"model": "gpt-5.5"}}]}), or remove it to use the built-in ladder."
    `);
  });

  it('rejects a bad effort, unknown fields, an empty list, codex max and bad JSON', async () => {
    expect(await ladderError(JSON.stringify({ tiers: [tier('default', { claude: { model: 'opus', effort: 'ultra' }, colour: 'red' })] }))).toMatchInlineSnapshot(`
      "model-ladder.json has 2 problems:
      <state>/model-ladder.json:1:101: tiers[0]: "colour" is not a ladder field (expected "alias", "claude", "codex").
      <state>/model-ladder.json:1:64: tiers[0].claude.effort must be one of low, medium, high, xhigh, max, but it is "ultra".
      Fix the file (example: {"default_start": "default", "tiers": [{"alias": "default", "claude": {"model": "sonnet", "effort": "high"}, "codex": {"model": "gpt-5.5"}}]}), or remove it to use the built-in ladder."
    `);
    expect((await ladderError('{"tiers": []}')).split('\n')[1]).toBe('<state>/model-ladder.json:1:11: "tiers" must be a non-empty array of {"alias", "claude", "codex"}.');
    expect((await ladderError(JSON.stringify({ tiers: [tier('x', { codex: { model: 'gpt-5.5', effort: 'max' } })] }))).split('\n')[1]).toBe('<state>/model-ladder.json:1:104: tiers[0].codex.effort must be one of none, minimal, low, medium, high, xhigh (codex has no max: its highest is xhigh), but it is "max".');
    expect((await ladderError('{"tiers": [}')).split('\n')[1]).toMatch(/^<state>\/model-ladder\.json:1:\d+: not valid JSON: /);
  });
});
