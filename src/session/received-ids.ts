// Checks on the msg_id of every received message (core.telegram.org/mtproto/security_guidelines,
// "Checking msg_id"): the right parity for the sender, not more than 300 s old nor 30 s in the future by
// the (server-corrected) clock, not a duplicate and not below the window of recently received ids.
// A failed message is ignored, never acted upon and never fatal.
import { msgIdSeconds } from './msg-id.ts';

export type MsgIdVerdict = 'ok' | 'parity' | 'too_old' | 'too_new' | 'duplicate' | 'below_window';

export interface ReceivedMsgIdsOptions {
  /** 'server': the sender is a server (odd ids); 'client': the sender is a client (ids ≡ 0 mod 4). */
  sender: 'server' | 'client';
  /** How many recent ids are remembered (tdlib: 1000). */
  window?: number;
  maxAgeSeconds?: number;
  maxFutureSeconds?: number;
}

export class ReceivedMsgIds {
  private readonly ids = new Set<bigint>();
  private readonly order: bigint[] = [];
  private readonly window: number;
  private readonly maxAge: number;
  private readonly maxFuture: number;
  /** The lowest id still remembered once the window is full: anything below it cannot be checked. */
  private floor = 0n;

  constructor(private readonly options: ReceivedMsgIdsOptions) {
    this.window = options.window ?? 1000;
    this.maxAge = options.maxAgeSeconds ?? 300;
    this.maxFuture = options.maxFutureSeconds ?? 30;
  }

  /** The verdict on `msgId`, given the current time in seconds by the sender's clock; 'ok' ids are recorded. */
  check(msgId: bigint, nowSeconds: number): MsgIdVerdict {
    const verdict = this.peek(msgId, nowSeconds);
    if (verdict === 'ok') this.remember(msgId);
    return verdict;
  }

  /** The verdict without recording the id. */
  peek(msgId: bigint, nowSeconds: number): MsgIdVerdict {
    const low = msgId & 3n;
    if (this.options.sender === 'server' ? (low & 1n) !== 1n : low !== 0n) return 'parity';
    const t = msgIdSeconds(msgId);
    if (t < nowSeconds - this.maxAge) return 'too_old';
    if (t > nowSeconds + this.maxFuture) return 'too_new';
    if (this.ids.has(msgId)) return 'duplicate';
    if (msgId < this.floor) return 'below_window';
    return 'ok';
  }

  remember(msgId: bigint): void {
    this.ids.add(msgId);
    this.order.push(msgId);
    if (this.order.length > this.window * 2) {
      // Keep the highest `window` ids; the lowest kept becomes the floor.
      this.order.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const id of this.order.splice(0, this.order.length - this.window)) this.ids.delete(id);
      this.floor = this.order[0];
    }
  }

  clear(): void {
    this.ids.clear();
    this.order.length = 0;
    this.floor = 0n;
  }
}
