import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { ensureDir } from '../fs/atomic-write.js';

const ENTRY = '.ccx/';

/** Adds `.ccx/` to the repository's own ignore list (.git/info/exclude), never to a committed file. */
export async function excludeCcxFolder(commonDir: string): Promise<boolean> {
  const path = join(commonDir, 'info', 'exclude');
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  if (text.split(/\r?\n/).some((line) => ['.ccx', '.ccx/', '/.ccx', '/.ccx/'].includes(line.trim()))) return false;
  await ensureDir(join(commonDir, 'info'), 0o755);
  await appendFile(path, `${text === '' || text.endsWith('\n') ? '' : '\n'}# ccx: the inbox for task submissions\n${ENTRY}\n`);
  return true;
}
