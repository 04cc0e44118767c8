import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../../fs/atomic-write.js';
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

/** Writes one artifact (0600) and returns its path. */
export async function writeArtifact(runDir: string, name: string, content: string): Promise<string> {
  const path = join(runDir, name);
  await writeFile(path, content, { mode: PRIVATE_FILE_MODE });
  return path;
}
