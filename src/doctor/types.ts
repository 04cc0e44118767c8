import type { CgroupSupport } from '../agents/process/cgroup.js';
import type { ServiceHost } from '../service/index.js';

export type CheckLevel = 'ok' | 'warn' | 'fail';

/** One line of `ccx doctor`: what was checked, what was found, and the fix when it is not ok. */
export interface CheckResult {
  level: CheckLevel;
  /** A short name: node, git, claude, claude login, … */
  name: string;
  message: string;
  fix?: string;
}

/** What the checks look at, gathered once so tests can point it at fake binaries and a temp home. */
export interface DoctorHost {
  env: NodeJS.ProcessEnv;
  cwd: string;
  platform: NodeJS.Platform;
  home: string;
  /** The running node's version (process.versions.node). */
  nodeVersion: string;
  /** How long one `--version` or login-status call may take. */
  timeoutMs: number;
  service: ServiceHost;
  /** Whether agent turns get a cgroup of their own here (agents/process/cgroup.ts). */
  containment: CgroupSupport;
}
