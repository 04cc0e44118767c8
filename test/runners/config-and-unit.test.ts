import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config-file.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRunnerOverrides } from '../../src/runners/runner/overrides.js';
import { renderRunnerUnit, type ServiceHost } from '../../src/service/index.js';
import { testdir } from '../helpers/testdir.js';

const BASE = 'repo: /abs/repo\nintegration: main\n';

describe('runners: in config.yaml', () => {
  it('reads servers, creds, remote, local_slots and labels, with defaults', () => {
    const parsed = parseConfig(`${BASE}runners:\n  nats: {servers: ["nats://a:4222", "nats://b:4222"], creds: /etc/ccx.creds}\n  local_slots: 1\n  labels: [gpu]\n`);
    expect('config' in parsed && parsed.config.runners).toEqual({ nats: { servers: ['nats://a:4222', 'nats://b:4222'], creds: '/etc/ccx.creds', tls: null }, remote: 'origin', localSlots: 1, labels: ['gpu'] });
  });

  it('without runners: nothing changes', () => {
    const parsed = parseConfig(BASE);
    expect('config' in parsed && parsed.config.runners).toBeUndefined();
  });

  it('reports each problem at its line and column', () => {
    const parsed = parseConfig(`${BASE}runners:\n  nats: {servers: [http://x]}\n  local_slots: -1\n  labls: [a]\n`);
    expect('problems' in parsed && parsed.problems).toMatchInlineSnapshot(`
      [
        {
          "column": 19,
          "line": 4,
          "message": "runners.nats.servers must list NATS URLs such as ["nats://host:4222"], but it is ["http://x"].",
        },
        {
          "column": 16,
          "line": 5,
          "message": "runners.local_slots must be a whole number from 0 to 64, but it is -1.",
        },
        {
          "column": 3,
          "line": 6,
          "message": "runners.labls is not a setting of runners (it takes: nats, remote, local_slots, labels).",
        },
      ]
    `);
  });
});

describe('ccx service install --runner', () => {
  it('renders a unit that runs ccx runner with the given options', async () => {
    const host: ServiceHost = { platform: 'linux', home: '/home/pat', env: { PATH: '/usr/bin:/bin', HOME: '/home/pat' }, uid: 1000, user: 'pat', nodePath: '/usr/bin/node', cliPath: '/opt/ccx/dist/cli/bin.js' };
    const unit = await renderRunnerUnit(host, ['--nats', 'nats://h:4222', '--slots', '4']);
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/ccx/dist/cli/bin.js runner --nats nats://h:4222 --slots 4');
    expect(unit).toContain('Description=ccx runner');
    expect(unit).toContain('KillMode=mixed');
  });
});

describe('ccx runner --config', () => {
  it('reads this host\'s agents and test command', async () => {
    const file = join(await testdir(), 'runner.yaml');
    await writeFile(file, 'agents:\n  implementer: {type: command, argv: [/opt/agent]}\ntest: make check\n');
    expect(await loadRunnerOverrides(file)).toEqual({ agents: { implementer: { type: 'command', argv: ['/opt/agent'] }, reviewer: { type: 'codex' } }, test: 'make check' });
  });

  it('names each problem with its line and column', async () => {
    const file = join(await testdir(), 'runner.yaml');
    await writeFile(file, 'agents:\n  implementer: {type: comand}\nrepo: /x\n');
    await expect(loadRunnerOverrides(file)).rejects.toThrow(/runner\.yaml:2:23: agents\.implementer\.type must be one of claude, codex, command, but it is "comand"; did you mean command\?[\s\S]*runner\.yaml:3:1: repo is not a setting a runner overrides/);
  });
});
