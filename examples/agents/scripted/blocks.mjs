// Fenced blocks in the prompt that steer the scripted agent, so each task's brief can say what it
// does: ```write <path>``` (```write@<k> <path>``` from cycle k on) and ```check <path>``` (JSON).
// A line `scripted-delay-ms: <n>` makes each turn take that long (so a demo moves at a human pace).

/** Every ```<kind>[@k] <path>``` block: { kind, from, path, body }. */
export function fencedBlocks(prompt) {
  const blocks = [];
  const pattern = /^(`{3,})(write|check)(?:@(\d+))?[ \t]+(\S+)[ \t]*\n([\s\S]*?)^\1[ \t]*$/gm;
  for (const match of prompt.matchAll(pattern)) {
    blocks.push({ kind: match[2], from: Number(match[3] ?? 1), path: match[4], body: match[5] });
  }
  return blocks;
}

/** The files to write in `cycle`: for each path, the block with the latest start at or before it. */
export function writesFor(prompt, cycle) {
  const chosen = new Map();
  for (const block of fencedBlocks(prompt)) {
    if (block.kind !== 'write' || block.from > cycle) continue;
    const current = chosen.get(block.path);
    if (current === undefined || block.from >= current.from) chosen.set(block.path, block);
  }
  return Object.fromEntries([...chosen].map(([path, block]) => [path, block.body]));
}

/** The prompt's checks, as inspect checks. */
export function checksIn(prompt) {
  return fencedBlocks(prompt)
    .filter((block) => block.kind === 'check')
    .map((block) => ({ ...JSON.parse(block.body), file: block.path }));
}

/** How long the brief asks each turn to take (`scripted-delay-ms: <n>`), 0 when it does not say. */
export function delayIn(prompt) {
  const match = /^scripted-delay-ms:[ \t]*(\d+)[ \t]*$/m.exec(prompt);
  return match === null ? 0 : Math.min(Number(match[1]), 60_000);
}
