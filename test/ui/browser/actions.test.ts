import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startDaemon, waitFor, world } from '../../helpers/daemon.js';
import { HAVE_CHROMIUM, NO_CHROMIUM_NOTE, openPage, startUi } from './harness.js';

const WRITE_BLOCK = '```write out/from-the-page.txt\nwritten by a task submitted from the dashboard\n```';

describe.skipIf(!HAVE_CHROMIUM)(`steering from the dashboard in a browser${HAVE_CHROMIUM ? '' : ` (${NO_CHROMIUM_NOTE})`}`, () => {
  it('cancels a running task from its page, and a task submitted from the form is accepted, runs and merges', { timeout: 180_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'Takes its time', scope: ['slow/**'], delayMs: 60_000 }] });
    const daemon = startDaemon(target);
    const ui = await startUi(target.env, target.repo);
    const { page, errors } = await openPage();
    await page.goto(ui.url);
    await waitFor('T-1 running', async () => (await target.row('T-1'))?.status === 'running', 60_000, daemon);

    await page.goto(`${new URL(ui.url).origin}/#/repo/${encodeURIComponent(target.paths.stateDir.split('/').at(-1) ?? '')}/task/T-1`);
    await page.waitForSelector('h2 .badge.status-running');
    await page.click('button[data-action="cancel"]');
    await page.waitForSelector('h2 .badge.status-cancelled', { timeout: 30_000 });
    await waitFor('T-1 cancelled on the board', async () => (await target.row('T-1'))?.status === 'cancelled', 30_000, daemon);

    await page.click('nav a[href="#/submit"]');
    await page.fill('form.submit input[name="title"]', 'Write a file from the page');
    await page.fill('form.submit textarea[name="body"]', `Write the file.\n\n${WRITE_BLOCK}\n`);
    await page.fill('form.submit textarea[name="include"]', 'out/**');
    await page.click('form.submit button[type="submit"]');
    const accepted = await page.waitForSelector('#submit-result a[data-accepted]', { timeout: 30_000 });
    const id = await accepted.getAttribute('data-accepted');
    expect(id).toBe('T-2');
    await accepted.click();
    await page.waitForSelector('h2 .badge.status-merged', { timeout: 90_000 });
    expect(await target.git('show', 'main:out/from-the-page.txt')).toContain('written by a task submitted from the dashboard');
    expect(errors).toEqual([]);
  });

  it('shows the reason when the queue is full (429)', async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'Already waiting' }], env: { CCX_MAX_QUEUE_DEPTH: '1' } });
    const ui = await startUi(target.env, target.repo);
    const { page } = await openPage();
    await page.goto(ui.url);
    await page.waitForSelector('[data-block="queue"] a[data-task="T-1"]');
    await page.click('nav a[href="#/submit"]');
    await page.fill('form.submit input[name="title"]', 'One too many');
    await page.click('form.submit button[type="submit"]');
    const result = page.locator('#submit-result.error');
    await result.waitFor();
    const text = await result.textContent();
    expect(text).toMatch(/^Rejected: the queue is full: /);
    expect(text).toMatch(/CCX_MAX_QUEUE_DEPTH/);
  });

  it('answers a row that changed under the page with 409, and shows the fresh row', async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'Still a draft', status: 'draft' }] });
    const ui = await startUi(target.env, target.repo);
    const { page, errors } = await openPage();
    await page.goto(ui.url);
    await page.click('[data-block="drafts"] a[data-task="T-1"]');
    await page.waitForSelector('h2 .badge.status-draft');
    // A person's editor flips it meanwhile; the page still shows the draft.
    await writeFile(target.paths.board, (await readFile(target.paths.board, 'utf8')).replace('status: draft', 'status: pending'));
    await page.click('button[data-action="pending"]');
    await page.waitForSelector('h2 .badge.status-pending');
    const said = await page.locator('#action-result.error').textContent();
    expect(said).toContain('changed since the page read it');
    expect(said).toContain('it now shows status pending');
    expect(errors).toEqual([]);
  });

  it('works from the keyboard, in dark mode, and says where a submission waits when no daemon runs', async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'Reached by Tab', status: 'draft' }] });
    const ui = await startUi(target.env, target.repo);
    const { page } = await openPage({ colorScheme: 'dark' });
    await page.goto(ui.url);
    await page.waitForSelector('[data-block="drafts"] a[data-task="T-1"]');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
    for (let tab = 0; tab < 10; tab++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate('document.activeElement.textContent')) === 'New task') break;
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('form.submit');
    await page.focus('form.submit input[name="title"]');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    // Enter submits; with no daemon running the submission waits in the inbox (202), and the page says so.
    await page.keyboard.type('Typed, not clicked');
    await page.keyboard.press('Enter');
    const said = await page.locator('#submit-result.ok').textContent();
    expect(said).not.toBe('');
    expect(said).not.toMatch(/Rejected|Not submitted/);
  });
});
