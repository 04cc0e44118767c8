import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { AGENT_TOKEN_VAR } from './token.js';

/** A live (not zombie) process as the process table shows it. */
export interface ProcessEntry {
  pid: number;
  pgid: number;
}

const HAS_PROC = process.platform === 'linux';

/**
 * Live processes of the machine. Zombies are left out: an orphan whose reaper never waits for it
 * (PID 1 in some containers) stays a zombie forever, yet it is dead and holds nothing.
 */
export function liveProcesses(): ProcessEntry[] {
  return HAS_PROC ? procProcesses() : psProcesses();
}

export function groupMembers(pgid: number): number[] {
  return liveProcesses()
    .filter((entry) => entry.pgid === pgid)
    .map((entry) => entry.pid);
}

/** Live processes whose environment holds CCX_AGENT_TOKEN=<token>, in any group or session. */
export function tokenHolders(token: string): number[] {
  return HAS_PROC ? procTokenHolders(token) : psTokenHolders(token);
}

export function carriesToken(pid: number, token: string): boolean {
  if (HAS_PROC) return environHasToken(pid, token);
  return psTokenHolders(token).includes(pid);
}

function procProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(name);
    if (stat !== undefined) entries.push(stat);
  }
  return entries;
}

function readProcStat(pid: string): ProcessEntry | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited while we looked
  }
  // "pid (comm) S ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const pgid = Number(fields[2]);
  if (state === undefined || state === 'Z' || state === 'X' || !Number.isInteger(pgid)) return undefined;
  return { pid: Number(pid), pgid };
}

function procTokenHolders(token: string): number[] {
  return procProcesses()
    .map((entry) => entry.pid)
    .filter((pid) => pid !== process.pid && environHasToken(pid, token));
}

function environHasToken(pid: number, token: string): boolean {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false; // gone, or another user's
  }
  const needle = Buffer.from(`${AGENT_TOKEN_VAR}=${token}\0`);
  const at = environ.indexOf(needle);
  return at === 0 || (at > 0 && environ[at - 1] === 0);
}

function psProcesses(): ProcessEntry[] {
  return runPs(['-A', '-o', 'pid=,pgid=,stat=']).flatMap((line) => {
    const [pid, pgid, stat] = line.trim().split(/\s+/);
    if (pid === undefined || pgid === undefined || stat === undefined || stat.startsWith('Z')) return [];
    return [{ pid: Number(pid), pgid: Number(pgid) }];
  });
}

/** macOS and the BSDs: `ps -E` appends the environment of the person's own processes. */
function psTokenHolders(token: string): number[] {
  const needle = ` ${AGENT_TOKEN_VAR}=${token}`;
  return runPs(['-A', '-E', '-ww', '-o', 'pid=,command=']).flatMap((line) => {
    const match = /^\s*(\d+)\s/.exec(line);
    if (match === null || !(line.includes(`${needle} `) || line.endsWith(needle))) return [];
    const pid = Number(match[1]);
    return pid === process.pid ? [] : [pid];
  });
}

function runPs(args: string[]): string[] {
  try {
    return execFileSync('ps', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
  } catch {
    return [];
  }
}
