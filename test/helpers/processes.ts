import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const AGENT_FIXTURES = fileURLToPath(new URL('../agents/fixtures/', import.meta.url));

/**
 * The live (not zombie) processes among `pids` or in group `pgid`, read with `ps` — independently
 * of the code under test. Zombies are dead: an orphan's reaper (PID 1 in a container) may never
 * collect them.
 */
export function liveProcesses(filter: { pids?: readonly number[]; pgid?: number }): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat='], { encoding: 'utf8' });
  return table.split('\n').flatMap((line) => {
    const [pid, pgid, stat] = line.trim().split(/\s+/).map((field, index) => (index < 2 ? Number(field) : field)) as [number, number, string];
    if (line.trim() === '' || stat.startsWith('Z')) return [];
    const wanted = (filter.pids?.includes(pid) ?? false) || (filter.pgid !== undefined && pgid === filter.pgid);
    return wanted ? [pid] : [];
  });
}

/** The pids a fixture printed as `grandchild <pid>` lines. */
export function grandchildPids(stdout: string): number[] {
  return [...stdout.matchAll(/^grandchild (\d+)$/gm)].map((match) => Number(match[1]));
}
