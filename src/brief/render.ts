import { stringify } from 'yaml';
import type { Scope } from '../board/types.js';

/** The six sections of a brief, in order (SPEC 4). */
export const BRIEF_SECTIONS = ['Goal', 'Acceptance', 'Context', 'Out of scope', 'Test plan', 'Decisions'] as const;
export type BriefSection = (typeof BRIEF_SECTIONS)[number];

export interface BriefContent {
  id: string;
  title: string;
  scope: Scope;
  dependsOn: string[];
  /** Text per section; a missing section gets ccx's default text. */
  sections: Partial<Record<BriefSection, string>>;
}

/** A brief: YAML front matter (id, title, scope, depends_on) and the six H2 sections. */
export function renderBrief(content: BriefContent): string {
  const body = BRIEF_SECTIONS.map((section) => `## ${section}\n\n${(content.sections[section] ?? defaultSection(section, content)).trim()}\n`).join('\n');
  return renderBriefAround(content, body);
}

/** A brief whose sections the person already wrote (an inbox body with all six): front matter and title added. */
export function renderBriefAround(content: Omit<BriefContent, 'sections'>, sectionsMarkdown: string): string {
  const front = stringify({ id: content.id, title: content.title, scope: { include: content.scope.include, exclude: content.scope.exclude }, depends_on: content.dependsOn }, { lineWidth: 0 });
  return `---\n${front}---\n\n# ${content.id}: ${content.title}\n\n${sectionsMarkdown.trim()}\n`;
}

/** The brief for a row that has none: made from its title and notes. */
export function briefFromRow(row: { id: string; title: string; scope: Scope; dependsOn: string[]; notes: string | null }): string {
  const notes = row.notes?.trim() ?? '';
  return renderBrief({ ...row, sections: { Goal: notes === '' ? row.title : `${row.title}\n\n${notes}` } });
}

/** Whether a Markdown body already has all six sections (an inbox body that is a full brief). */
export function hasAllSections(markdown: string): boolean {
  const headings = [...markdown.matchAll(/^##[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)].map((match) => (match[1] as string).trim().toLowerCase());
  return BRIEF_SECTIONS.every((section) => headings.includes(section.toLowerCase()));
}

function defaultSection(section: BriefSection, content: BriefContent): string {
  const scope = content.scope.include.length === 0 ? 'the whole repository' : content.scope.include.map((glob) => `\`${glob}\``).join(', ');
  switch (section) {
    case 'Goal':
      return content.title;
    case 'Acceptance':
      return [
        `- [ ] ${content.title}`,
        '- [ ] The configured test command passes.',
        `- [ ] Every change stays inside the task's scope (${scope}${content.scope.exclude.length > 0 ? `, except ${content.scope.exclude.map((glob) => `\`${glob}\``).join(', ')}` : ''}).`,
        '- [ ] The reviewer approves with no open findings at the task\'s severity threshold.',
      ].join('\n');
    case 'Context':
      return 'See the board\'s Direction section, which every turn receives as well.';
    case 'Out of scope':
      return '- Any file outside the task\'s scope.\n- Pushing, tagging, or changing git history: ccx commits and merges.';
    case 'Test plan':
      return 'Run the repository\'s configured test command; add or update tests for the behaviour this task changes.';
    case 'Decisions':
      return '<!-- Answers to questions that came up, one per line: `- q: … / a: …`. -->';
  }
}
