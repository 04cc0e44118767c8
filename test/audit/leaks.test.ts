import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scrubReason, WITHHELD } from '../../src/audit/scrub.js';
import { startDaemon, world } from '../helpers/daemon.js';

const LEAKY_AGENT = fileURLToPath(new URL('./fixtures/leaky-agent.mjs', import.meta.url));

describe('the audit log keeps no agent stderr (SPEC 11)', () => {
  it('a failing agent that echoes the prompt and an environment value: neither reaches audit.jsonl; runs/ keeps them (0600)', { timeout: 90_000 }, async () => {
    const secret = 'acme-live-7f3k2p9q4x8zr2';
    const title = 'Teach the zebra-quokka parser to count';
    const target = await world({ tasks: [{ id: 'T-1', title }], maxAttempts: 1, env: { ACME_DEPLOY_KEY: secret, LEAKY_SECRET_VAR: 'ACME_DEPLOY_KEY', LEAKY_NEEDLE: 'zebra-quokka' } });
    const config = await readFile(target.paths.config, 'utf8');
    await writeFile(target.paths.config, config.replace(/^ {2}implementer: .*$/m, `  implementer: {type: command, argv: ${JSON.stringify([process.execPath, LEAKY_AGENT])}}`));
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(60_000), daemon.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('failed');

    const audit = await readFile(target.paths.audit, 'utf8');
    const events = await target.auditEvents();
    const turn = events.find((event) => event['event'] === 'turn.finished' && event['role'] === 'implementer');
    const finished = events.find((event) => event['event'] === 'task.finished');
    expect(turn?.['error']).toContain('exited with code 3 saying: [withheld');
    expect(finished?.['error']).toContain('ended with error');
    expect(audit).not.toContain(secret);
    expect(audit).not.toContain('zebra-quokka');

    const stderrFile = join(target.paths.stateDir, 'runs', 'T-1', 'a1', 'c1-implement.err');
    const stderr = await readFile(stderrFile, 'utf8');
    expect(stderr).toContain(secret);
    expect(stderr).toContain('zebra-quokka');
    expect((await stat(stderrFile)).mode & 0o777).toBe(0o600);
  });
});

describe('scrubReason', () => {
  const env = { ACME_TOKEN: 'hunter2-but-longer', HOME: '/home/pat', SHORT: 'main' };

  it('keeps the first line and the classification, withholds what the agent said', () => {
    const message = 'The review turn of cycle 1 (codex) ended with error: Codex exited with code 1 saying: "Please \\"fix\\" the parser". Its full output is in the turn\'s artifacts.\nsecond line';
    expect(scrubReason(message, env)).toBe(`The review turn of cycle 1 (codex) ended with error: Codex exited with code 1 saying: ${WITHHELD}. Its full output is in the turn's artifacts.`);
    expect(scrubReason('Codex hit its usage limit (it said: "You\'ve hit your usage limit"). This is not a failure.', env)).toBe(`Codex hit its usage limit (it said: ${WITHHELD}). This is not a failure.`);
  });

  it('removes environment values (not paths or short words) and secret-shaped strings, and stays short', () => {
    expect(scrubReason('git said hunter2-but-longer in /home/pat on main', env)).toBe('git said [$ACME_TOKEN] in /home/pat on main');
    expect(scrubReason('password=pa55word token: abc sk-ant-api03-abcdefghijklmnop Bearer abcdefgh12345', {})).toBe('password=[redacted] token: [redacted] [redacted] Bearer [redacted]');
    expect(scrubReason('key Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo at 0123456789abcdef0123456789abcdef01234567', {})).toBe('key [redacted] at 0123456789abcdef0123456789abcdef01234567');
    expect(Buffer.byteLength(scrubReason('x'.repeat(5000), {}))).toBeLessThanOrEqual(300);
    // A long path is kept: only a part of it shaped like a key goes.
    expect(scrubReason('/tmp/ccx-data-PgEiYv/ccx-git-yrAbal-7caef31/runs/T-1 is a symbolic link', {})).toBe('/tmp/ccx-data-PgEiYv/ccx-git-yrAbal-7caef31/runs/T-1 is a symbolic link');
    expect(scrubReason('wrote /srv/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo/x', {})).toBe('wrote /srv/[redacted]/x');
  });

  it('keeps long file, test and script names (words run together) so the reason still says what happened; random keys still go', () => {
    const conflict = 'the merge of T-3 conflicts in src/components/UserProfileSettingsPanel2Container.tsx and test_user_profile_settings_panel_2_container.py';
    expect(scrubReason(conflict, {})).toBe(conflict);
    expect(scrubReason('npm run test:integration-suite-2026-with-coverage exited 1', {})).toBe('npm run test:integration-suite-2026-with-coverage exited 1');
    expect(scrubReason('key aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xYz and 4b825dc642cb6eb9a060e54bf8d69288', {})).toBe('key [redacted] and [redacted]');
  });
});
