import { spawn } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_PATH, isolatedEnv } from '../helpers/cli.js';
import { waitFor } from '../helpers/daemon.js';
import { testdir } from '../helpers/testdir.js';

describe('ccx demo --ui', () => {
  it('serves the dashboard over the demo, prints its address with the token, and keeps serving until Ctrl-C (exit 130)', { timeout: 240_000 }, async () => {
    // A stand-in for the platform's opener: it notes the address it was given and opens nothing.
    const bin = await testdir({ 'xdg-open': '#!/bin/sh\nprintf "%s\\n" "$1" >> "$(dirname "$0")/opened.txt"\n' });
    await chmod(join(bin, 'xdg-open'), 0o755);
    const env = { ...(await isolatedEnv()), PATH: `${bin}:${process.env['PATH'] ?? ''}` };
    const child = spawn(process.execPath, [CLI_PATH, 'demo', '--ui'], { cwd: await testdir(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    const url = await waitFor('the dashboard address', () => /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(output)?.[0], 60_000);
    const port = Number(new URL(url).port);
    await waitFor('the demo to finish', () => output.includes('The dashboard keeps serving at'), 200_000);
    expect(output).toContain('All five tasks merged.');
    expect(await readFile(join(bin, 'opened.txt'), 'utf8')).toBe(`${url}\n`);
    expect(output).toContain(`The dashboard keeps serving at ${url}`);

    // Still serving after the demo: the token buys the cookie, the cookie the state.
    const exchange = await fetch(url, { redirect: 'manual' });
    expect(exchange.status).toBe(303);
    const cookie = (exchange.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const state = (await (await fetch(`http://127.0.0.1:${port}/api/state`, { headers: { cookie } })).json()) as { repos: Array<{ tasks: Array<{ status: string }> }> };
    expect(state.repos[0]?.tasks.map((task) => task.status)).toEqual(['merged', 'merged', 'merged', 'merged', 'merged']);

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
