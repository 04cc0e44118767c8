import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every STATE_DIR under the data root: a folder with a config.yaml (what `ccx init` writes). */
export async function discoverStateDirs(dataRoot: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dataRoot, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const stateDir = join(dataRoot, entry.name);
    try {
      await access(join(stateDir, 'config.yaml'));
      found.push(stateDir);
    } catch {
      // Not (yet) a STATE_DIR; the daemon's DataRootWatch opens it once its config.yaml appears.
    }
  }
  return found.sort();
}
