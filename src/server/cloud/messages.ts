// Private chats: messages.sendMessage (and postMessage for sendMedia), getHistory, getDialogs,
// readHistory, editMessage, deleteMessages.
//
// Each user has a box with their own message ids; a message between two users is two records (one per
// box) linked to each other. Every change is logged as a pts-bearing update in each affected user's log
// (store.appendUpdate) inside one transaction, then pushed: to the other user's sessions, and to the
// acting user's other sessions (the acting session gets the method's answer instead).
import { RpcError } from '../../errors.ts';
import type { TlObject } from '../../tl/generated/types.ts';
import type { MethodContext, MethodHandler } from '../methods.ts';
import type { Cloud } from './cloud.ts';
import { toJson } from '../../tl/json.ts';
import type { StoredMessage } from './store.ts';
import { messageView, peerUser, resolvePeer } from './views.ts';

export interface PostMessage {
  message: string;
  /** A MessageMedia model object (e.g. messageMediaDocument). */
  media?: TlObject;
  randomId: bigint;
  entities?: TlObject[];
}

/** config.message_length_max and caption_length_max (methods.ts help.getConfig). */
export const MESSAGE_LENGTH_MAX = 4096;
export const CAPTION_LENGTH_MAX = 1024;
/** config.edit_time_limit: outgoing messages can be edited for 48 hours (Saved Messages: always). */
export const EDIT_TIME_LIMIT = 172800;
const HISTORY_LIMIT_MAX = 100;
const DIALOGS_LIMIT_MAX = 100;

function checkText(text: string, media: TlObject | undefined): void {
  if (media) {
    if (text.length > CAPTION_LENGTH_MAX) throw new RpcError(400, 'MEDIA_CAPTION_TOO_LONG');
    return;
  }
  if (text.trim() === '') throw new RpcError(400, 'MESSAGE_EMPTY');
  if (text.length > MESSAGE_LENGTH_MAX) throw new RpcError(400, 'MESSAGE_TOO_LONG');
}

/** The short form of a new text message for a user's sessions (updateShortMessage), or the full one. */
function newMessagePush(cloud: Cloud, m: StoredMessage, pts: number): TlObject {
  if (m.media) return cloud.envelope([{ _: 'updateNewMessage', message: messageView(m), pts, ptsCount: 1 } as TlObject], m.ownerId, m.date);
  return {
    _: 'updateShortMessage',
    out: m.out || undefined,
    id: m.id,
    userId: BigInt(m.peerId),
    message: m.message,
    pts,
    ptsCount: 1,
    date: m.date,
    entities: m.entities,
  } as TlObject;
}

export function postMessage(cloud: Cloud, from: number, peer: number, input: PostMessage, ctx: MethodContext): TlObject {
  const { store } = cloud;
  checkText(input.message, input.media);
  if (!store.user(peer)) throw new RpcError(400, 'PEER_ID_INVALID');
  if (store.messageByRandomId(from, input.randomId)) throw new RpcError(400, 'RANDOM_ID_DUPLICATE');
  const date = cloud.seconds;
  const entities = input.entities?.length ? input.entities : undefined;
  const { mine, theirs, myPts, theirPts } = store.transaction(() => {
    const mine: StoredMessage = {
      ownerId: from, id: store.state(from).lastMessageId + 1, peerId: peer, out: true, date,
      message: input.message, media: input.media, entities, randomId: input.randomId,
    };
    let theirs: StoredMessage | undefined;
    if (peer !== from) {
      theirs = { ownerId: peer, id: store.state(peer).lastMessageId + 1, peerId: from, out: false, date, message: input.message, media: input.media, entities, link: { ownerId: from, id: mine.id } };
      mine.link = { ownerId: peer, id: theirs.id };
      store.putMessage(theirs);
    }
    store.putMessage(mine);
    const myPts = store.appendUpdate(from, 1, date, (pts) => ({ _: 'updateNewMessage', message: messageView(mine), pts, ptsCount: 1 }) as TlObject).pts;
    const theirPts = theirs && store.appendUpdate(peer, 1, date, (pts) => ({ _: 'updateNewMessage', message: messageView(theirs!), pts, ptsCount: 1 }) as TlObject).pts;
    return { mine, theirs, myPts, theirPts };
  });
  if (theirs) cloud.deliver(peer, newMessagePush(cloud, theirs, theirPts!));
  cloud.deliver(from, newMessagePush(cloud, mine, myPts), ctx);
  if (input.media) {
    return cloud.envelope([
      { _: 'updateMessageID', id: mine.id, randomId: input.randomId },
      { _: 'updateNewMessage', message: messageView(mine), pts: myPts, ptsCount: 1 },
    ] as TlObject[], from, date, [peer]);
  }
  return { _: 'updateShortSentMessage', out: true, id: mine.id, pts: myPts, ptsCount: 1, date, entities } as TlObject;
}

/** Incoming messages after `readUpTo`. */
export function unreadCount(history: readonly StoredMessage[], readUpTo: number): number {
  let n = 0;
  for (let i = history.length - 1; i >= 0 && history[i].id > readUpTo; i--) if (!history[i].out) n++;
  return n;
}

export function messageMethods(cloud: Cloud): Record<string, MethodHandler> {
  const { store } = cloud;

  return {
    'messages.sendMessage': (r, ctx) => {
      const q = r as { peer: TlObject; message: string; randomId: bigint; entities?: TlObject[] };
      const me = cloud.userOf(ctx);
      const peer = resolvePeer(store, me, q.peer);
      return postMessage(cloud, me, peer, { message: q.message, randomId: q.randomId, entities: q.entities }, ctx);
    },

    // Newest first. offset_id: start below that id (offset_date: before that date); add_offset shifts the
    // start (negative: newer messages too); max_id/min_id bound the ids (exclusive).
    'messages.getHistory': (r, ctx) => {
      const q = r as { peer: TlObject; offsetId: number; offsetDate: number; addOffset: number; limit: number; maxId: number; minId: number };
      const me = cloud.userOf(ctx);
      const peer = resolvePeer(store, me, q.peer);
      const all = store.history(me, peer);
      const desc: StoredMessage[] = [];
      for (let i = all.length - 1; i >= 0; i--) {
        const m = all[i];
        if (q.maxId > 0 && m.id >= q.maxId) continue;
        if (q.minId > 0 && m.id <= q.minId) break;
        desc.push(m);
      }
      let pos = 0;
      if (q.offsetId > 0) while (pos < desc.length && desc[pos].id >= q.offsetId) pos++;
      else if (q.offsetDate > 0) while (pos < desc.length && desc[pos].date >= q.offsetDate) pos++;
      const limit = Math.min(Math.max(q.limit, 0), HISTORY_LIMIT_MAX);
      const start = pos + q.addOffset;
      const page = desc.slice(Math.max(start, 0), Math.max(start + limit, 0));
      const messages = page.map(messageView);
      const users = cloud.usersView([me, peer], me);
      if (page.length === all.length) return { _: 'messages.messages', messages, topics: [], chats: [], users } as TlObject;
      return {
        _: 'messages.messagesSlice',
        count: all.length,
        offsetIdOffset: q.offsetId > 0 || q.offsetDate > 0 ? Math.max(start, 0) : undefined,
        messages, topics: [], chats: [], users,
      } as TlObject;
    },

    // Dialogs by their top message, newest first; offset_id/offset_date: only dialogs whose top message is older.
    'messages.getDialogs': (r, ctx) => {
      const q = r as { offsetDate: number; offsetId: number; limit: number; folderId?: number };
      const me = cloud.userOf(ctx);
      const tops = store.dialogPeers(me).map((peer) => {
        const h = store.history(me, peer);
        return { peer, top: h[h.length - 1], history: h };
      });
      tops.sort((a, b) => b.top.id - a.top.id);
      if (q.folderId) tops.length = 0; // no archive
      let list = tops;
      if (q.offsetId > 0) list = list.filter((d) => d.top.id < q.offsetId);
      else if (q.offsetDate > 0) list = list.filter((d) => d.top.date < q.offsetDate);
      const limit = q.limit > 0 ? Math.min(q.limit, DIALOGS_LIMIT_MAX) : DIALOGS_LIMIT_MAX;
      const page = list.slice(0, limit);
      const dialogs = page.map(({ peer, top, history }) => {
        const read = store.readState(me, peer);
        return {
          _: 'dialog',
          peer: peerUser(peer),
          topMessage: top.id,
          readInboxMaxId: read.inbox,
          readOutboxMaxId: read.outbox,
          unreadCount: unreadCount(history, read.inbox),
          unreadMentionsCount: 0,
          unreadReactionsCount: 0,
          unreadPollVotesCount: 0,
          notifySettings: { _: 'peerNotifySettings' },
        };
      });
      const body = {
        dialogs,
        messages: page.map((d) => messageView(d.top)),
        chats: [],
        users: cloud.usersView([me, ...page.map((d) => d.peer)], me),
      };
      if (page.length === tops.length) return { _: 'messages.dialogs', ...body } as TlObject;
      return { _: 'messages.dialogsSlice', count: tops.length, ...body } as TlObject;
    },

    // Marks incoming messages up to max_id (0: all) read: updateReadHistoryInbox for the reader,
    // updateReadHistoryOutbox (in the sender's ids) for the other side.
    'messages.readHistory': (r, ctx) => {
      const q = r as { peer: TlObject; maxId: number };
      const me = cloud.userOf(ctx);
      const peer = resolvePeer(store, me, q.peer);
      const history = store.history(me, peer);
      const top = history.length ? history[history.length - 1].id : 0;
      const maxId = q.maxId <= 0 || q.maxId > top ? top : q.maxId;
      const read = store.readState(me, peer);
      if (maxId <= read.inbox) return { _: 'messages.affectedMessages', pts: store.state(me).pts, ptsCount: 0 } as TlObject;
      // The other side's id of the newest incoming message now read.
      let theirMax = 0;
      for (let i = history.length - 1; i >= 0; i--) {
        const m = history[i];
        if (m.id <= maxId && !m.out && m.link) {
          theirMax = m.link.id;
          break;
        }
      }
      const date = cloud.seconds;
      const { mine, theirs } = store.transaction(() => {
        store.setRead(me, peer, { inbox: maxId });
        const still = unreadCount(history, maxId);
        const mine = store.appendUpdate(me, 1, date, (pts) => ({ _: 'updateReadHistoryInbox', peer: peerUser(peer), maxId, stillUnreadCount: still, pts, ptsCount: 1 }) as TlObject);
        let theirs;
        if (peer !== me && theirMax > store.readState(peer, me).outbox) {
          store.setRead(peer, me, { outbox: theirMax });
          theirs = store.appendUpdate(peer, 1, date, (pts) => ({ _: 'updateReadHistoryOutbox', peer: peerUser(me), maxId: theirMax, pts, ptsCount: 1 }) as TlObject);
        }
        return { mine, theirs };
      });
      if (theirs) cloud.deliver(peer, cloud.envelope([theirs.update], peer, date));
      cloud.deliver(me, cloud.envelope([mine.update], me, date), ctx);
      return { _: 'messages.affectedMessages', pts: mine.pts, ptsCount: 1 } as TlObject;
    },

    'messages.editMessage': (r, ctx) => {
      const q = r as { peer: TlObject; id: number; message?: string; media?: TlObject; entities?: TlObject[] };
      const me = cloud.userOf(ctx);
      const peer = resolvePeer(store, me, q.peer);
      const m = store.message(me, q.id);
      if (!m || m.peerId !== peer) throw new RpcError(400, 'MESSAGE_ID_INVALID');
      if (!m.out) throw new RpcError(403, 'MESSAGE_AUTHOR_REQUIRED');
      if (q.media) throw new RpcError(400, 'MEDIA_INVALID'); // editing media is not supported
      const date = cloud.seconds;
      if (peer !== me && date - m.date > EDIT_TIME_LIMIT) throw new RpcError(400, 'MESSAGE_EDIT_TIME_EXPIRED');
      const text = q.message ?? m.message;
      const entities = q.entities !== undefined ? (q.entities.length ? q.entities : undefined) : q.message !== undefined ? undefined : m.entities;
      if (text === m.message && sameEntities(entities, m.entities)) throw new RpcError(400, 'MESSAGE_NOT_MODIFIED');
      checkText(text, m.media);
      const edited: StoredMessage = { ...m, message: text, entities, editDate: date };
      const other = m.link && store.message(m.link.ownerId, m.link.id);
      const { mine, theirs } = store.transaction(() => {
        store.putMessage(edited);
        const mine = store.appendUpdate(me, 1, date, (pts) => ({ _: 'updateEditMessage', message: messageView(edited), pts, ptsCount: 1 }) as TlObject);
        let theirs;
        if (other) {
          const theirCopy: StoredMessage = { ...other, message: text, entities, editDate: date };
          store.putMessage(theirCopy);
          theirs = store.appendUpdate(other.ownerId, 1, date, (pts) => ({ _: 'updateEditMessage', message: messageView(theirCopy), pts, ptsCount: 1 }) as TlObject);
        }
        return { mine, theirs };
      });
      if (theirs && other) cloud.deliver(other.ownerId, cloud.envelope([theirs.update], other.ownerId, date));
      cloud.deliver(me, cloud.envelope([mine.update], me, date), ctx);
      return cloud.envelope([mine.update], me, date);
    },

    // Deletes the caller's copies; with revoke also the other side's. pts_count is the number deleted.
    'messages.deleteMessages': (r, ctx) => {
      const q = r as { revoke?: boolean; id: number[] };
      const me = cloud.userOf(ctx);
      const mine = [...new Set(q.id)].map((id) => store.message(me, id)).filter((m): m is StoredMessage => m !== undefined);
      if (mine.length === 0) return { _: 'messages.affectedMessages', pts: store.state(me).pts, ptsCount: 0 } as TlObject;
      const theirs = new Map<number, number[]>();
      if (q.revoke) {
        for (const m of mine) {
          if (m.link && store.message(m.link.ownerId, m.link.id)) {
            const list = theirs.get(m.link.ownerId) ?? [];
            list.push(m.link.id);
            theirs.set(m.link.ownerId, list);
          }
        }
      }
      const date = cloud.seconds;
      const { logged, pushed } = store.transaction(() => {
        for (const m of mine) store.deleteMessage(me, m.id);
        const ids = mine.map((m) => m.id);
        const logged = store.appendUpdate(me, ids.length, date, (pts) => ({ _: 'updateDeleteMessages', messages: ids, pts, ptsCount: ids.length }) as TlObject);
        const pushed: Array<[number, TlObject]> = [];
        for (const [owner, list] of theirs) {
          for (const id of list) store.deleteMessage(owner, id);
          pushed.push([owner, store.appendUpdate(owner, list.length, date, (pts) => ({ _: 'updateDeleteMessages', messages: list, pts, ptsCount: list.length }) as TlObject).update]);
        }
        return { logged, pushed };
      });
      for (const [owner, update] of pushed) cloud.deliver(owner, cloud.envelope([update], owner, date));
      cloud.deliver(me, cloud.envelope([logged.update], me, date), ctx);
      return { _: 'messages.affectedMessages', pts: logged.pts, ptsCount: logged.ptsCount } as TlObject;
    },
  };
}

function sameEntities(a: TlObject[] | undefined, b: TlObject[] | undefined): boolean {
  return toJson(a ?? []) === toJson(b ?? []);
}
