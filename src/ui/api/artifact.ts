import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isTaskId } from '../../board/parse/row-fields.js';
import { notFound } from '../server/api-error.js';
import { SECURITY_HEADERS } from '../server/respond.js';
import { listFilesInside } from './files.js';
import type { UiRepo } from './repos.js';

/**
 * GET /api/repos/:key/tasks/:id/attempts/:n/files/:name: one artifact as text/plain. The name is
 * looked up in the attempt folder's listing (never joined as given), so `..`, a slash or a link
 * cannot lead anywhere else: whatever is not listed there is a 404.
 */
export async function sendArtifact(res: ServerResponse, repo: UiRepo, id: string, attempt: string, name: string): Promise<void> {
  if (!isTaskId(id) || !/^[1-9][0-9]{0,8}$/.test(attempt)) throw notFound(`no attempt ${JSON.stringify(attempt)} of ${JSON.stringify(id)}.`);
  const folder = join(repo.paths.runDir(id), `a${attempt}`);
  const listed = (await listFilesInside(repo.paths.stateDir, folder)).find((file) => file === name);
  if (listed === undefined) throw notFound(`attempt ${attempt} of ${id} has no file ${JSON.stringify(name)}; GET /api/repos/${repo.key}/tasks/${id} lists its files.`);
  let handle;
  try {
    handle = await open(join(folder, listed), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    throw notFound(`attempt ${attempt} of ${id} has no readable file ${JSON.stringify(name)}.`);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw notFound(`${name} is not a file.`);
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': stat.size, 'Content-Disposition': 'inline' });
  await pipeline(handle.createReadStream({ autoClose: true }), res).catch(() => res.destroy());
}
