import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { errnoCode } from '../../errors.js';

/**
 * Containment that an agent cannot shed (SPEC 13: no process outlives its turn, also one that
 * starts a new session and scrubs its environment). On Linux with a writable cgroup v2 hierarchy,
 * every turn runs in a cgroup of its own, `<ccx's cgroup>/ccx-agent-<token>`: a tiny `/bin/sh`
 * wrapper writes its own pid to the new cgroup's `cgroup.procs` and then execs the agent, so the
 * agent and everything it ever forks start inside it (a fork cannot leave a cgroup; only a process
 * with write access to another cgroup's `cgroup.procs`, i.e. one running as root, can move itself
 * out). The turn ends with `cgroup.kill`. Elsewhere (macOS, no cgroup v2, no write access) ccx falls
 * back to the process group plus the per-turn token in the environment, which `setsid` with a
 * scrubbed environment defeats. Node cannot call prctl(PR_SET_CHILD_SUBREAPER) without a native
 * addon, so that route is not taken.
 */
export type CgroupSupport = { available: true; base: string } | { available: false; reason: string };

const PREFIX = 'ccx-agent-';
/** The wrapper, fixed text: everything it acts on comes through argv ($1 the procs file, then the agent). */
const WRAPPER_SCRIPT = 'echo $$ > "$1" 2>/dev/null; shift; exec "$@"';
const WRAPPER_SHELL = '/bin/sh';

let support: CgroupSupport | undefined;

/** Whether turns run in cgroups here, and why not (probed once per process: mkdir and rmdir a cgroup). */
export function cgroupSupport(): CgroupSupport {
  support ??= probe();
  return support;
}

function probe(): CgroupSupport {
  if (process.platform !== 'linux') return { available: false, reason: `${process.platform} has no cgroups` };
  const base = ownCgroupDir();
  if (base === undefined) return { available: false, reason: 'no cgroup v2 hierarchy is mounted (or this process is not in it)' };
  if (!existsSync(WRAPPER_SHELL)) return { available: false, reason: `${WRAPPER_SHELL} is missing` };
  const trial = join(base, `${PREFIX}probe-${process.pid}`);
  try {
    mkdirSync(trial);
  } catch (error) {
    return { available: false, reason: `ccx may not create cgroups under ${base} (${errnoCode(error) ?? String(error)}); run the daemon as a systemd service with Delegate=yes, or as root` };
  }
  try {
    if (!existsSync(join(trial, 'cgroup.kill'))) return { available: false, reason: 'the kernel has no cgroup.kill (Linux 5.14 or later is needed)' };
    // The wrapper itself, once: the move into the new cgroup must really happen (write access to
    // cgroup.procs here and in the common ancestor), or turns would run uncontained.
    const wrapped = wrapInCgroup(trial, '/bin/cat', ['/proc/self/cgroup']);
    const seen = execFileSync(wrapped.file, wrapped.args, { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const inside = /^0::(\/.*)$/m.exec(seen)?.[1] ?? '';
    if (!inside.endsWith(`/${PREFIX}probe-${process.pid}`)) return { available: false, reason: `a process could not move itself into a cgroup under ${base}` };
    return { available: true, base };
  } catch (error) {
    return { available: false, reason: `the cgroup probe failed (${errnoCode(error) ?? String(error)})` };
  } finally {
    removeCgroup(trial);
  }
}

/** `<cgroup2 mount><this process's cgroup path>`, read from /proc/self/mountinfo and /proc/self/cgroup. */
function ownCgroupDir(): string | undefined {
  let mounts: string;
  let cgroups: string;
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    cgroups = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return undefined;
  }
  const own = /^0::(\/.*)$/m.exec(cgroups)?.[1];
  if (own === undefined) return undefined;
  for (const line of mounts.split('\n')) {
    const [before, after] = line.split(' - ');
    if (after?.split(' ')[0] !== 'cgroup2') continue;
    const fields = before?.split(' ') ?? [];
    const root = fields[3];
    const mountPoint = fields[4];
    if (root === undefined || mountPoint === undefined || !own.startsWith(root)) continue;
    const dir = join(mountPoint, own.slice(root.length));
    if (existsSync(join(dir, 'cgroup.procs'))) return dir;
  }
  return undefined;
}

/** The cgroup of the turn that carries `token` (also for a restarted daemon's reap); undefined without support. */
export function turnCgroupPath(token: string): string | undefined {
  const found = cgroupSupport();
  return found.available && /^[\w-]+$/.test(token) ? join(found.base, `${PREFIX}${token}`) : undefined;
}

/** Creates the turn's cgroup; undefined (the fallback) when cgroups are not available or mkdir fails. */
export function createTurnCgroup(token: string): string | undefined {
  const path = turnCgroupPath(token);
  if (path === undefined) return undefined;
  try {
    mkdirSync(path);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * The argv that starts `file args` inside `cgroup`. Only for a binary that exists and is executable
 * (`resolveExecutable`): otherwise spawn itself must fail, so the caller reports the missing binary.
 */
export function wrapInCgroup(cgroup: string, file: string, args: readonly string[]): { file: string; args: string[] } {
  return { file: WRAPPER_SHELL, args: ['-c', WRAPPER_SCRIPT, 'ccx-agent', join(cgroup, 'cgroup.procs'), file, ...args] };
}

/** The executable `file` names, searched on `PATH` as spawn would; undefined when there is none. */
export function resolveExecutable(file: string, cwd: string, path: string | undefined): string | undefined {
  if (file === '') return undefined;
  const candidates = file.includes('/') ? [isAbsolute(file) ? file : resolve(cwd, file)] : (path ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => resolve(cwd, dir, file));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** Every live process in `cgroup` and the cgroups below it (none when it is gone). */
export function cgroupMembers(cgroup: string): number[] {
  const pids: number[] = [];
  const walk = (dir: string) => {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line !== '') pids.push(Number(line));
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
    } catch {
      // gone while we looked
    }
  };
  walk(cgroup);
  return pids.filter((pid) => pid !== process.pid);
}

/** SIGKILLs every process of the cgroup at once (cgroup.kill: a fork in flight cannot slip past). */
export function killCgroup(cgroup: string): void {
  try {
    writeFileSync(join(cgroup, 'cgroup.kill'), '1');
  } catch {
    // gone already
  }
}

/** Removes the (empty) cgroup and any below it; one still busy is left for the next reap. */
export function removeCgroup(cgroup: string): void {
  try {
    for (const entry of readdirSync(cgroup, { withFileTypes: true })) if (entry.isDirectory()) removeCgroup(join(cgroup, entry.name));
    rmdirSync(cgroup);
  } catch {
    // ENOENT: gone; EBUSY: a process is still dying in it
  }
}
