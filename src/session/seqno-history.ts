// seq_no consistency of received messages (core.telegram.org/mtproto/service_messages_about_messages,
// bad_msg_notification 32/33): seq_no must grow with msg_id. A message is "too low" (32) when a message
// with a lower msg_id came with a higher seq_no, or the same odd one (two content-related messages cannot
// share a number); "too high" (33) when a message with a higher msg_id came with a lower seq_no, or the
// same odd one. Only messages that passed are recorded, so the history stays ordered both ways and the
// neighbours in msg_id order are the only ones to compare with.

export class SeqNoHistory {
  /** msg_ids in increasing order, and their seq_nos. */
  private ids: bigint[] = [];
  private seqs: number[] = [];

  constructor(private readonly window = 1000) {}

  /** 0 when `seqNo` fits, else the bad_msg_notification code (32 too low, 33 too high). */
  check(msgId: bigint, seqNo: number): 0 | 32 | 33 {
    const i = this.lowerBound(msgId);
    const odd = (seqNo & 1) === 1;
    if (i > 0) {
      const before = this.seqs[i - 1];
      if (before > seqNo || (before === seqNo && odd)) return 32;
    }
    let j = i;
    if (j < this.ids.length && this.ids[j] === msgId) j++;
    if (j < this.ids.length) {
      const after = this.seqs[j];
      if (after < seqNo || (after === seqNo && odd)) return 33;
    }
    return 0;
  }

  record(msgId: bigint, seqNo: number): void {
    const n = this.ids.length;
    if (n === 0 || this.ids[n - 1] < msgId) {
      this.ids.push(msgId);
      this.seqs.push(seqNo);
    } else {
      const i = this.lowerBound(msgId);
      if (this.ids[i] === msgId) return;
      this.ids.splice(i, 0, msgId);
      this.seqs.splice(i, 0, seqNo);
    }
    if (this.ids.length > this.window * 2) {
      this.ids = this.ids.slice(this.window);
      this.seqs = this.seqs.slice(this.window);
    }
  }

  clear(): void {
    this.ids = [];
    this.seqs = [];
  }

  /** The first index whose msg_id is ≥ `msgId`. */
  private lowerBound(msgId: bigint): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid] < msgId) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
