import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoIdentity, repoIdentityByGit } from '../../src/config/repo-key.js';
import { repoContext } from '../../src/cli/context.js';
import { openRepo } from '../../src/git/repo.js';
import { gitdir, runGit } from '../helpers/gitdir.js';
import { seeded } from '../helpers/seeded.js';

const SEED = Number(process.env['CCX_TEST_SEED'] ?? Date.now() % 100_000);

/** Remote names git takes, with the awkward ones: dots, case, an `origin` look-alike. */
const NAMES = ['origin', 'upstream', 'zeta', 'Alpha', 'alpha', 'my.fork', 'origin2', 'b-side', 'Z'];
const URLS = ['https://github.com/acme/widgets.git', 'git@example.com:acme/Project.git', '/srv/git/widgets.git', 'ssh://host/x y', 'file:///tmp/ü'];

describe("the STATE_DIR key from one config read (seed " + SEED + ')', () => {
  it('is the key git gives asked one question at a time, for generated remote setups', { timeout: 120_000 }, async () => {
    const random = seeded(SEED);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let round = 0; round < 12; round += 1) {
      const dir = await gitdir();
      const steps: string[] = [];
      const setups = Math.floor(random() * 5);
      for (let step = 0; step < setups; step += 1) {
        const kind = random();
        const name = pick(NAMES);
        if (kind < 0.45) {
          steps.push(`remote.${name}.url=${pick(URLS)}`);
          await runGit(dir, ['config', '--add', `remote.${name}.url`, pick(URLS)]);
        } else if (kind < 0.6) {
          // A remote with a fetch line and no url.
          steps.push(`remote.${name}.fetch`);
          await runGit(dir, ['config', '--add', `remote.${name}.fetch`, `+refs/heads/*:refs/remotes/${name}/*`]);
        } else if (kind < 0.7) {
          steps.push('insteadOf');
          await runGit(dir, ['config', `url.https://mirror.example/.insteadOf`, 'https://github.com/']);
        } else if (kind < 0.8) {
          steps.push('ccx.link');
          await runGit(dir, ['config', '--local', 'ccx.link', `linked-${step}`]);
        } else if (kind < 0.85) {
          // A local include that sets ccx.link: `git config --local --get` does not follow it.
          steps.push('include');
          await writeFile(join(dir, '.git', `extra-${step}.conf`), `[ccx]\n\tlink = included-${step}\n`);
          await runGit(dir, ['config', '--local', '--add', 'include.path', `extra-${step}.conf`]);
        } else if (kind < 0.9) {
          steps.push(`remote.${name}.url=`);
          await runGit(dir, ['config', '--add', `remote.${name}.url`, '']);
        } else {
          steps.push(`.git/remotes/${name}`);
          await mkdir(join(dir, '.git', 'remotes'), { recursive: true });
          await writeFile(join(dir, '.git', 'remotes', name), `URL: ${pick(URLS)}\n`);
        }
      }
      const repo = await openRepo(dir);
      const byGit = await repoIdentityByGit(repo).catch((error: unknown) => ({ error: (error as Error).message }));
      const fromConfig = await repoIdentity(repo).catch((error: unknown) => ({ error: (error as Error).message }));
      expect(fromConfig, `seed ${SEED}, round ${round}: ${steps.join('; ')}`).toEqual(byGit);
    }
  });

  it('reads a repository without remotes, with origin, and with ccx.link from the config alone', async () => {
    const dir = await gitdir();
    const repo = await openRepo(dir);
    expect(await repoIdentity(repo)).toEqual(await repoIdentityByGit(repo));
    await runGit(dir, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
    expect(await repoIdentity(repo)).toEqual(await repoIdentityByGit(repo));
    expect((await repoIdentity(repo)).origin).toBe('https://github.com/acme/widgets.git');
    await runGit(dir, ['config', '--local', 'ccx.link', 'widgets']);
    expect(await repoIdentity(repo)).toEqual({ key: 'widgets', origin: 'https://github.com/acme/widgets.git' });
  });

  it('names the main checkout STATE_DIR from a subfolder and from a linked worktree whose config differs', async () => {
    const dir = await gitdir();
    await runGit(dir, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
    await mkdir(join(dir, 'src', 'deep'), { recursive: true });
    const linked = join(dir, 'linked');
    await runGit(dir, ['worktree', 'add', '--quiet', '-b', 'side', linked]);
    // A person's global config that gives origin another url on branch side only (includeIf onbranch):
    // read in the linked worktree, it would name another STATE_DIR than git gives for the repository.
    const global = join(dir, '.global-gitconfig');
    await writeFile(join(dir, '.side.conf'), '[remote "origin"]\n\turl = https://example.com/elsewhere.git\n');
    await writeFile(global, `[includeIf "onbranch:side"]\n\tpath = ${join(dir, '.side.conf')}\n`);
    const saved = process.env['GIT_CONFIG_GLOBAL'];
    process.env['GIT_CONFIG_GLOBAL'] = global;
    try {
      const io = { env: { CCX_DATA_HOME: join(dir, '.data') }, stdout: () => undefined, stderr: () => undefined, stdoutIsTTY: false, stderrIsTTY: false };
      const fromRoot = (await repoContext({ ...io, cwd: dir })).paths.stateDir;
      expect(fromRoot).toBe(join(dir, '.data', (await repoIdentityByGit(await openRepo(dir))).key));
      expect((await repoContext({ ...io, cwd: join(dir, 'src', 'deep') })).paths.stateDir).toBe(fromRoot);
      expect((await repoContext({ ...io, cwd: linked })).paths.stateDir).toBe(fromRoot);
    } finally {
      if (saved === undefined) delete process.env['GIT_CONFIG_GLOBAL'];
      else process.env['GIT_CONFIG_GLOBAL'] = saved;
    }
  });
});
