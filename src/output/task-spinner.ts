// The spinner of the text output: it appears only when a task has kept the
// user waiting (SPINNER_DELAY_MS), so a run of quick tasks never loads ora, never
// redraws and costs nothing; a slow task (a package install) shows it spinning.
// A second, because the first task also waits for the hosts to connect.
// Lines printed while it spins are written between a clear and a redraw.
import type { Ora } from 'ora';

export const SPINNER_DELAY_MS = 1000;

export type SpinnerLoader = () => Promise<(text: string) => Ora>;

export class TaskSpinner {
  private ora: Ora | undefined;
  private factory: Promise<(text: string) => Ora> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** What the spinner says while a task runs; undefined between tasks. */
  private text: string | undefined;

  constructor(
    private readonly load: SpinnerLoader,
    private readonly delayMs = SPINNER_DELAY_MS,
  ) {}

  /** A task is running: say so now if the spinner is up, else after the delay. */
  show(text: string): void {
    this.text = text;
    if (this.ora?.isSpinning) {
      this.ora.text = text;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => void this.appear(), this.delayMs);
    this.timer.unref();
  }

  /** The task is done on every host. */
  hide(): void {
    this.text = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ora?.stop();
  }

  /** Write output lines without the spinner in the way. */
  around(write: () => void): void {
    if (!this.ora?.isSpinning) return write();
    this.ora.clear();
    write();
    this.ora.render();
  }

  private async appear(): Promise<void> {
    this.timer = undefined;
    const make = await (this.factory ??= this.load());
    if (this.text === undefined) return; // the task ended while ora loaded
    this.ora ??= make(this.text);
    this.ora.text = this.text;
    if (!this.ora.isSpinning) this.ora.start();
  }
}
