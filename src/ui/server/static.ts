import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { requireNoLinks } from '../../fs/no-follow.js';
import { notFound } from './api-error.js';
import { SECURITY_HEADERS } from './respond.js';

/** The page's files: src/ui/page, copied to dist/ui/page by `npm run build`. */
export const PAGE_DIR = fileURLToPath(new URL('../page/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Serves a file of the page (`/` is index.html); a name that is not plain, unknown or a link is a 404. */
export async function sendStatic(res: ServerResponse, pathname: string, pageDir = PAGE_DIR, head = false): Promise<void> {
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const type = TYPES[extname(relative).toLowerCase()];
  if (!SAFE_PATH.test(relative) || relative.split('/').includes('..') || type === undefined) throw notFound(`there is no page file ${JSON.stringify(pathname)}.`);
  const path = join(pageDir, relative);
  let handle;
  try {
    await requireNoLinks(pageDir, path);
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    throw notFound(`there is no page file ${JSON.stringify(pathname)}.`);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw notFound(`there is no page file ${JSON.stringify(pathname)}.`);
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': stat.size });
  if (head) {
    await handle.close();
    res.end();
    return;
  }
  await pipeline(handle.createReadStream({ autoClose: true }), res).catch(() => res.destroy());
}
