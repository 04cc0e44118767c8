import { UsageError } from '../../errors.js';
import type { Command } from '../command.js';
import { commands } from './index.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** A command's name, summary and option flags, as the completion scripts offer them. */
interface CompletedCommand {
  name: string;
  summary: string;
  flags: string[];
}

export const completion: Command = {
  usage: 'ccx completion bash|zsh|fish',
  details: `Prints a completion script for your shell, generated from ccx's own command table: command
names (with their summaries in zsh and fish), each command's options, command names after
\`ccx help\`, and file names elsewhere. Load it from your shell's start-up file:
  bash   echo 'source <(ccx completion bash)' >> ~/.bashrc
  zsh    echo 'source <(ccx completion zsh)' >> ~/.zshrc      (after compinit)
  fish   ccx completion fish > ~/.config/fish/completions/ccx.fish`,
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, io }) {
    const shell = positionals[0] ?? '';
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion scripts are for ${SHELLS.join(', ')}, not ${JSON.stringify(shell)}.`, { hint: 'Usage: ccx completion bash|zsh|fish' });
    const table: CompletedCommand[] = await Promise.all(
      commands.map(async (entry) => {
        const command = await entry.load();
        const flags = Object.entries(command.options).flatMap(([name, option]) => [`--${name}`, ...(option.short === undefined ? [] : [`-${option.short}`])]);
        return { name: entry.name, summary: entry.summary, flags: [...flags, '--help'] };
      }),
    );
    table.push({ name: 'help', summary: 'Show the help of a command: ccx help <command>.', flags: [] });
    io.stdout(SCRIPTS[shell as Shell](table));
  },
};

const SCRIPTS: Readonly<Record<Shell, (table: readonly CompletedCommand[]) => string>> = {
  bash: (table) => {
    const names = table.map((command) => command.name).join(' ');
    const cases = table.map((command) => `    ${command.name}) flags=${quote(command.flags.join(' '))} ;;`).join('\n');
    return `# ccx completion for bash: source <(ccx completion bash)
_ccx() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" flags=""
  if [ "$COMP_CWORD" -le 1 ]; then
    COMPREPLY=($(compgen -W ${quote(`${names} --help --version`)} -- "$cur"))
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  if [ "\${COMP_WORDS[1]}" = help ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=($(compgen -W ${quote(names)} -- "$cur"))
  elif [ "\${COMP_WORDS[1]}" = completion ] && [[ "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
  return 0
}
complete -F _ccx ccx
`;
  },
  zsh: (table) => {
    const described = table.map((command) => `    ${quote(`${command.name.replaceAll(':', '\\:')}:${command.summary}`)}`).join('\n');
    const cases = table.map((command) => `    ${command.name}) flags=(${command.flags.map(quote).join(' ')}) ;;`).join('\n');
    return `#compdef ccx
# ccx completion for zsh: source <(ccx completion zsh) after compinit, or save as _ccx on $fpath
_ccx() {
  local -a commands flags
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'ccx command' commands
    return
  fi
  case $words[2] in
${cases}
  esac
  if [[ $words[2] == help && CURRENT -eq 3 ]]; then
    _describe 'ccx command' commands
  elif [[ $words[2] == completion && $PREFIX != -* ]]; then
    compadd bash zsh fish
  elif [[ $PREFIX == -* ]]; then
    compadd -- $flags
  else
    _files
  fi
}
if (( $+functions[compdef] )); then compdef _ccx ccx; fi
`;
  },
  fish: (table) => {
    const names = table.map((command) => command.name).join(' ');
    const lines = table.flatMap((command) => [
      `complete -c ccx -n __fish_use_subcommand -a ${command.name} -d ${quote(command.summary)}`,
      ...command.flags.map((flag) => `complete -c ccx -n ${quote(`__fish_seen_subcommand_from ${command.name}`)} ${flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`}`),
    ]);
    return `# ccx completion for fish: ccx completion fish > ~/.config/fish/completions/ccx.fish
complete -c ccx -n __fish_use_subcommand -f
${lines.join('\n')}
complete -c ccx -n '__fish_seen_subcommand_from help' -f -a ${quote(names)}
complete -c ccx -n '__fish_seen_subcommand_from completion' -f -a 'bash zsh fish'
`;
  },
};

/** A single-quoted shell word (bash, zsh and fish all read 'it'\\''s' as it's). */
function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
