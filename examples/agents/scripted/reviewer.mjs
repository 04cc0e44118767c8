// The reviewer: prints SPEC 6 verdict JSON (or a STATUS: line), from what it reads in the worktree.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checksIn } from './blocks.mjs';

export async function review(behaviour, { cycle, prompt, cwd }) {
  switch (behaviour.action) {
    case 'approve-at': {
      const at = behaviour.cycle ?? 1;
      if (cycle >= at) return verdict([], `Approved at cycle ${cycle}.`);
      return verdict([finding({ title: `Open item ${cycle}`, body: `Cycle ${cycle} of ${at}: one more thing to do.`, file: 'SCRIPTED-AGENT.md' })], `Needs attention until cycle ${at}.`);
    }
    case 'stuck':
      return verdict([finding({ title: 'The same problem', body: 'This finding never goes away.', file: 'README.md' })], 'Still the same problem.');
    case 'status':
      process.stdout.write(`STATUS: ${behaviour.status ?? 'DONE'}\n${behaviour.text ?? ''}\n`);
      return;
    default: {
      const findings = await inspect([...(behaviour.checks ?? []), ...checksIn(prompt)], cwd);
      return verdict(findings, findings.length === 0 ? 'Every check passes.' : `${findings.length} problem(s) found.`);
    }
  }
}

/** Runs each check against the file's current content: a missing file or each matching line is a finding. */
async function inspect(checks, cwd) {
  const findings = [];
  for (const check of checks) {
    const content = await readFile(join(cwd, check.file), 'utf8').catch(() => undefined);
    if (content === undefined) {
      findings.push(finding({ ...check, title: `${check.file} is missing`, body: `Expected ${check.file} to exist.`, line: 1 }));
      continue;
    }
    const pattern = new RegExp(check.pattern);
    content.split('\n').forEach((text, index) => {
      if (pattern.test(text)) findings.push(finding({ ...check, line: index + 1 }));
    });
  }
  return findings;
}

function finding({ severity = 'high', title, body, file, line = 1, confidence = 0.9, recommendation = 'Fix it.' }) {
  return { severity, title, body, file, line_start: line, line_end: line, confidence, recommendation };
}

function verdict(findings, summary) {
  const answer = {
    verdict: findings.length === 0 ? 'approve' : 'needs-attention',
    summary,
    findings,
    next_steps: findings.map((item) => item.recommendation),
  };
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
}
