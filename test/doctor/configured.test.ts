import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { didYouMean, parseConfig } from '../../src/config/config-file.js';
import { runCli } from '../helpers/cli.js';
import { fakeServiceTools, type FakeTools } from '../service/fakes.js';
import { addFakeClis } from './fake-clis.js';

/** A temp home with fake git (and the `tools` given), nothing else on PATH, and one initialised repository whose config.yaml is `config`. */
async function machineWith(config: (fakes: FakeTools) => string, options: { tools?: readonly string[]; ladder?: string } = {}) {
  const fakes = await fakeServiceTools({ onlyFakes: true });
  await addFakeClis(fakes.bin, options.tools ?? ['git']);
  const repo = join(fakes.home, 'project');
  const stateDir = join(fakes.env.CCX_DATA_HOME, 'project-abc1234');
  await mkdir(repo, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const agent = join(fakes.bin, 'agent.sh');
  await writeFile(agent, '#!/bin/sh\necho ok\n');
  await chmod(agent, 0o755);
  await writeFile(join(fakes.home, 'not-executable.mjs'), 'console.log("ok");\n', { mode: 0o644 });
  await writeFile(join(stateDir, 'config.yaml'), config(fakes));
  if (options.ladder !== undefined) await writeFile(join(stateDir, 'model-ladder.json'), options.ladder);
  const result = await runCli(['doctor'], { cwd: fakes.home, env: fakes.env });
  const stdout = result.stdout.replaceAll(fakes.bin, '<bin>').replaceAll(stateDir, '<state>').replaceAll(fakes.home, '<home>');
  return { ...result, stdout, lines: stdout.split('\n') };
}

/** The lines that match, with the column padding (which depends on the longest name) squeezed to two spaces. */
const pick = (lines: readonly string[], pattern: RegExp) => lines.filter((line) => pattern.test(line)).map((line) => line.replace(/ {2,}/g, '  '));

describe('ccx doctor checks what is configured', { skip: process.platform !== 'linux' }, () => {
  it('does not ask for claude or codex when every repository uses command agents, and checks their programs', async () => {
    const result = await machineWith((fakes) => [
      `repo: ${JSON.stringify(join(fakes.home, 'project'))}`,
      'integration: main',
      'agents:',
      `  implementer: {type: command, argv: [${JSON.stringify(join(fakes.bin, 'agent.sh'))}, --implement]}`,
      `  reviewer: {type: command, argv: [agent.sh]}`,
      '',
    ].join('\n'));
    // Before: "FAIL  claude  claude was not found on PATH" and the same for codex, exit 1.
    expect(result.exitCode, result.stdout).toBe(0);
    expect(pick(result.lines, /^(ok|warn|FAIL) +(claude|codex|config|implementer|reviewer|test command) /)).toEqual([
      "ok  claude  not checked: no initialised repository's config.yaml uses it",
      "ok  codex  not checked: no initialised repository's config.yaml uses it",
      'ok  config  <home>/project: <state>/config.yaml is valid (implementer command <bin>/agent.sh, reviewer command agent.sh)',
      'ok  implementer  <home>/project: agents.implementer.argv[0] "<bin>/agent.sh" is executable (<bin>/agent.sh)',
      'ok  reviewer  <home>/project: agents.reviewer.argv[0] "agent.sh" is executable (<bin>/agent.sh)',
    ]);
  });

  it('names each config.yaml and model-ladder.json problem at its key with line:column and a did-you-mean', async () => {
    const result = await machineWith(
      (fakes) => [
        `repo: ${JSON.stringify(join(fakes.home, 'project'))}`,
        'integration: main',
        'paralel: 3',
        'agents:',
        '  implementer:',
        '    type: comand',
        '  reviewer:',
        '    type: codex',
        '    argv: [codex]',
        '',
      ].join('\n'),
      { ladder: '{\n  "default_start": "default",\n  "tirs": []\n}\n' },
    );
    expect(result.exitCode).toBe(1);
    expect(pick(result.lines, /^FAIL +(config|ladder) /)).toEqual([
      'FAIL  config  <state>/config.yaml:3:1: paralel is not a config.yaml setting; did you mean parallel? (the settings: repo, integration, parallel, test, max_attempts, agents, commit_subject, runners).',
      'FAIL  config  <state>/config.yaml:6:11: agents.implementer.type must be one of claude, codex, command, but it is "comand"; did you mean command?',
      'FAIL  config  <state>/config.yaml:9:5: agents.reviewer.argv is not a key a codex agent takes (agents.reviewer takes: type).',
      'FAIL  ladder  <state>/model-ladder.json:3:3: "tirs" is not a ladder field; did you mean "tiers"? (expected "default_start", "tiers").',
      'FAIL  ladder  <state>/model-ladder.json:1:1: "tiers" must be a non-empty array of {"alias", "claude", "codex"}.',
    ]);
  });

  it('points at agents.reviewer.argv on its own line when it is not a list', async () => {
    const result = await machineWith((fakes) => [
      `repo: ${JSON.stringify(join(fakes.home, 'project'))}`,
      'integration: main',
      'agents:',
      '  reviewer:',
      '    type: command',
      '    argv: node agent.mjs',
      '',
    ].join('\n'), { tools: ['git', 'claude'] });
    expect(pick(result.lines, /^FAIL +config /)).toEqual([
      'FAIL  config  <state>/config.yaml:6:11: agents.reviewer.argv must be a list like [node, /abs/path/agent.mjs] (the program and its arguments), but it is "node agent.mjs".',
    ]);
  });

  it('fails on a command agent that is missing or not executable and on a test command whose program is missing; checks claude only when used', async () => {
    const result = await machineWith((fakes) => [
      `repo: ${JSON.stringify(join(fakes.home, 'project'))}`,
      'integration: main',
      'test: CI=1 nosuch-runner --all',
      'agents:',
      '  implementer: {type: claude}',
      '  reviewer:',
      '    type: command',
      `    argv: [${JSON.stringify(join(fakes.home, 'missing-agent.mjs'))}]`,
      '',
    ].join('\n'), { tools: ['git', 'claude'] });
    expect(result.exitCode).toBe(1);
    expect(pick(result.lines, /^(ok|warn|FAIL) +(claude|codex|reviewer|test command) /)).toEqual([
      'ok  claude  claude 2.1.197 (<bin>/claude); ccx is tested with 2.1.197',
      'ok  claude login  logged in (claude.ai, says `claude auth status`)',
      "ok  codex  not checked: no initialised repository's config.yaml uses it",
      'FAIL  reviewer  <home>/project: agents.reviewer.argv[0] "<home>/missing-agent.mjs" does not exist (<home>/missing-agent.mjs)',
      'FAIL  test command  <home>/project: test command "CI=1 nosuch-runner --all": nosuch-runner was not found on PATH',
    ]);
    const notExecutable = await machineWith((fakes) => [
      `repo: ${JSON.stringify(join(fakes.home, 'project'))}`,
      'integration: main',
      'agents:',
      `  implementer: {type: command, argv: [${JSON.stringify(join(fakes.home, 'not-executable.mjs'))}]}`,
      `  reviewer: {type: command, argv: [git]}`,
      '',
    ].join('\n'));
    expect(pick(notExecutable.lines, /^FAIL/)).toEqual([
      'FAIL  implementer  <home>/project: agents.implementer.argv[0] "<home>/not-executable.mjs" is not executable (<home>/not-executable.mjs)',
    ]);
  });
});

describe('parseConfig', () => {
  it('takes a role left empty as its default agent, and suggests a near key only when one is near', () => {
    const parsed = parseConfig('repo: /r\nintegration: main\nagents:\n  implementer:\n  reviewer: {type: command, argv: [x]}\n');
    expect(parsed).toMatchObject({ config: { agents: { implementer: { type: 'claude' }, reviewer: { type: 'command', argv: ['x'] } } } });
    expect(parseConfig('repo: /r\nintegration: main\ncolour: blue\n')).toEqual({
      problems: [{ line: 3, column: 1, message: 'colour is not a config.yaml setting (the settings: repo, integration, parallel, test, max_attempts, agents, commit_subject, runners).' }],
    });
    expect(didYouMean('max_attempt', ['parallel', 'max_attempts'])).toBe('max_attempts');
    expect(didYouMean('tset', ['test', 'repo'])).toBe('test');
    expect(didYouMean('xy', ['test', 'repo'])).toBeNull();
  });
});
