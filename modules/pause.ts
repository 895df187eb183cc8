// pause: wait a number of seconds or minutes, or until the user answers a
// prompt at the controller's terminal. It runs once per task, on the first
// host. Without a terminal, a prompt is not waited for (with Ansible's warning).
import type { Module } from '../src/module-api/module-types.js';
import { pythonTime } from '../src/host/command-run.js';

interface PauseArgs {
  seconds?: number;
  minutes?: number;
  prompt?: string;
  echo: boolean;
}

/** Python's str() of round(x, 2): 1.0, 0.02. */
function pyRound2(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Number.isInteger(r) ? `${r}.0` : String(r);
}

const pause: Module<PauseArgs> = {
  name: 'pause',
  summary: 'Pause playbook execution',
  supportsCheckMode: true,
  controllerOnly: true,
  bypassHostLoop: true,
  schema: {
    type: 'object',
    properties: {
      seconds: { type: 'number', description: 'A positive number of seconds to pause for.' },
      minutes: { type: 'number', description: 'A positive number of minutes to pause for.' },
      prompt: { type: 'string', description: 'Optional text to use for the prompt message.' },
      echo: { type: 'boolean', default: true, description: 'Controls whether or not keyboard input is shown when typing.' },
    },
  },
  rules: { mutuallyExclusive: [['minutes', 'seconds']] },
  async plan(ctx) {
    const { args, ui } = ctx;
    const hidden = args.echo ? '' : ' (output is hidden)';
    let title = ctx.task.name;
    try {
      title = String(ctx.renderTemplate(title)).trim();
    } catch {
      // the name as written
    }
    const prompt = `[${title}]\n${args.prompt || 'Press enter to continue, Ctrl+C to interrupt'}${hidden}:`;
    const unit = args.seconds !== undefined ? 'seconds' : 'minutes';
    // Ansible takes whole seconds (int()), and at least one.
    let seconds = args.minutes !== undefined ? Math.trunc(args.minutes) * 60 : args.seconds !== undefined ? Math.trunc(args.seconds) : undefined;
    const started = new Date();
    let input = '';
    if (seconds !== undefined) {
      seconds = Math.max(1, seconds);
      ui?.display(`Pausing for ${seconds} seconds${hidden}\n(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r`);
      if (args.prompt) ui?.display(prompt);
      if (ui?.interactive()) await ui.readKeys({ line: false, echo: false, timeoutMs: seconds * 1000 });
      else await new Promise((r) => setTimeout(r, seconds! * 1000));
    } else {
      ui?.display(prompt);
      if (ui?.interactive()) input = await ui.readKeys({ line: true, echo: args.echo });
      else ui?.warn('Not waiting for response to prompt as stdin is not interactive');
    }
    const stopped = new Date();
    const elapsed = (stopped.getTime() - started.getTime()) / 1000;
    return {
      changed: false,
      result: {
        rc: 0,
        stderr: '',
        stdout: `Paused for ${pyRound2(unit === 'minutes' ? elapsed / 60 : elapsed)} ${unit}`,
        start: pythonTime(started),
        stop: pythonTime(stopped),
        delta: Math.trunc(elapsed),
        echo: args.echo,
        user_input: input,
      },
    };
  },
};

export default pause;
