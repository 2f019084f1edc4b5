// updates.getState and updates.getDifference over the user's logs (pts: messages, edits, deletions,
// reads; qts: secret chats, later).
//
// getDifference(pts, qts): everything logged after them. New messages go in new_messages (as they were
// when sent; later edits and deletions follow in other_updates), updateNewEncryptedMessage's message in
// new_encrypted_messages, the rest in other_updates. More than pts_limit (or the cloud's differenceLimit)
// events: differenceSlice with the intermediate state to ask again from. pts + pts_total_limit below the
// current pts, or a pts older than the log keeps: differenceTooLong.
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

  return {
    'updates.getState': (_r, ctx) => {
      const me = cloud.userOf(ctx);
      const s = store.state(me);
      return { _: 'updates.state', pts: s.pts, qts: s.qts, date: ctx.now, seq: s.seq, unreadCount: totalUnread(me) } as TlObject;
    },

    'updates.getDifference': (r, ctx) => {
      const q = r as { pts: number; ptsLimit?: number; ptsTotalLimit?: number; date: number; qts: number; qtsLimit?: number };
      const me = cloud.userOf(ctx);
      const s = store.state(me);
      if (q.pts <= 0) throw new RpcError(400, 'PERSISTENT_TIMESTAMP_EMPTY');
      if (q.pts > s.pts || q.qts < 0 || q.qts > s.qts) throw new RpcError(400, 'PERSISTENT_TIMESTAMP_INVALID');
      if (q.pts === s.pts && q.qts === s.qts) return { _: 'updates.differenceEmpty', date: ctx.now, seq: s.seq } as TlObject;
      if ((q.ptsTotalLimit !== undefined && q.pts + q.ptsTotalLimit < s.pts) || q.pts < store.oldestPts(me)) {
        return { _: 'updates.differenceTooLong', pts: s.pts } as TlObject;
      }
      const limit = Math.max(1, Math.min(q.ptsLimit ?? cloud.differenceLimit, cloud.differenceLimit));
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
      const pts = events.length ? events[events.length - 1].pts : q.pts;
      const qts = qEvents.length ? qEvents[qEvents.length - 1].qts : q.qts;
      const sliced = pts < s.pts || qts < s.qts;
      const date = Math.max(events.length ? events[events.length - 1].date : 0, qEvents.length ? qEvents[qEvents.length - 1].date : 0);
      const users = mentionedUsers([newMessages, other]);
      users.add(me);
      const state = { _: 'updates.state', pts, qts, date: sliced ? date : ctx.now, seq: s.seq, unreadCount: totalUnread(me) };
      const body = { newMessages, newEncryptedMessages: newEncrypted, otherUpdates: other, chats: [], users: cloud.usersView(users, me) };
      if (sliced) return { _: 'updates.differenceSlice', ...body, intermediateState: state } as TlObject;
      return { _: 'updates.difference', ...body, state } as TlObject;
    },
  };
}
