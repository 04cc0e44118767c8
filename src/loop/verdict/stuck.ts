import type { Finding } from '../types.js';

/** SPEC 6.4: the same finding in this many consecutive reviews is a stuck loop. */
export const STUCK_REVIEWS = 3;

/** (file, title, body), whitespace-normalised; the line is ignored since fixes move code. */
export function findingKey(finding: Pick<Finding, 'file' | 'title' | 'body'>): string {
  const norm = (text: string) => text.replace(/\s+/g, ' ').trim();
  return JSON.stringify([norm(finding.file), norm(finding.title), norm(finding.body)]);
}

/** The history with this review's keys added, kept to the last STUCK_REVIEWS reviews. */
export function pushKeys(history: readonly string[][], findings: readonly Finding[]): string[][] {
  const keys = [...new Set(findings.map(findingKey))];
  return [...history, keys].slice(-STUCK_REVIEWS);
}

/** The key present in each of the last STUCK_REVIEWS reviews, or null. */
export function stuckKey(history: readonly string[][]): string | null {
  if (history.length < STUCK_REVIEWS) return null;
  const [first, ...rest] = history.slice(-STUCK_REVIEWS);
  return first?.find((key) => rest.every((keys) => keys.includes(key))) ?? null;
}

/** `README.md: The same problem` for a key, for messages. */
export function describeKey(key: string): string {
  const [file = '', title = ''] = JSON.parse(key) as string[];
  return file === '' ? title : `${file}: ${title}`;
}
