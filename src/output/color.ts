// Colour as ansible-playbook 2.14 writes it: SGR codes of Ansible's default
// colour settings, each line of a message wrapped on its own (so a multi-line
// result stays coloured line by line in any pager), and only when asked for.
import { terminfoColors } from './terminfo.js';

/** What a piece of output is, and Ansible's default colour for it (its COLOR_* settings). */
export const COLORS = {
  ok: '0;32', // green
  changed: '0;33', // yellow
  error: '0;31', // red: failed, fatal, [ERROR]
  unreachable: '1;31', // bright red
  skip: '0;36', // cyan: skipping, included, ...ignoring
  warn: '1;35', // bright purple: [WARNING], the recap's ignored=
  deprecate: '0;35', // purple
  debug: '1;30', // dark gray: FAILED - RETRYING
  verbose: '0;34', // blue: -v lines
  diffAdd: '0;32',
  diffRemove: '0;31',
  diffLines: '0;36',
} as const;

export type ColorName = keyof typeof COLORS;

/** Paints text in a colour, or leaves it as it is when colour is off. */
export type Paint = (text: string, color: ColorName) => string;

export const plain: Paint = (text) => text;

/** Every line wrapped in the colour and a reset, as Ansible's stringc does (an empty line too). */
export const ansi: Paint = (text, color) =>
  text
    .split('\n')
    .map((line) => `\x1b[${COLORS[color]}m${line}\x1b[0m`)
    .join('\n');

export function painter(color: boolean): Paint {
  return color ? ansi : plain;
}

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);

/** An environment variable as Ansible's boolean(): set and one of its true words. */
function envTrue(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : TRUE_WORDS.has(value.trim().toLowerCase());
}

export interface ColorInputs {
  /** TERM; and NO_COLOR, ANSIBLE_NOCOLOR, ANSIBLE_FORCE_COLOR when nocolor/forceColor are not given. */
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (Ansible looks at stdout alone, for stderr too). */
  isTTY: boolean;
  /** --color (true) or --no-color (false): over everything else. */
  flag?: boolean;
  /** The nocolor setting already resolved (environment over ansible.cfg), when the caller read it. */
  nocolor?: boolean;
  /** The force_color setting already resolved, when the caller read it. */
  forceColor?: boolean;
  /** Whether the terminal TERM names has colours; by default its terminfo entry says. */
  hasColors?: (term: string) => boolean;
}

/**
 * Whether to write colour, decided as ansible-playbook decides it: forced by
 * force_color even into a pipe; else off with nocolor (NO_COLOR beats
 * ANSIBLE_NOCOLOR when both are set, as Ansible takes the last of its
 * variables); else on a terminal whose TERM names a terminfo entry with
 * colours (not `dumb`, not `vt100`, not an unknown name), as curses tells Ansible.
 */
export function colorWanted(i: ColorInputs): boolean {
  if (i.flag !== undefined) return i.flag;
  if (i.forceColor ?? envTrue(i.env.ANSIBLE_FORCE_COLOR)) return true;
  if (i.nocolor ?? envTrue(i.env.NO_COLOR) ?? envTrue(i.env.ANSIBLE_NOCOLOR)) return false;
  const term = i.env.TERM ?? '';
  if (!i.isTTY || term === '' || term === 'dumb') return false;
  return (i.hasColors ?? ((t) => terminfoColors(t, i.env) >= 0))(term);
}

let chosen: Paint | undefined;

/** The command's choice, for what is written outside a reporter (a deprecation at load, the Ctrl-C message). */
export function setOutputPaint(p: Paint): void {
  chosen = p;
}

/** What setOutputPaint chose; before any choice, what the environment and stdout say. */
export function outputPaint(): Paint {
  return chosen ?? painter(colorWanted({ env: process.env, isTTY: Boolean(process.stdout.isTTY) }));
}
