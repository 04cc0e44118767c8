import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeTempDir, removeDir } from '../helpers/testdir.js';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { conformance: Record<string, string> };
/** The pinned versions `npm run conformance:install` puts in the cache folder (package.json "conformance"). */
export const PINNED = { claude: PACKAGE.conformance['@anthropic-ai/claude-code'] ?? '', codex: PACKAGE.conformance['@openai/codex'] ?? '' };
export const INSTALL_COMMAND = 'npm run conformance:install';

/** $CCX_CONFORMANCE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/ccx-conformance (as install.mjs). */
export function conformanceDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['CCX_CONFORMANCE_DIR'];
  if (explicit !== undefined && explicit.trim() !== '') return explicit;
  const cache = env['XDG_CACHE_HOME'];
  return join(cache !== undefined && cache.trim() !== '' ? cache : join(homedir(), '.cache'), 'ccx-conformance');
}

export interface InstalledCli {
  bin: string;
  version: string;
}

/** The CLI in the cache folder, when it is there at the pinned version (else the suite skips). */
function installed(pkg: string, binName: string, pinned: string): InstalledCli | undefined {
  const root = join(conformanceDir(), 'node_modules');
  const bin = join(root, '.bin', binName);
  if (!existsSync(bin)) return undefined;
  try {
    const { version } = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8')) as { version: string };
    return version === pinned ? { bin, version } : undefined;
  } catch {
    return undefined;
  }
}

export const CLAUDE = installed('@anthropic-ai/claude-code', 'claude', PINNED.claude);
export const CODEX = installed('@openai/codex', 'codex', PINNED.codex);

/** A temp HOME (with CLAUDE_CONFIG_DIR / CODEX_HOME inside) removed when the suite ends. */
export async function isolatedHome(): Promise<{ home: string; remove: () => Promise<void> }> {
  const home = await makeTempDir('ccx-conformance-home-');
  return { home, remove: () => removeDir(home) };
}

/**
 * claude with no login but the mock's: nothing of the person's environment (PATH aside), no
 * non-model traffic, no retries. `auth` picks the code path: API key, OAuth (subscription) or none.
 */
export function claudeEnv(home: string, mockUrl: string, auth: 'api-key' | 'oauth' | 'none'): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_BASE_URL: mockUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    TZ: 'UTC',
    ...(auth === 'api-key' ? { ANTHROPIC_API_KEY: 'dummy' } : auth === 'oauth' ? { CLAUDE_CODE_OAUTH_TOKEN: 'dummy' } : {}),
  };
}

/** codex pointed at the mock through $CODEX_HOME/config.toml, with retries, plugins and analytics off. */
export async function codexEnv(home: string, openAiUrl: string, withKey = true): Promise<Record<string, string>> {
  const codexHome = join(home, '.codex');
  await mkdir(codexHome, { recursive: true });
  await writeFile(
    join(codexHome, 'config.toml'),
    [
      'model = "gpt-5.5"',
      'model_provider = "mock"',
      '[model_providers.mock]',
      'name = "Mock"',
      `base_url = "${openAiUrl}"`,
      'wire_api = "responses"',
      'env_key = "MOCK_API_KEY"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '[features]',
      'plugins = false',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    CODEX_HOME: codexHome,
    TZ: 'UTC',
    ...(withKey ? { MOCK_API_KEY: 'dummy' } : {}),
  };
}
