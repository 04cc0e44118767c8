import { readFile } from 'node:fs/promises';
import { CcxError } from '../errors.js';

/** The templates shipped with the package (package.json "files"): systemd/ccx.service, launchd/<label>.plist. */
export async function readTemplate(relative: string): Promise<string> {
  return readFile(new URL(`../../${relative}`, import.meta.url), 'utf8');
}

/** Replaces each `@NAME@` with its value; a placeholder left without a value is a bug, not a unit file. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const filled = template.replace(/@([A-Z_]+)@/g, (whole, name: string) => values[name] ?? whole);
  const left = /@([A-Z_]+)@/.exec(filled);
  if (left !== null) throw new CcxError('SERVICE_FAILED', `the service template has a placeholder without a value: ${left[0]}.`);
  return filled;
}
