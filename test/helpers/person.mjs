#!/usr/bin/env node
// A person editing BOARD.md while the daemon runs: a separate real process that reads the board
// like an editor buffer, makes one real edit (a status flip SPEC 3 allows, a Direction line, a YAML
// comment, a row's notes), types for a while and saves in one of seven editor styles:
//
//   inplace  truncate and write                    rename   temp file, rename over
//   backup   rename to BOARD.md~, write anew       emacs    hold a `.#BOARD.md` lock, then backup-save
//   stale    write back a copy read seconds ago (with the person's own edits since replayed on it;
//            its own edit is text, never a flip: a person flips what the board shows now)
//   vscode   truncate, write half, pause, write the rest (a write in flight)
//   symlink  (a world where BOARD.md is a link) every save goes to the link's target
//
//   node test/helpers/person.mjs <config.json>
//   config: { board, log, seed, saves, styles?, gapMs?, typingMs?, staleMs?, emacsHoldMs?, token?, flipChance? }
//
// It appends one JSON line per event to `log`: a `save` (style, read and save times, what changed),
// an `intent` for every status change its save made (deliberate or carried by a stale buffer, each
// with the status the board showed just before the save and whether SPEC 3 lets a person make that
// change), and `done` at the end. The chaos checker (test/chaos/check.mjs) reads it back.
import { appendFileSync, closeSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EDITOR_STYLES = ['inplace', 'rename', 'backup', 'emacs', 'stale', 'vscode'];

/** SPEC 3: the status changes a person may make by editing. */
export function personMayChange(from, to) {
  if (from === to) return false;
  if (from === 'draft') return to === 'pending';
  if (from === 'pending') return to === 'draft';
  if (from === 'running') return to === 'cancelled';
  return (from === 'blocked' || from === 'failed' || from === 'cancelled') && to === 'pending';
}

/** A small deterministic generator (mulberry32) in [0, 1). */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The board as text: rows are found by their `- id: T-<n>` line (ccx edits in place, so that holds).

const FENCE_END = /\n```[ \t]*\n(?![\s\S]*\n```[ \t]*\n)/;

/** Every row's id, status and text range in the Tasks block. */
export function rowsOf(text) {
  const open = text.indexOf('```yaml\n');
  if (open < 0) return [];
  const close = text.slice(open).search(FENCE_END);
  const blockEnd = close < 0 ? text.length : open + close + 1;
  const rows = [];
  const pattern = /^- id: (T-\d+)[ \t]*$/gm;
  pattern.lastIndex = open;
  const starts = [];
  for (let match = pattern.exec(text); match !== null && match.index < blockEnd; match = pattern.exec(text)) starts.push({ id: match[1], start: match.index });
  starts.forEach((row, index) => {
    const end = index + 1 < starts.length ? starts[index + 1].start : blockEnd;
    const body = text.slice(row.start, end);
    const status = /^ {2}status:[ \t]*([a-z]+)/m.exec(body)?.[1] ?? null;
    const notes = /^ {2}notes:[ \t]*(.*)$/m.exec(body)?.[1] ?? null;
    rows.push({ id: row.id, start: row.start, end, status, notes });
  });
  return rows;
}

export function statusesOf(text) {
  return Object.fromEntries(rowsOf(text).map((row) => [row.id, row.status]));
}

function editRow(text, id, change) {
  const row = rowsOf(text).find((candidate) => candidate.id === id);
  if (row === undefined) return text;
  return text.slice(0, row.start) + change(text.slice(row.start, row.end)) + text.slice(row.end);
}

/** Applies one of the person's edits to `text` (idempotent: replaying it on a text that has it changes nothing). */
export function applyEdit(text, edit) {
  switch (edit.kind) {
    case 'direction':
      return text.includes(`${edit.line}\n`) ? text : text.replace(/\n## Tasks\n/, `${edit.line}\n\n## Tasks\n`);
    case 'comment':
      return editRow(text, edit.id, (row) => (row.includes(edit.line) ? row : row.replace(/^(- id: T-\d+[ \t]*\n)/, `$1${edit.line}\n`)));
    case 'notes':
      return editRow(text, edit.id, (row) =>
        /^ {2}notes:.*$/m.test(row) ? row.replace(/^ {2}notes:.*$/m, `  notes: ${edit.value}`) : row.replace(/^( {2}title:.*\n)/m, `$1  notes: ${edit.value}\n`));
    case 'status':
      return editRow(text, edit.id, (row) => row.replace(/^( {2}status:[ \t]*)[a-z]+/m, `$1${edit.to}`));
    default:
      throw new Error(`person: unknown edit ${edit.kind}`);
  }
}

/** The Markdown outside the Tasks block (the person's prose): ccx must never change a byte of it. */
export function proseOf(text) {
  const open = text.indexOf('```yaml\n');
  if (open < 0) return text;
  const close = text.slice(open).search(FENCE_END);
  return close < 0 ? text.slice(0, open) : text.slice(0, open) + text.slice(open + close + 1);
}

/** The lines of the Tasks block that are the person's YAML comments. */
export function commentsOf(text) {
  return text.split('\n').filter((line) => /^ {2}# person /.test(line));
}

// ---------------------------------------------------------------------------------------------
// The process

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms) {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** The board as an editor opens it: ccx's swap leaves the name absent for microseconds, so a miss is retried. */
function readBoard(path) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const text = readFileSync(path, 'utf8');
      if (text.trim() !== '') return text;
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    if (Date.now() > deadline) return null;
    sleep(2);
  }
}

function between(random, [low, high]) {
  return Math.floor(low + random() * (high - low));
}

/** One edit for this save; a status flip only from a buffer just read (a person flips what they see now). */
function chooseEdit(random, text, n, config, mayFlip) {
  const rows = rowsOf(text);
  const flips = [];
  for (const row of rows) {
    if (row.status === 'draft') flips.push({ kind: 'status', id: row.id, from: 'draft', to: 'pending' });
    if (row.status === 'running') flips.push({ kind: 'status', id: row.id, from: 'running', to: 'cancelled' });
    if (row.status === 'failed' || row.status === 'blocked' || row.status === 'cancelled') flips.push({ kind: 'status', id: row.id, from: row.status, to: 'pending' });
  }
  const token = `${config.token}-${n}`;
  const flip = random() < (config.flipChance ?? 0.3);
  if (mayFlip && flip && flips.length > 0) return flips[Math.floor(random() * flips.length)];
  const pick = random();
  const row = rows.length === 0 ? undefined : rows[Math.floor(random() * rows.length)];
  if (row === undefined || pick < 0.4) return { kind: 'direction', line: `- person wrote ${token} (${'é'.repeat(n % 3)}✓)` };
  // notes of a running row are ccx's business while it runs (SPEC 3): the person writes a comment instead.
  if (pick < 0.7 || row.status === 'running') return { kind: 'comment', id: row.id, line: `  # person ${token}` };
  return { kind: 'notes', id: row.id, value: `"person ${token}"` };
}

function save(style, path, text, random) {
  switch (style) {
    case 'rename': {
      const temp = join(dirname(path), `.${basename(path)}.person-${process.pid}.tmp`);
      writeFileSync(temp, text);
      renameSync(temp, path);
      return;
    }
    case 'backup':
    case 'emacs':
      try {
        renameSync(path, `${path}~`);
      } catch (error) {
        if (error.code !== 'ENOENT') throw error;
      }
      writeFileSync(path, text);
      return;
    case 'vscode': {
      const fd = openSync(path, 'w');
      try {
        const bytes = Buffer.from(text);
        const half = Math.floor(bytes.length / 2);
        writeSync(fd, bytes, 0, half);
        sleep(between(random, [2, 30]));
        writeSync(fd, bytes, half, bytes.length - half);
      } finally {
        closeSync(fd);
      }
      return;
    }
    default: // inplace, stale
      writeFileSync(path, text);
  }
}

function emacsLock(board) {
  const lock = join(dirname(board), `.#${basename(board)}`);
  try {
    symlinkSync(`person@chaos.${process.pid}:${Math.floor(Date.now() / 1000)}`, lock);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  return () => rmSync(lock, { force: true });
}

export function runPerson(config) {
  const random = seeded(config.seed);
  const styles = config.styles ?? EDITOR_STYLES;
  const log = (record) => appendFileSync(config.log, `${JSON.stringify({ at: Date.now(), ...record })}\n`);
  // The link, when BOARD.md is one: in-place saves go through it, rename saves replace its target.
  const linked = lstatSync(config.board).isSymbolicLink();
  const edits = [];
  const snapshots = [];
  let saves = 0;
  for (let n = 1; n <= config.saves; n += 1) {
    sleep(between(random, config.gapMs ?? [40, 300]));
    const style = styles[Math.floor(random() * styles.length)];
    const releaseLock = style === 'emacs' ? emacsLock(config.board) : () => undefined;
    try {
      const readAt = Date.now();
      const fresh = readBoard(config.board);
      if (fresh === null) {
        log({ type: 'missing', n, style });
        continue;
      }
      // `edits` counts the saves made before this read: the ones after it are not in this copy.
      snapshots.push({ at: readAt, text: fresh, edits: edits.length });
      while (snapshots.length > 1 && readAt - snapshots[1].at > (config.staleMs ?? [1_000, 4_000])[1]) snapshots.shift();
      let buffer = fresh;
      let bufferAt = readAt;
      if (style === 'stale') {
        // The oldest copy still within the stale window: ccx has likely written since.
        const old = snapshots.find((snapshot) => readAt - snapshot.at >= (config.staleMs ?? [1_000, 4_000])[0]) ?? snapshots[0];
        buffer = old.text;
        bufferAt = old.at;
        // The person's own edits made since are in their buffer too (a stale buffer is stale in ccx's fields, not in theirs).
        // Counted, not timed: a save in the same millisecond as the read it follows is still after it.
        for (const edit of edits.slice(old.edits)) buffer = applyEdit(buffer, edit);
      }
      const edit = chooseEdit(random, buffer, n, config, style !== 'stale');
      const edited = applyEdit(buffer, edit);
      if (edited === buffer) {
        log({ type: 'skip', n, style, edit });
        continue;
      }
      sleep(style === 'emacs' ? between(random, config.emacsHoldMs ?? [200, 1_500]) : between(random, config.typingMs ?? [0, 150]));
      // What the board shows the moment before the save lands: what each status change is judged against.
      const target = linked ? realpathSync(config.board) : config.board;
      const before = readBoard(config.board) ?? buffer;
      const shown = statusesOf(before);
      const savedAt = Date.now();
      save(style, style === 'inplace' || style === 'vscode' || style === 'stale' ? config.board : target, edited, random);
      saves += 1;
      edits.push({ ...edit, at: savedAt });
      writeFileSync(`${config.log}.last`, edited);
      const saved = statusesOf(edited);
      log({ type: 'save', n, style, linked, readAt, bufferAt, savedAt, doneAt: Date.now(), edit, bytes: Buffer.byteLength(edited) });
      for (const [id, status] of Object.entries(saved)) {
        const was = shown[id];
        if (was === undefined || was === status) continue;
        const deliberate = edit.kind === 'status' && edit.id === id;
        log({ type: 'intent', n, id, from: was, to: status, deliberate, chosenFrom: deliberate ? edit.from : null, legal: personMayChange(was, status), savedAt, style });
      }
    } finally {
      releaseLock();
    }
  }
  log({ type: 'done', saves });
  return saves;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const saves = runPerson(config);
  process.stdout.write(`saved ${saves}\n`);
}
