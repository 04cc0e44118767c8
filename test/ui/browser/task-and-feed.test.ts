import { appendFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startDaemon, world } from '../../helpers/daemon.js';
import { HAVE_CHROMIUM, NO_CHROMIUM_NOTE, openPage, screenshot, startUi } from './harness.js';
import { startRelay } from './relay.js';

// examples/agents/scripted/scenario.mjs's `defect-then-fix`: cycle 1 leaves an off-by-one, the review flags it, the fix turn mends it.
const BUGGY = '// Returns the integers from start to end, both included: range(1, 3) is [1, 2, 3].\nexport function range(start, end) {\n  const out = [];\n  for (let i = start; i < end; i++) out.push(i);\n  return out;\n}\n';
const DEFECT_THEN_FIX = {
  implementer: { action: 'edit', files: { 1: { 'src/range.js': BUGGY }, '*': { 'src/range.js': BUGGY.replace('i < end', 'i <= end') } } },
  reviewer: { action: 'inspect', checks: [{ file: 'src/range.js', pattern: 'i < end', severity: 'high', title: 'range() drops its last element', body: 'range(1, 3) returns [1, 2].', recommendation: 'Loop while i <= end.', confidence: 0.95 }] },
};
const RANGE = '// Returns the integers from start to end, both included: range(1, 3) is [1, 2, 3].\nexport function range(start, end) {\n  return [];\n}\n';

describe.skipIf(!HAVE_CHROMIUM)(`the task page and the live feed in a browser${HAVE_CHROMIUM ? '' : ` (${NO_CHROMIUM_NOTE})`}`, () => {
  it("shows a fix turn's prompt, the verdict that asked for it, and the diff", { timeout: 180_000 }, async () => {
    const target = await world({ files: { 'src/range.js': RANGE }, tasks: [{ id: 'T-1', title: 'Make range() work', scope: ['src/**'] }], scenario: DEFECT_THEN_FIX });
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(150_000)).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('merged');

    const ui = await startUi(target.env, target.repo);
    const { page, errors } = await openPage();
    await page.goto(ui.url);
    await page.click('[data-block="finished"] a[data-task="T-1"]');
    const fix = page.locator('[data-turn="c2-fix"]');
    await fix.waitFor();
    await fix.locator('summary', { hasText: 'c2-fix.prompt.md' }).click();
    await expect.poll(() => fix.locator('pre.artifact').first().textContent()).toContain('range() drops its last element');
    const review = page.locator('[data-turn="c1-review"] .verdict');
    await review.waitFor();
    expect(await review.locator('.severity-high').textContent()).toContain('range() drops its last element');
    expect(await page.locator('pre.diff').textContent()).toContain('i <= end');
    await screenshot(page, 'task');
    expect(errors).toEqual([]);
  });

  it('replays the events missed while the connection was cut, each exactly once', { timeout: 120_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'Stays a draft', status: 'draft' }] });
    const ui = await startUi(target.env, target.repo);
    const relay = await startRelay(ui.port);
    const { page } = await openPage();
    await page.goto(ui.url.replace(`:${ui.port}/`, `:${relay.port}/`));
    await page.waitForSelector('#live[data-state="open"]');
    const mark = (n: number) => appendFile(target.paths.audit, `${JSON.stringify({ time: new Date().toISOString(), event: 'inbox.accepted', repo: target.repo, task: 'T-1', file: `marker-${n}.md` })}\n`, { mode: 0o600 });
    const seen = (n: number) => page.locator('#feed li', { hasText: `file=marker-${n}.md` }).count();

    await mark(0);
    await expect.poll(() => seen(0), { timeout: 20_000 }).toBe(1);
    relay.cut();
    await page.waitForSelector('#live[data-state="retrying"]');
    for (const n of [1, 2, 3]) await mark(n);
    relay.resume();
    await expect.poll(() => seen(3), { timeout: 30_000 }).toBe(1);
    await page.waitForSelector('#live[data-state="open"]');
    expect(await Promise.all([0, 1, 2, 3].map(seen))).toEqual([1, 1, 1, 1]);
  });
});
