// What a server session sent and must not lose: every content-related message is kept until the
// client acknowledges it (msgs_ack), so it can go out again on msg_resend_req or when the client comes
// back on a new connection (a packet in flight when a connection dropped); and the answer to each
// request, by req_msg_id, so a request the client sends again with the same msg_id is answered from it
// (the answer again, or msg_detailed_info when it is large) instead of being run twice.
import { serialize, type TlSerializable } from '../tl/codec.ts';
import type { MsgIdKind } from '../session/msg-id.ts';

/** A message of the session's outbox. msg_id and seq_no are given when it is first sealed, and kept. */
export interface Queued {
  body: TlSerializable | Uint8Array;
  content: boolean;
  kind: MsgIdKind;
  gzipSkip?: number;
  /** The request this answers (rpc_result, future_salts, msgs_state_info). */
  answers?: bigint;
  msgId?: bigint;
  seqNo?: number;
  /** In the outbox (waiting to be sent, or sent again). */
  queued?: boolean;
  acked?: boolean;
  /** Serialized length, kept once an acknowledged answer lets go of its body. */
  size?: number;
  /** The API layer the body is written in (the session's when it was queued); absent: the newest (generated codec). */
  codec?: { serialize(obj: unknown): Uint8Array<ArrayBuffer> };
}

const RELEASED = new Uint8Array(0);

export class SentMessages {
  /** Content-related messages sent and not yet acknowledged, by msg_id, oldest first. */
  readonly unacked = new Map<bigint, Queued>();
  /** Serialized bytes of the unacknowledged messages (bounded by maxUnackedBytes). */
  unackedBytes = 0;
  /** Answers by the msg_id of the request (kept after the ack too, for msg_detailed_info). */
  private readonly answers = new Map<bigint, Queued>();

  constructor(
    private readonly maxUnacked = 10_000,
    private readonly maxAnswers = 4096,
    private readonly maxUnackedBytes = 4 << 20,
  ) {}

  /** Notes an answer as soon as it is queued (a request sent again before it went out then waits for it). */
  answerQueued(q: Queued): void {
    if (q.answers === undefined) return;
    this.answers.set(q.answers, q);
    if (this.answers.size > this.maxAnswers) this.answers.delete(this.answers.keys().next().value as bigint);
  }

  answerTo(reqMsgId: bigint): Queued | undefined {
    return this.answers.get(reqMsgId);
  }

  /** A message went out (with its msg_id): content-related ones are kept until acknowledged. */
  sent(q: Queued): void {
    q.queued = false;
    if (!q.content || q.acked) return;
    if (this.unacked.has(q.msgId!)) return; // sent again: counted already
    this.unacked.set(q.msgId!, q);
    this.unackedBytes += bodySize(q);
    // A peer that never acknowledges costs at most this much: the oldest are forgotten first.
    while (this.unacked.size > this.maxUnacked || (this.unackedBytes > this.maxUnackedBytes && this.unacked.size > 1)) {
      this.forget(this.unacked.keys().next().value as bigint);
    }
  }

  /** Stops keeping an unacknowledged message (dropped: too large, or over the budget). */
  forget(msgId: bigint): void {
    const q = this.unacked.get(msgId);
    if (!q) return;
    this.unacked.delete(msgId);
    this.unackedBytes -= bodySize(q);
  }

  ack(msgIds: readonly bigint[]): void {
    for (const id of msgIds) {
      const q = this.unacked.get(id);
      if (!q) continue;
      q.acked = true;
      this.forget(id);
      // An acknowledged answer is kept only for msg_detailed_info, which needs its length, not its bytes
      // (a download's 1 MiB answers would otherwise stay in memory until 4096 newer answers push them out).
      if (q.answers !== undefined) {
        q.size = bodySize(q);
        q.body = RELEASED;
      }
    }
  }

  /** The unacknowledged messages among `msgIds` (default: all) that are not queued already; marks them queued. */
  takeForResend(msgIds?: readonly bigint[]): Queued[] {
    const out: Queued[] = [];
    const pick = (q: Queued | undefined) => {
      if (!q || q.queued) return;
      q.queued = true;
      out.push(q);
    };
    if (msgIds) for (const id of msgIds) pick(this.unacked.get(id));
    else for (const q of this.unacked.values()) pick(q);
    return out;
  }

  has(msgId: bigint): boolean {
    return this.unacked.has(msgId);
  }
}

/** The serialized length of a message body (for msg_detailed_info; rare, so serialized again). */
export function bodySize(q: Queued): number {
  if (q.size !== undefined) return q.size;
  return q.body instanceof Uint8Array ? q.body.length : (q.codec ? q.codec.serialize(q.body) : serialize(q.body)).length;
}
