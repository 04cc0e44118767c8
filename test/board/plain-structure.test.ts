import { describe, expect, it } from 'vitest';
import { findCandidate } from '../../src/board/parse/candidate.js';
import { locateTasksBlock } from '../../src/board/parse/locate.js';
import { confirmPlainly } from '../../src/board/parse/plain-structure.js';
import { seeded } from '../helpers/seeded.js';

/** What the plain-structure check says, and what remark says, for one BOARD.md body. */
function bothAnswers(body: string) {
  const candidate = findCandidate(body);
  const plain = candidate === null ? null : confirmPlainly(body, candidate);
  return { plain, remark: locateTasksBlock(body) };
}

const ROWS = '- id: T-1\n  title: a\n  status: pending\n';
const PLAIN_BOARD = `# Board\n\n## Direction\n\nGo, and *read* the \`notes\`.\n\n## Tasks\n\nOne row per task.\n\n\`\`\`yaml\n${ROWS}\`\`\`\n\n## After\n\nMore.\n`;

describe('the Tasks block found without remark', () => {
  it('takes a plainly structured board, and agrees with remark on it', () => {
    for (const body of [PLAIN_BOARD, PLAIN_BOARD.replace(/\n/g, '\r\n'), `## Tasks\n\`\`\`yaml\n\`\`\`\n`, `## tasks ##\n\n~~~yml title\n${ROWS}~~~~`]) {
      const { plain, remark } = bothAnswers(body);
      expect(plain, JSON.stringify(body)).not.toBeNull();
      expect(remark, JSON.stringify(body)).toEqual({ ok: true, block: plain });
    }
  });

  it('leaves to remark anything that could change which heading or block it is', () => {
    const doubtful = [
      `<!-- a comment -->\n${PLAIN_BOARD}`,
      `\`\`\`\n${PLAIN_BOARD}`,
      `${PLAIN_BOARD}\n## Tasks\n`,
      `${PLAIN_BOARD}\n## Ta&#115;ks\n`,
      `${PLAIN_BOARD}\nTas  \nks\n---\n`,
      `${PLAIN_BOARD}\nTASKS\n-\n`,
      PLAIN_BOARD.replace('One row per task.', 'One row per task.\n---'),
      PLAIN_BOARD.replace('One row per task.', '# Another'),
      PLAIN_BOARD.replace('## Tasks', ' ## Tasks'),
      PLAIN_BOARD.replace('```yaml', '```yaml-x'),
      PLAIN_BOARD.replace('Go,', 'Go,\r'),
      `\uFEFF${PLAIN_BOARD}`,
    ];
    for (const body of doubtful) {
      const candidate = findCandidate(body);
      expect(candidate === null ? null : confirmPlainly(body, candidate), JSON.stringify(body)).toBeNull();
    }
  });

  const seed = Number(process.env['CCX_TEST_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
  it(`never takes a block remark would not, on generated markdown (seed ${seed})`, () => {
    const random = seeded(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    // Mostly lines of ordinary boards, some of which (and every line of the second list) could change the answer.
    const ordinary = ['', '', '', 'Some text.', 'Tasks', 'Ta', 'sks', 'Tas  ', 'x `y` z', 'a *b* _c_', '# Board', '## Direction', '### Tasks', '- a', '1. b', '> a', '***', '---', '    code', '  '];
    const awkward = [
      'tasks', 'Tas\\', 'Ta&#115;ks', '\u00a0', 'T\u00a0asks',
      '## Tasks', '## tasks #', '##Tasks', ' ## Tasks', '## Ta*sks*', '## Ta&#115;ks', '## TAS\u212aS', '##', '## Tasks\\', '#  Tasks',
      '===', '-', '  ---', '- - -', '* c', '- ```', '  - d', '> ```', '> ## Tasks', '>', '\t## Tasks',
      '```', '~~~', '```yaml', '````', '~~~yaml', '```js', '    ```', ' ```', '<div>', '</div>', '<!-- c -->', '<!--', '-->', ' <p>', '<x-y>',
      '[a]: /u', "[a]: /u 'x", "'", '\r', 'a\rb', '\t',
    ];
    const headings = ['## Tasks', '## Tasks', '## Tasks', '## tasks', '## TASKS ##', '##  Tasks\t', '## Tasks#', ' ## Tasks'];
    const fences = ['```yaml', '```yaml', '```yml', '~~~yaml', '````yaml', '```YAML x', '```yaml-x', '```yaml `x`', '~~~yaml `x`'];
    const block = (count: number) => Array.from({ length: count }, () => pick(random() < 0.85 ? ordinary : awkward));
    let taken = 0;
    let left = 0;
    for (let n = 0; n < 1500; n += 1) {
      const fence = pick(fences);
      const closing = fence.startsWith('~') ? pick(['~~~', '~~~~', '```']) : pick(['```', '````', '~~~', ' ```']);
      const parts = [...block(Math.floor(random() * 6)), pick(headings), ...block(Math.floor(random() * 4)), fence, ...ROWS.trimEnd().split('\n'), closing, ...block(Math.floor(random() * 6))];
      let body = parts.join('\n') + pick(['\n', '']);
      if (random() < 0.2) body = body.replace(/\n/g, '\r\n');
      if (random() < 0.05) body = `\uFEFF${body}`;
      const { plain, remark } = bothAnswers(body);
      if (plain === null) left += 1;
      else {
        taken += 1;
        expect(remark, `seed ${seed}: ${JSON.stringify(body)}`).toEqual({ ok: true, block: plain });
      }
    }
    // Both answers must have come up often enough for the comparison to mean something.
    expect(taken, `seed ${seed}`).toBeGreaterThan(100);
    expect(left, `seed ${seed}`).toBeGreaterThan(100);
  });
});
