// updates.getState and updates.getDifference over the user's logs (pts: messages, edits, deletions,
// reads; qts: secret-chat messages; seq: updateEncryption).
//
// getDifference(pts, qts): everything logged after them. New messages go in new_messages (as they were
// when sent; later edits and deletions follow in other_updates), updateNewEncryptedMessage's message in
// new_encrypted_messages, the rest in other_updates. More than pts_limit (or the cloud's differenceLimit)
// events: differenceSlice with the intermediate state to ask again from. pts + pts_total_limit below the
// current pts, or a pts older than the log keeps: differenceTooLong.
//
// Seq-ordered updates (updateEncryption) have no pts or qts: the request's `date` names the client's
// position. Their dates strictly increase per user, and the state's date handed out is
// max(date of the latest seq update, now - 1), so every seq update logged later is dated after it and
// every one logged before is not: those with date > the request's date are exactly the missed ones.
import { RpcError } from '../../errors.ts';
import type { TlObject } from '../../tl/generated/types.ts';
import type { MethodHandler } from '../methods.ts';
import type { Cloud } from './cloud.ts';
import { unreadCount } from './messages.ts';
import { mentionedUsers } from './views.ts';

export function updatesMethods(cloud: Cloud): Record<string, MethodHandler> {
  const { store } = cloud;

  const totalUnread = (me: number): number => {
    let n = 0;
    for (const peer of store.dialogPeers(me)) n += unreadCount(store.history(me, peer), store.readState(me, peer).inbox);
    return n;
  };

  /**
   * The date a handed-out state carries: not before the latest seq update, and earlier than any later one
   * (cloud.seconds, which postSeqUpdate dates by too, never goes back).
   */
  const stateDate = (seqDate: number, now: number): number => Math.max(seqDate, now - 1);

  return {
    'updates.getState': (_r, ctx) => {
      const me = cloud.userOf(ctx);
      const s = store.state(me);
      return { _: 'updates.state', pts: s.pts, qts: s.qts, date: stateDate(s.seqDate, cloud.seconds), seq: s.seq, unreadCount: totalUnread(me) } as TlObject;
    },

    'updates.getDifference': (r, ctx) => {
      const q = r as { pts: number; ptsLimit?: number; ptsTotalLimit?: number; date: number; qts: number; qtsLimit?: number };
      const me = cloud.userOf(ctx);
      const s = store.state(me);
      if (q.pts <= 0) throw new RpcError(400, 'PERSISTENT_TIMESTAMP_EMPTY');
      if (q.pts > s.pts || q.qts < 0 || q.qts > s.qts) throw new RpcError(400, 'PERSISTENT_TIMESTAMP_INVALID');
      const limit = Math.max(1, Math.min(q.ptsLimit ?? cloud.differenceLimit, cloud.differenceLimit));
      const sEvents = store.seqUpdatesAfter(me, q.date, limit + 1);
      if (q.pts === s.pts && q.qts === s.qts && sEvents.length === 0) return { _: 'updates.differenceEmpty', date: stateDate(s.seqDate, cloud.seconds), seq: s.seq } as TlObject;
      if ((q.ptsTotalLimit !== undefined && q.pts + q.ptsTotalLimit < s.pts) || q.pts < store.oldestPts(me)) {
        return { _: 'updates.differenceTooLong', pts: s.pts } as TlObject;
      }
      const qLimit = Math.max(1, Math.min(q.qtsLimit ?? cloud.differenceLimit, cloud.differenceLimit));
      // Old qts updates dropped from the log are skipped (the qts log is as long as the pts one).
      const events = store.updatesAfter(me, q.pts, limit);
      const qEvents = store.qtsUpdatesAfter(me, Math.max(q.qts, store.oldestQts(me)), qLimit);
      const newMessages: TlObject[] = [];
      const newEncrypted: TlObject[] = [];
      const other: TlObject[] = [];
      for (const e of events) {
        if (e.update._ === 'updateNewMessage') newMessages.push(e.update.message);
        else other.push(e.update);
      }
      for (const e of qEvents) {
        if (e.update._ === 'updateNewEncryptedMessage') newEncrypted.push(e.update.message);
        else other.push(e.update);
      }
      // Seq updates after the pts ones (an encrypted chat's state after the edits and reads before it).
      const seqMore = sEvents.length > limit;
      if (seqMore) sEvents.length = limit;
      const users = mentionedUsers([newMessages, other]);
      for (const e of sEvents) {
        other.push(e.update);
        const chat = (e.update as { chat?: { adminId?: bigint; participantId?: bigint } }).chat;
        if (chat?.adminId !== undefined) users.add(Number(chat.adminId));
        if (chat?.participantId !== undefined) users.add(Number(chat.participantId));
      }
      const pts = events.length ? events[events.length - 1].pts : q.pts;
      const qts = qEvents.length ? qEvents[qEvents.length - 1].qts : q.qts;
      const sliced = pts < s.pts || qts < s.qts || seqMore;
      const last = sEvents[sEvents.length - 1];
      // The seq position: after the last seq update sent (all of them unless seqMore).
      const date = seqMore ? last.date : stateDate(s.seqDate, cloud.seconds);
      const seq = seqMore ? last.seq : s.seq;
      users.add(me);
      const state = { _: 'updates.state', pts, qts, date, seq, unreadCount: totalUnread(me) };
      const body = { newMessages, newEncryptedMessages: newEncrypted, otherUpdates: other, chats: [], users: cloud.usersView(users, me) };
      if (sliced) return { _: 'updates.differenceSlice', ...body, intermediateState: state } as TlObject;
      return { _: 'updates.difference', ...body, state } as TlObject;
    },
  };
}
