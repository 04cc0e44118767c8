import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { readBoardRecovering } from '../../board/store/read.js';
import { initialisedContext } from '../context.js';
import { printable } from '../../text/printable.js';

export const board: Command = {
  usage: 'ccx board',
  details: `Opens the board of the repository you are in with $VISUAL or $EDITOR. Without an editor, or
when the output is not a terminal, prints the board instead. The daemon notices your save.`,
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io }) {
    const context = await initialisedContext(io);
    // A board a killed ccx write left set aside comes back first: an editor must not open a blank file over that gap.
    await readBoardRecovering(context.paths.board);
    const editor = (io.env['VISUAL'] ?? '').trim() || (io.env['EDITOR'] ?? '').trim();
    if (editor === '' || !io.stdoutIsTTY) {
      const text = await readFile(context.paths.board, 'utf8');
      // A pipe gets the bytes as they are; a terminal gets control characters escaped (tabs kept).
      io.stdout(io.stdoutIsTTY ? printable(text, { multiline: true }) : text);
      return 0;
    }
    // $EDITOR is the person's own command line (it may carry flags, like `code -w`), run as git runs it;
    // the board's path is passed as an argument, never spliced into the string.
    return new Promise<number>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'ccx-board', context.paths.board], { stdio: 'inherit', cwd: io.cwd, env: io.env });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code === 0 ? 0 : 1));
    });
  },
};
