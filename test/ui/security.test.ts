import { spawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, isolatedEnv } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { call, uiFixture } from './fixture.js';

describe('ccx ui security', () => {
  it('needs the token: 401 without it; ?token= is traded for an HttpOnly SameSite=Strict cookie and dropped from the address', async () => {
    const fixture = await uiFixture();
    const none = await call(fixture, 'GET', '/api/state', { auth: false });
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('ccx ui') } });
    expect((await call(fixture, 'GET', '/', { auth: false })).status).toBe(401);
    expect((await call(fixture, 'GET', '/?token=wrong', { auth: false })).status).toBe(401);
    const traded = await call(fixture, 'GET', `/?token=${fixture.server.token}`, { auth: false });
    expect(traded.status).toBe(303);
    expect(traded.headers.location).toBe('/');
    expect(traded.headers['set-cookie']).toEqual([`ccx_ui_${fixture.server.port}=${fixture.server.token}; HttpOnly; SameSite=Strict; Path=/`]);
    const page = await call(fixture, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await call(fixture, 'GET', '/api/state', { auth: false, headers: { authorization: `Bearer ${fixture.server.token}` } })).status).toBe(200);
  });

  it('answers only to its own Host (DNS rebinding): 421 otherwise, before the token is even looked at', async () => {
    const fixture = await uiFixture();
    for (const host of ['evil.example:' + fixture.server.port, `127.0.0.1:${fixture.server.port + 1}`, '127.0.0.1', `localhost.evil.example:${fixture.server.port}`]) {
      const answer = await call(fixture, 'GET', '/api/state', { headers: { host } });
      expect([host, answer.status]).toEqual([host, 421]);
    }
    expect((await call(fixture, 'GET', '/api/state', { headers: { host: `localhost:${fixture.server.port}` } })).status).toBe(200);
    expect((await call(fixture, 'GET', '/api/state', { headers: { host: `[::1]:${fixture.server.port}` } })).status).toBe(200);
  });

  it('refuses a state-changing request from another origin, or with none: 403', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'Keep me', draft: true }] });
    const path = `/api/repos/${fixture.key}/tasks/T-1/pending`;
    expect((await call(fixture, 'POST', path, { body: {}, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await call(fixture, 'POST', path, { body: {}, headers: { origin: `http://localhost:${fixture.server.port}` } })).status).toBe(403);
    const noOrigin = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks`, { body: { title: 'x' }, headers: { origin: '' } });
    expect(noOrigin.status).toBe(403);
    expect((await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-1`)).json().row.status).toBe('draft');
  });

  it('serves only listed artifacts: traversal, encoded slashes and planted links are 404', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'A task' }] });
    const outside = await testdir({ 'secret.txt': 'secret\n' });
    const attempt = join(fixture.stateDir, 'runs', 'T-1', 'a1');
    await mkdir(attempt, { recursive: true });
    await writeFile(join(attempt, 'c1-implement.out'), 'fine\n');
    await symlink(join(outside, 'secret.txt'), join(attempt, 'c1-review.out'));
    const base = `/api/repos/${fixture.key}/tasks/T-1/attempts/1/files/`;
    for (const name of ['..%2F..%2F..%2Fconfig.yaml', '../../../config.yaml', '%2e%2e%2fBOARD.md', 'c1-review.out', encodeURIComponent(join(outside, 'secret.txt'))]) {
      const answer = await call(fixture, 'GET', base + name);
      expect([name, answer.status]).toEqual([name, 404]);
      expect(answer.json().error.code).toBe('NOT_FOUND');
    }
    expect((await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-1/attempts/1%2F..%2F..%2F..%2F/files/config.yaml`)).status).toBe(404);
    expect((await call(fixture, 'GET', '/api/repos/..%2F..%2Fetc/tasks/T-1')).status).toBe(404);
    expect((await call(fixture, 'GET', '/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await call(fixture, 'GET', base + 'c1-implement.out')).text).toBe('fine\n');
  });

  it('limits request bodies: 413 past 512 KiB', async () => {
    const fixture = await uiFixture();
    const answer = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks`, { raw: JSON.stringify({ title: 'big', body: 'x'.repeat(600 * 1024) }) });
    expect(answer.status).toBe(413);
    expect(answer.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('`ccx ui` prints its address, stops on SIGTERM leaving nothing listening, and a taken port is PORT_IN_USE with the fix', async () => {
    const env = await isolatedEnv();
    const cwd = await testdir();
    const child = spawn(process.execPath, [CLI_PATH, 'ui', '--port', '0'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
        if (match !== null) resolve(new URL(match[1] as string));
      });
      child.on('exit', () => reject(new Error(`ccx ui exited early: ${stdout}`)));
    });
    const port = Number(url.port);
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/api/state', headers: { authorization: `Bearer ${url.searchParams.get('token') ?? ''}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(200);
    const second = spawn(process.execPath, [CLI_PATH, 'ui', '--port', String(port)], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let secondErr = '';
    second.stderr.setEncoding('utf8').on('data', (chunk: string) => (secondErr += chunk));
    expect(await new Promise((resolve) => second.on('exit', resolve))).toBe(1);
    expect(secondErr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(secondErr).toContain('--port');
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.on('exit', (code) => resolve(code)))).toBe(0);
    const refused = await new Promise<string>((resolve) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, () => resolve('answered')).on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error')).end();
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
