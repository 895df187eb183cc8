// Output gathered for one turn of the event loop and written at its end: the
// lines of a turn (a host's result, the next task's banner...) cost one write
// instead of one each. Whoever also writes to stderr flushes first, so the two
// streams keep their order; an exit flushes what is left.
export class BufferedOutput {
  private pending: string[] = [];
  private scheduled = false;
  private readonly onExit = (): void => this.flush();

  constructor(private readonly sink: (text: string) => void) {
    process.once('exit', this.onExit);
  }

  readonly write = (text: string): void => {
    this.pending.push(text);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  };

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.sink(text);
  }

  /** Flush, and stop watching for the exit. */
  close(): void {
    this.flush();
    process.off('exit', this.onExit);
  }
}
