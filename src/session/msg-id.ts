// msg_id and seq_no (core.telegram.org/mtproto/description, "Message Identifier", "Message Sequence Number").
//
// msg_id ≈ unixtime · 2^32: the high 32 bits are seconds, the low 32 bits the fraction of a second (never
// all zero), strictly increasing within a session. The low two bits say who sent it: 0 for the client,
// 1 for a server response, 3 for a message the server sends on its own. Time is the local clock corrected by
// the offset to the server's clock (server_time − local_time), learned from the handshake, from the
// msg_id of server messages, and from bad_msg_notification 16/17.

export type MsgIdKind = 'client' | 'response' | 'push';
const PARITY: Record<MsgIdKind, bigint> = { client: 0n, response: 1n, push: 3n };

export class MsgIdGenerator {
  /** Seconds to add to the local clock to get the server's (may be fractional). */
  timeOffset = 0;
  private last = 0n;

  /**
   * `followClockBackwards`: when the clock jumps back more than 30 s, restart from it instead of staying
   * ahead of it (a server: its msg_ids must tell its time, clients sync from them).
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly followClockBackwards = false,
  ) {}

  /** Unix time by the server's clock, in ms. */
  serverNow(): number {
    return this.now() + this.timeOffset * 1000;
  }

  /** The next msg_id of this kind: strictly above every id generated before, with the kind's low bits. */
  next(kind: MsgIdKind = 'client'): bigint {
    const ms = this.serverNow();
    const seconds = Math.floor(ms / 1000);
    // Fraction of the second in the low 32 bits; the low 2 bits are replaced by the kind.
    const fraction = Math.floor(((ms - seconds * 1000) / 1000) * 4294967296) >>> 0;
    let id = (BigInt(seconds) << 32n) | BigInt((fraction | 4) >>> 0);
    id &= ~3n;
    if (id <= this.last && !(this.followClockBackwards && this.last - id > 30n << 32n)) id = (this.last & ~3n) + 4n;
    this.last = id;
    return id | PARITY[kind];
  }

  /** Learns the server's clock from a msg_id it generated (time sync, bad_msg 16/17). */
  syncFrom(serverMsgId: bigint): void {
    this.timeOffset = msgIdSeconds(serverMsgId) - this.now() / 1000;
  }

  /** True when the clock now stands below the last id generated (after a correction backwards). */
  behindLast(): boolean {
    return BigInt(Math.floor(this.serverNow() / 1000)) << 32n < (this.last & ~0xffffffffn);
  }

  /** Forgets the ids generated so far (a new session may start below them after a clock correction). */
  reset(): void {
    this.last = 0n;
  }
}

/** The time a msg_id stands for, in seconds (with its fraction). */
export function msgIdSeconds(msgId: bigint): number {
  return Number(msgId >> 32n) + Number(msgId & 0xffffffffn) / 4294967296;
}

/**
 * seq_no: twice the number of content-related messages sent before, plus 1 if this one is
 * content-related (RPC queries and their answers, most service messages), plus 0 if not (acks,
 * containers, gzip wrappers, pings).
 */
export class SeqNo {
  private contentCount = 0;

  next(contentRelated: boolean): number {
    if (!contentRelated) return this.contentCount * 2;
    return this.contentCount++ * 2 + 1;
  }

  reset(): void {
    this.contentCount = 0;
  }

  /** How many content-related messages were numbered so far. */
  get count(): number {
    return this.contentCount;
  }
}

/** A random 64-bit value (session_id, ping_id, unique_id), signed like TL's long. */
export function randomLong(): bigint {
  const b = new BigInt64Array(1);
  crypto.getRandomValues(b);
  return b[0];
}
