// msgs_ack batching (core.telegram.org/mtproto/service_messages_about_messages#acknowledgment-of-receipt):
// the ids of received content-related messages wait here, go out with the next outgoing packet, or on
// their own once the oldest has waited `delayMs` or `maxPending` have gathered. One msgs_ack holds at
// most 8192 ids.
import { MAX_IDS_PER_ACK } from './ids.ts';

export class AckQueue {
  private ids: bigint[] = [];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    /** Called when acks should go out on their own. */
    private readonly flush: () => void,
    private readonly delayMs = 500,
    private readonly maxPending = 1024,
  ) {}

  push(msgId: bigint): void {
    this.ids.push(msgId);
    if (this.ids.length >= this.maxPending) {
      this.cancel();
      queueMicrotask(this.flush);
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.delayMs);
      this.timer.unref?.();
    }
  }

  get size(): number {
    return this.ids.length;
  }

  /** Takes up to 8192 ids for one msgs_ack (the rest stay queued). */
  take(): bigint[] {
    const out = this.ids.length <= MAX_IDS_PER_ACK ? this.ids : this.ids.slice(0, MAX_IDS_PER_ACK);
    this.ids = this.ids.length <= MAX_IDS_PER_ACK ? [] : this.ids.slice(MAX_IDS_PER_ACK);
    if (this.ids.length === 0) this.cancel();
    return out;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
