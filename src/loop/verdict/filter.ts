import { SEVERITIES } from '../../board/types.js';
import type { Finding, Severity, SeverityCounts } from '../types.js';

/** SPEC 6.4: findings under min_severity or min_confidence are skipped (kept for the handoff and commit body). */
export function filterFindings(findings: readonly Finding[], minimum: { severity: Severity; confidence: number }): { open: Finding[]; skipped: Finding[] } {
  const open: Finding[] = [];
  const skipped: Finding[] = [];
  for (const finding of findings) {
    const below = rank(finding.severity) > rank(minimum.severity) || finding.confidence < minimum.confidence;
    (below ? skipped : open).push(finding);
  }
  return { open, skipped };
}

/** critical is 0, low is 3: a larger rank is less severe. */
function rank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** `1 high, 2 low`, or `no findings`. */
export function describeCounts(counts: SeverityCounts): string {
  const parts = SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => `${counts[severity]} ${severity}`);
  return parts.length === 0 ? 'no findings' : parts.join(', ');
}
