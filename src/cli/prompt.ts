// Asking for a secret (passwords, passphrases) without echo. On a terminal,
// each prompt reads one line from the user. When stdin is not a terminal
// (piped answers), one shared reader hands out its lines in order, so that
// several prompts (e.g. -k, -K, then a key passphrase) each get their own
// line; when stdin ends before a prompt got its line, the prompt rejects.
import { closeSync, openSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { Writable, type Readable } from 'node:stream';
import { ReadStream, WriteStream } from 'node:tty';

export class PromptError extends Error {}

let chain: Promise<unknown> = Promise.resolve();
let stdinCarriesData = false;

/**
 * Standard input is data (e.g. `... | tsplay vault encrypt`), not answers:
 * from now on secrets are asked on the controlling terminal, as getpass does,
 * and only without one read from stdin.
 */
export function stdinIsData(): void {
  stdinCarriesData = true;
}

interface Terminal {
  input: Readable;
  output: { write(text: string): unknown };
}

/** The controlling terminal, when stdin is not it but the process has one. */
function openTerminal(): (Terminal & { close: () => void }) | undefined {
  let fds: number[] = [];
  try {
    fds = [openSync('/dev/tty', 'r'), openSync('/dev/tty', 'w')];
    const input = new ReadStream(fds[0]!);
    const output = new WriteStream(fds[1]!);
    return {
      input,
      output,
      close: () => {
        input.destroy();
        output.destroy();
      },
    };
  } catch {
    for (const fd of fds) closeSync(fd);
    return undefined;
  }
}

/** Prompts one at a time, in the order they were asked. */
export function promptSecret(question: string): Promise<string> {
  const run = async (): Promise<string> => {
    if (process.stdin.isTTY) return promptTty(question);
    const terminal = stdinCarriesData ? openTerminal() : undefined;
    if (!terminal) return promptPiped(question);
    try {
      return await promptTty(question, false, terminal);
    } finally {
      terminal.close();
    }
  };
  const result = chain.then(run, run);
  chain = result.catch(() => undefined);
  return result;
}

/** One line from the terminal, echoed unless `secret` (vars_prompt); in turn with the other prompts. */
export function promptLine(question: string, secret: boolean): Promise<string> {
  const run = (): Promise<string> => promptTty(question, !secret);
  const result = chain.then(run, run);
  chain = result.catch(() => undefined);
  return result;
}

async function promptTty(question: string, echo = false, terminal: Terminal = { input: process.stdin, output: process.stderr }): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) terminal.output.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: terminal.input, output, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('close', () => reject(new PromptError(`no answer to the prompt '${question.trim()}' (end of input)`)));
      if (echo) return rl.question(question, resolve);
      // A hidden answer: the question written, then nothing of what is typed.
      terminal.output.write(question);
      muted = true;
      rl.question('', resolve);
    });
  } finally {
    rl.close();
    // An echoed answer ends with its own newline; a hidden one gets one here.
    if (muted) terminal.output.write('\n');
    muted = false;
  }
}

// The shared reader over piped stdin: lines not yet asked for wait in `lines`.
interface PipedReader {
  rl: Interface;
  lines: string[];
  ended: boolean;
  waiting?: () => void;
}
let piped: PipedReader | undefined;

function pipedReader(): PipedReader {
  if (piped) return piped;
  const rl = createInterface({ input: process.stdin, terminal: false });
  const reader: PipedReader = { rl, lines: [], ended: false };
  rl.on('line', (line) => {
    reader.lines.push(line);
    reader.waiting?.();
  });
  rl.on('close', () => {
    reader.ended = true;
    reader.waiting?.();
  });
  piped = reader;
  return reader;
}

async function promptPiped(question: string): Promise<string> {
  process.stderr.write(question);
  const reader = pipedReader();
  try {
    while (reader.lines.length === 0) {
      if (reader.ended) throw new PromptError(`no answer to the prompt '${question.trim()}' (end of input)`);
      reader.rl.resume();
      await new Promise<void>((resolve) => (reader.waiting = resolve));
      reader.waiting = undefined;
    }
    const line = reader.lines.shift()!;
    // Stop reading (and let the process exit) until the next prompt.
    if (reader.lines.length === 0 && !reader.ended) reader.rl.pause();
    return line;
  } finally {
    process.stderr.write('\n');
  }
}
