// The controller's terminal as actions see it (ModuleContext.ui): lines printed
// through the reporter, and keys read from stdin in raw mode, as Ansible's
// pause reads them (Enter ends a line, backspace erases, Ctrl+C then C or A).
import type { ControllerUi } from '../module-api/module-types.js';
import type { Reporter } from '../output/events.js';

const CTRL_C = 0x03;
const BACKSPACES = new Set([0x7f, 0x08]);
const CLEAR_LINE = '\r\x1b[K';

export class AbortError extends Error {}

export function controllerUi(reporter: Reporter, stdin: NodeJS.ReadStream = process.stdin, stdout: NodeJS.WriteStream = process.stdout): ControllerUi {
  return {
    display: (text) => reporter.emit({ kind: 'display', text }),
    warn: (message) => reporter.emit({ kind: 'warning', message }),
    interactive: () => stdin.isTTY === true,
    readKeys: (options) => readKeys(stdin, stdout, options, (text) => reporter.emit({ kind: 'display', text })),
  };
}

function readKeys(
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WriteStream,
  options: { line: boolean; echo: boolean; timeoutMs?: number },
  display: (text: string) => void,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    // Bytes, decoded at the end: a key may be several bytes of UTF-8.
    let input: number[] = [];
    let asking = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      if (error) reject(error);
      else resolve(Buffer.from(input).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      for (const byte of chunk) {
        if (asking) {
          const key = String.fromCharCode(byte).toLowerCase();
          if (key === 'c' || key === 'a') {
            stdout.write(CLEAR_LINE);
            return finish(key === 'a' ? new AbortError('user requested abort!') : undefined);
          }
          continue;
        }
        if (byte === CTRL_C) {
          clearTimeout(timer);
          stdout.write(CLEAR_LINE);
          asking = true;
          display("Press 'C' to continue the play or 'A' to abort \r");
          continue;
        }
        if (!options.line) continue;
        if (byte === 0x0d || byte === 0x0a) {
          stdout.write(CLEAR_LINE);
          return finish();
        }
        if (BACKSPACES.has(byte)) {
          input = input.slice(0, -1);
          stdout.write(CLEAR_LINE);
          if (options.echo) stdout.write(Buffer.from(input));
          continue;
        }
        input.push(byte);
        if (options.echo) stdout.write(Buffer.from([byte]));
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
    if (options.timeoutMs !== undefined) timer = setTimeout(() => finish(), options.timeoutMs);
  });
}
