import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
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

export const INSTALL_LATEST_COMMAND = 'npm run conformance:install:latest';

export type Release = 'pinned' | 'latest';

export interface InstalledCli {
  bin: string;
  version: string;
  release: Release;
  /** PATH for the CLI: the registry's newer node first when this release needs one (see install.mjs). */
  path: string;
}

/** Where each release is installed: the pinned one in the cache folder, the latest in its latest/ subfolder. */
export function releaseDir(release: Release): string {
  return release === 'pinned' ? conformanceDir() : join(conformanceDir(), 'latest');
}

/** The CLI of a release in the cache folder, or why it is not there (the suite then skips it and says so). */
function installed(pkg: string, binName: string, release: Release): InstalledCli | string {
  const root = join(releaseDir(release), 'node_modules');
  const bin = join(root, '.bin', binName);
  const install = release === 'pinned' ? INSTALL_COMMAND : INSTALL_LATEST_COMMAND;
  let manifest: { version: string; engines?: { node?: string } };
  try {
    manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return `${binName} (${release}) is not installed in ${releaseDir(release)}; run \`${install}\``;
  }
  if (!existsSync(bin)) return `${binName} ${manifest.version} (${release}) has no ${bin}; run \`${install}\` again`;
  const pinned = binName === 'claude' ? PINNED.claude : PINNED.codex;
  if (release === 'pinned' && manifest.version !== pinned) return `${binName} in ${releaseDir(release)} is ${manifest.version}, not the pinned ${pinned}; run \`${install}\``;
  const needed = Number(/>=?\s*v?(\d+)/.exec(manifest.engines?.node ?? '')?.[1] ?? 0);
  const path = process.env['PATH'] ?? '/usr/bin:/bin';
  if (needed <= Number(process.versions.node.split('.')[0])) return { bin, version: manifest.version, release, path };
  const nodeBin = join(conformanceDir(), `node-${needed}`, 'node_modules', 'node', 'bin');
  if (!existsSync(join(nodeBin, 'node'))) return `${binName} ${manifest.version} (${release}) needs Node ${needed} and this is ${process.version}; run \`${install}\` to fetch node@${needed} beside it`;
  return { bin, version: manifest.version, release, path: `${nodeBin}${delimiter}${path}` };
}

const RELEASES: readonly Release[] = ['pinned', 'latest'];
const CLAUDE_FOUND = RELEASES.map((release) => installed('@anthropic-ai/claude-code', 'claude', release));
const CODEX_FOUND = RELEASES.map((release) => installed('@openai/codex', 'codex', release));
const isInstalled = (found: InstalledCli | string): found is InstalledCli => typeof found !== 'string';

/** Every installed release of each CLI, pinned first: the suite runs once per release, its name naming the version. */
export const CLAUDES: readonly InstalledCli[] = CLAUDE_FOUND.filter(isInstalled);
export const CODEXES: readonly InstalledCli[] = CODEX_FOUND.filter(isInstalled);
/** Why a release is not run, one line each. */
export const NOT_INSTALLED: readonly string[] = [...CLAUDE_FOUND, ...CODEX_FOUND].filter((found): found is string => typeof found === 'string');

/** The pinned CLIs, for suites that need just one. */
export const CLAUDE = CLAUDES.find((cli) => cli.release === 'pinned');
export const CODEX = CODEXES.find((cli) => cli.release === 'pinned');

/** How a suite names the CLI it runs: version and release, so a failure says which one differs. */
export function cliTitle(name: string, cli: InstalledCli | undefined): string {
  return cli === undefined ? `${name} (not installed: ${INSTALL_COMMAND})` : `${name} ${cli.version} (${cli.release})`;
}

/** A temp HOME (with CLAUDE_CONFIG_DIR / CODEX_HOME inside) removed when the suite ends. */
export async function isolatedHome(): Promise<{ home: string; remove: () => Promise<void> }> {
  const home = await makeTempDir('ccx-conformance-home-');
  return { home, remove: () => removeDir(home) };
}

/**
 * claude with no login but the mock's: nothing of the person's environment (PATH aside), no
 * non-model traffic, no retries. `auth` picks the code path: API key, OAuth (subscription) or none.
 */
export function claudeEnv(home: string, mockUrl: string, auth: 'api-key' | 'oauth' | 'none', path = process.env['PATH'] ?? '/usr/bin:/bin'): Record<string, string> {
  return {
    PATH: path,
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
export async function codexEnv(home: string, openAiUrl: string, withKey = true, path = process.env['PATH'] ?? '/usr/bin:/bin'): Promise<Record<string, string>> {
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
    PATH: path,
    HOME: home,
    CODEX_HOME: codexHome,
    TZ: 'UTC',
    ...(withKey ? { MOCK_API_KEY: 'dummy' } : {}),
  };
}
