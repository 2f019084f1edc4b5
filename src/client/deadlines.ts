// One timer for every call's deadline (instead of a setTimeout per call): armed for the earliest
// deadline known; when it fires, the owner sweeps its pending calls, fails the expired ones and returns
// the next deadline. With the usual single default timeout, it fires about once per timeout period
// however many calls go by. Times are performance.now() milliseconds (not the skewable session clock).

export class DeadlineSweep {
  private timer?: ReturnType<typeof setTimeout>;
  private at = Infinity;

  /** `sweep(now)` settles what expired and returns the earliest deadline still pending (Infinity: none). */
  constructor(private readonly sweep: (now: number) => number) {}

  /** Makes sure the timer fires no later than `deadline`. */
  arm(deadline: number): void {
    if (deadline >= this.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.at = deadline;
    this.timer = setTimeout(this.fire, Math.max(0, deadline - performance.now()));
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Infinity;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.at = Infinity;
    const next = this.sweep(performance.now());
    if (next < Infinity) this.arm(next);
  };
}
