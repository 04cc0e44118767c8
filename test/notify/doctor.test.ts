import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

describe('ccx doctor lists the notification sinks', () => {
  it('one line each, with scheme and host only; a missing program fails, a bad notify.yaml fails at its line:column', async () => {
    const env = await isolatedEnv({ PATH: '/usr/bin:/bin' });
    const home = await testdir();
    await writeFile(join(env.CCX_DATA_HOME, 'notify.yaml'), [
      'notify:',
      '  - {type: webhook, name: team, url: "https://hooks.slack.com/services/T000/B000/SECRET", format: slack, events: [question, blocked]}',
      '  - {type: command, argv: [/nonexistent/notifier]}',
      '',
    ].join('\n'));
    const run = async () => {
      const result = await runCli(['doctor', '--json'], { cwd: home, env: { ...env, HOME: home } });
      return (JSON.parse(result.stdout) as Array<{ level: string; name: string; message: string }>).filter((check) => check.name === 'notify');
    };
    const where = join(env.CCX_DATA_HOME, 'notify.yaml');
    expect(await run()).toEqual([
      { level: 'ok', name: 'notify', message: `${where} (every repository): team → https://hooks.slack.com for question, blocked` },
      { level: 'fail', name: 'notify', message: `${where} (every repository): command /nonexistent/notifier → notifier for question, blocked, failed, merged, limit.paused, daemon.failed: /nonexistent/notifier was not found or is not executable`, fix: 'Install it, or give argv[0] as an absolute path to an executable program.' },
    ]);
    await writeFile(where, 'notify:\n  - {type: webhook, url: "https://ntfy.sh/x", format: nfty}\n');
    expect((await run()).map((check) => [check.level, check.message])).toEqual([
      ['fail', `${where}:2:55: notify[0].format must be one of json, slack, discord, ntfy, but it is "nfty"; did you mean ntfy?`],
    ]);
  });
});
