import { fileExists } from '../fs/exists.js';

/** The problems of an installed service whose node or ccx path is gone (node upgraded through nvm, a checkout moved, …). */
export async function missingProgramProblems(program: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const path of program.slice(0, 2)) {
    if (!(await fileExists(path))) problems.push(`the service runs ${path}, which no longer exists; run \`ccx service install\` again with the node and ccx you use now.`);
  }
  return problems;
}

/** The words of a systemd ExecStart= line, unquoted and with %% and $$ undone. */
export function execStartWords(unit: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const word = (match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '')).replace(/%%/g, '%');
    // `$$` is an escaped `$` in the arguments only: systemd expands nothing in the program's path.
    words.push(words.length === 0 ? word : word.replace(/\$\$/g, '$'));
  }
  return words;
}

/** The <string>s of a plist's ProgramArguments, XML entities undone. */
export function plistProgramArguments(plist: string): string[] {
  const array = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(plist)?.[1] ?? '';
  return [...array.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((match) =>
    (match[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'),
  );
}
