import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearServiceStarts, readServiceStarts, recordServiceStart, runInServiceMode, type StartLimit } from '../../src/service/index.js';
import { testdir } from '../helpers/testdir.js';

const LIMIT: StartLimit = { burst: 3, intervalMs: 60_000 };
const T0 = Date.parse('2025-03-10T08:00:00.000Z');

describe('the service-mode start limit', () => {
  it('allows `burst` starts within the interval, refuses the next, and allows again once the oldest ages out', async () => {
    const file = join(await testdir(), 'data', 'service-starts.json');
    expect(await recordServiceStart(file, T0, LIMIT)).toEqual({ allowed: true, starts: 1 });
    expect(await recordServiceStart(file, T0 + 10_000, LIMIT)).toEqual({ allowed: true, starts: 2 });
    expect(await recordServiceStart(file, T0 + 20_000, LIMIT)).toEqual({ allowed: true, starts: 3 });
    const refused = await recordServiceStart(file, T0 + 30_000, LIMIT);
    expect(refused).toMatchObject({ allowed: false, starts: 3 });
    expect(await readServiceStarts(file)).toEqual({ starts: [T0, T0 + 10_000, T0 + 20_000], gaveUpAt: T0 + 30_000 });
    // The refused start is not counted: one minute after the first, a start is allowed again.
    expect(await recordServiceStart(file, T0 + 60_001, LIMIT)).toEqual({ allowed: true, starts: 3 });
    expect((await readServiceStarts(file)).gaveUpAt).toBeNull();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('says why it stops and how to start again', async () => {
    const file = join(await testdir(), 'service-starts.json');
    for (let start = 0; start < 5; start += 1) await recordServiceStart(file, T0 + start);
    const refused = await recordServiceStart(file, T0 + 5);
    expect(refused.allowed).toBe(false);
    expect(refused.allowed ? '' : refused.message).toMatchInlineSnapshot(
      `"ccx daemon: started 5 times within 5 minutes, so it stops here instead of being restarted forever by launchd. The lines above in this log say why it failed. Fix that, then run \`ccx service install\` again (or wait 5 minutes and run \`launchctl kickstart gui/$(id -u)/dev.ccx.daemon\`)."`,
    );
  });

  it('clears on request, and takes a missing or damaged file for no starts', async () => {
    const file = join(await testdir(), 'service-starts.json');
    expect(await readServiceStarts(file)).toEqual({ starts: [], gaveUpAt: null });
    await recordServiceStart(file, T0, LIMIT);
    await clearServiceStarts(file);
    expect(await readServiceStarts(file)).toEqual({ starts: [], gaveUpAt: null });
    await writeFile(file, '{"starts": [1, "x", null');
    expect(await recordServiceStart(file, T0, LIMIT)).toEqual({ allowed: true, starts: 1 });
  });
});

describe('runInServiceMode (ccx daemon --service)', () => {
  it('runs the daemon and forgets the starts when it exits cleanly; keeps counting when it fails', async () => {
    const file = join(await testdir(), 'service-starts.json');
    const stderr: string[] = [];
    const options = { startsFile: file, stderr: (text: string) => stderr.push(text), limit: LIMIT, now: () => T0 };
    expect(await runInServiceMode(options, async () => 1)).toBe(1);
    expect(await runInServiceMode(options, async () => 1)).toBe(1);
    expect((await readServiceStarts(file)).starts).toHaveLength(2);
    expect(await runInServiceMode(options, async () => 0)).toBe(0);
    expect((await readServiceStarts(file)).starts).toEqual([]);
    expect(stderr).toEqual([]);
  });

  it('past the limit, does not run the daemon: exits 0 (launchd leaves it down) and says why on stderr', async () => {
    const file = join(await testdir(), 'service-starts.json');
    const stderr: string[] = [];
    let runs = 0;
    const options = { startsFile: file, stderr: (text: string) => stderr.push(text), limit: LIMIT, now: () => T0 };
    const crash = async () => {
      runs += 1;
      return 1;
    };
    const codes = [];
    for (let start = 0; start < 5; start += 1) codes.push(await runInServiceMode(options, crash));
    expect(codes).toEqual([1, 1, 1, 0, 0]);
    expect(runs).toBe(3);
    expect(stderr).toHaveLength(2);
    expect(stderr[0]).toMatch(/^ccx daemon: started 3 times within 1 minute, so it stops here/);
  });

  it('starts the daemon anyway when the count cannot be kept', async () => {
    const dir = await testdir({ 'not-a-folder': 'x' });
    const stderr: string[] = [];
    const code = await runInServiceMode({ startsFile: join(dir, 'not-a-folder', 'service-starts.json'), stderr: (text) => stderr.push(text) }, async () => 0);
    expect(code).toBe(0);
    expect(stderr.join('')).toMatch(/^ccx daemon: could not count this start in .*; starting anyway\.\n$/);
    expect(await readFile(join(dir, 'not-a-folder'), 'utf8')).toBe('x');
  });
});
