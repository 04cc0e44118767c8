import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon, waitFor, world } from '../helpers/daemon.js';
import { webhookServer } from './webhook-server.js';

describe('the daemon notifies', () => {
  it('merges while a sink hangs and another answers 500; notify.failed names neither path nor token', { timeout: 120_000 }, async () => {
    const hanging = await webhookServer(() => 'hang');
    const broken = await webhookServer(() => ({ status: 500 }));
    const recorder = await webhookServer();
    const target = await world({ tasks: [{ id: 'T-1', title: 'first' }, { id: 'T-2', title: 'second', dependsOn: ['T-1'] }], env: { HOOK_TOKEN: 'tok-s3cret' } });
    await appendFile(target.paths.config, [
      'notify:',
      `  - {type: webhook, name: hanging, url: "${hanging.origin}/hooks/SECRET-PATH", format: slack, events: [merged]}`,
      `  - {type: webhook, name: broken, url: "${broken.origin}/topic?auth=SECRET-QUERY", format: ntfy, headers: {Authorization: "Bearer \${HOOK_TOKEN}"}}`,
      `  - {type: webhook, name: recorder, url: "${recorder.origin}/ok", format: json}`,
      '',
    ].join('\n'));
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(100_000), daemon.output()).toBe(0);
    expect((await target.board()).rows.map((row) => [row.id, row.status])).toEqual([['T-1', 'merged'], ['T-2', 'merged']]);

    const events = await target.auditEvents();
    const mergedAt = Date.parse(String(events.find((event) => event['event'] === 'task.finished' && event['task'] === 'T-2')?.['time']));
    // T-1's message was still in its tries (5 s each, 1 s and 4 s apart) on the hanging sink when T-2 merged.
    expect(hanging.requests.length).toBeGreaterThanOrEqual(1);
    expect(hanging.arrivals.filter((time) => time <= mergedAt).length).toBeLessThan(3);
    expect(recorder.requests.map((request) => (JSON.parse(request.body) as { event: string; task: string }).task)).toEqual(['T-1', 'T-2']);
    expect(broken.requests[0]?.headers['authorization']).toBe('Bearer tok-s3cret');

    const failed = events.filter((event) => event['event'] === 'notify.failed');
    expect(failed.map((event) => event['sink'])).toContain('broken');
    expect(failed.map((event) => event['sink'])).toContain('hanging');
    for (const event of failed) expect(event['target']).toBe(event['sink'] === 'broken' ? broken.origin : hanging.origin);
    const everything = JSON.stringify(events) + daemon.output();
    for (const secret of ['SECRET-PATH', 'SECRET-QUERY', 'tok-s3cret', '/hooks', '/topic']) expect(everything).not.toContain(secret);
  });

  for (const mode of ['uncaught', 'rejection', 'start'] as const) {
    it(`says daemon.failed when the daemon stops by an error (${mode === 'start' ? 'a fatal start' : `an ${mode === 'uncaught' ? 'uncaught exception' : 'unhandled rejection'}`})`, { timeout: 60_000 }, async () => {
      const recorder = await webhookServer();
      // (~throw is the default; named so the variable's value is not the point's name, which the scrubber would withhold.)
      const point = `daemon:start~${mode === 'start' ? 'throw' : mode}`;
      const target = await world({ tasks: [{ id: 'T-1', title: 'first', status: 'draft' }], env: { CCX_FAIL_AT: point } });
      const sinks = `notify:\n  - {type: webhook, url: "${recorder.origin}/ok", format: json, events: [daemon.failed, merged]}\n`;
      // The data root's notify.yaml serves every repository: one case uses it instead of config.yaml.
      if (mode === 'rejection') await writeFile(join(target.env.CCX_DATA_HOME, 'notify.yaml'), sinks);
      else await appendFile(target.paths.config, sinks);
      const daemon = startDaemon(target);
      expect(await daemon.exited(30_000), daemon.output()).toBe(1);
      const bodies = recorder.requests.map((request) => JSON.parse(request.body) as { event: string; text: string });
      expect(bodies.map((body) => body.event)).toEqual(['daemon.failed']);
      expect(bodies[0]?.text).toBe('the ccx daemon stopped because of an error: CCX_FAIL_AT made ccx fail at daemon:start (a test hook) — see its log, and start it again (ccx daemon, or the service restarts it).');
      expect((await target.auditEvents()).filter((event) => event['event'] === 'daemon.failed').map((event) => event['reason'])).toEqual(['CCX_FAIL_AT made ccx fail at daemon:start (a test hook)']);
    });
  }

  it('takes a notify.yaml saved in the data root while it runs', { timeout: 90_000 }, async () => {
    const recorder = await webhookServer();
    const target = await world({ tasks: [{ id: 'T-1', title: 'later', status: 'draft' }], env: { CCX_LOG_LEVEL: 'info' } });
    const daemon = startDaemon(target);
    await waitFor('the daemon to start', async () => (await target.auditEvents()).some((event) => event['event'] === 'daemon.started'), 30_000, daemon);
    // The data root's watch has no ready signal: save again (as a person would) until the daemon says it read the file.
    let savedAt = 0;
    await waitFor('notify.yaml to be read', async () => {
      if (daemon.output().includes('"sinks":["webhook json"]')) return true;
      if (Date.now() - savedAt > 1_000) {
        savedAt = Date.now();
        await writeFile(join(target.env.CCX_DATA_HOME, 'notify.yaml'), `- {type: webhook, url: "${recorder.origin}/ok", format: json, events: [merged]}\n`);
      }
      return false;
    }, 30_000, daemon);
    await writeFile(target.paths.board, (await readFile(target.paths.board, 'utf8')).replace('status: draft', 'status: pending'));
    const [request] = await recorder.received(1);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ event: 'merged', task: 'T-1' });
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited(30_000)).toBe(0);
  });
});
