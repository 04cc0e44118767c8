import { join, resolve } from 'node:path';
import { PRIVATE_FILE_MODE } from '../../fs/atomic-write.js';
import { ensureDirNoFollow, writeFileNoFollow } from '../../fs/no-follow.js';
import type { LoopPhase } from '../types.js';

export type ArtifactKind = 'prompt.md' | 'out' | 'err' | 'verdict.json' | 'log';

/**
 * `c<cycle>-<phase>.<kind>`, so a person can follow an attempt with `ls`: c1-implement.prompt.md,
 * c1-implement.out, c1-test.log, c1-review.verdict.json, c2-fix.prompt.md… A turn run again after
 * a usage limit keeps its prompt file and writes `c1-review.try2.out`.
 */
export function artifactName(cycle: number, phase: LoopPhase | 'review-retry', kind: ArtifactKind, attemptTry = 1): string {
  return `c${cycle}-${phase}${attemptTry > 1 ? `.try${attemptTry}` : ''}.${kind}`;
}

/** STATE_DIR of a run folder: runs/<id>/a<k> lies three levels below it. */
export function stateDirOfRun(runDir: string): string {
  return resolve(runDir, '..', '..', '..');
}

/**
 * Fails when runs/, runs/<id> or the run folder is a symbolic link ccx did not make (an agent
 * knows CCX_STATE_DIR): what ccx writes there would land outside STATE_DIR. A missing run folder is
 * made again (the run journal replaces a planted runs/<id> link with a fresh folder).
 */
export async function requireRunDir(runDir: string): Promise<void> {
  await ensureDirNoFollow(stateDirOfRun(runDir), runDir);
}

/** Writes one artifact (0600), never through a link, and returns its path. */
export async function writeArtifact(runDir: string, name: string, content: string): Promise<string> {
  const path = join(runDir, name);
  await writeFileNoFollow(stateDirOfRun(runDir), path, content, PRIVATE_FILE_MODE);
  return path;
}
