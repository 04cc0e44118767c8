import { createInterface } from 'node:readline';
import { ccxMcpArgv, createAsker, DEFAULT_ASK_CONFIG, type Asker, type AskConfig, type OpenAsk, type PersonPrompt } from '../../ask/index.js';
import { printable } from '../../text/printable.js';

/**
 * `ccx loop`/`forever` ask on the terminal when stdin is one (the answerer still goes first; the
 * file asks/<id>.md is written and read too, so an answer from another window also counts).
 */
export function foregroundAsker(options: { config: AskConfig | undefined; stateDir: string; say: (line: string) => void; terminal: boolean }): Asker {
  const { say } = options;
  return createAsker({
    config: options.config ?? DEFAULT_ASK_CONFIG,
    stateDir: options.stateDir,
    mcpArgv: ccxMcpArgv(),
    events: {
      asked: (ask, file) => say(printable(`question from ${ask.task}: ${ask.question} (answer ${options.terminal ? 'here, or ' : ''}under "## Answer" in ${file}, or: ccx answer ${ask.task} "…")`)),
      answered: (ask, answer, by) => say(printable(`answered (${by === 'auto' ? 'by ccx, from the brief and the history' : 'by you'}): ${answer}`)),
      parked: (ask) => say(printable(`no answer within ask.wait: the turn stops; ${ask.task} goes on once you answer`)),
      expired: (ask) => say(printable(`no answer to ${JSON.stringify(ask.question)} within ask.timeout`)),
    },
    ...(options.terminal ? { prompt: terminalPrompt(say) } : {}),
  });
}

/** Shows the question with its options and reads one line; a number picks an option. */
export function terminalPrompt(say: (line: string) => void): PersonPrompt {
  return (ask: OpenAsk, signal: AbortSignal) =>
    new Promise((resolve) => {
      if (ask.context !== '') say(printable(`  context: ${ask.context}`));
      ask.options.forEach((option, index) => say(printable(`  ${index + 1}. ${option}`)));
      if (ask.guess !== null) say(printable(`  ccx's best guess: ${ask.guess.answer} (confidence ${ask.guess.confidence})`));
      const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const done = (value: string | null) => {
        signal.removeEventListener('abort', onAbort);
        lines.close();
        resolve(value);
      };
      const onAbort = () => done(null);
      signal.addEventListener('abort', onAbort, { once: true });
      lines.question('your answer> ', (line) => {
        const picked = /^\d+$/.test(line.trim()) ? ask.options[Number(line.trim()) - 1] : undefined;
        done(picked ?? line);
      });
    });
}
