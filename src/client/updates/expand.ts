// The short forms of Updates carry a message without its envelope; the updates stream always hands out
// the full update (core.telegram.org/api/updates: updateShortMessage, updateShortChatMessage,
// updateShortSentMessage are "a shortened updateNewMessage").
import type {
  RawMessage, RawUpdateNewMessage, RawUpdateShortChatMessage, RawUpdateShortMessage, RawUpdateShortSentMessage,
  TypeMessageEntity, TypeMessageMedia, TypePeer,
} from '../../tl/generated/types.ts';

const peerUser = (userId: bigint): TypePeer => ({ _: 'peerUser', userId });

/** Drops keys whose value is undefined (so a re-serialized object matches one decoded from the wire). */
function clean<T extends object>(o: T): T {
  for (const key of Object.keys(o) as Array<keyof T>) if (o[key] === undefined) delete o[key];
  return o;
}

/** updateShortMessage / updateShortChatMessage → updateNewMessage. `selfId`: the signed-in user (sender of outgoing messages). */
export function expandShortMessage(u: RawUpdateShortMessage | RawUpdateShortChatMessage, selfId: bigint | undefined): RawUpdateNewMessage {
  const chat = u._ === 'updateShortChatMessage';
  const fromUser = chat ? u.fromId : u.out ? selfId : u.userId;
  const message: RawMessage = clean({
    _: 'message',
    out: u.out,
    mentioned: u.mentioned,
    mediaUnread: u.mediaUnread,
    silent: u.silent,
    id: u.id,
    fromId: fromUser === undefined ? undefined : peerUser(fromUser),
    peerId: chat ? { _: 'peerChat', chatId: u.chatId } : peerUser(u.userId),
    fwdFrom: u.fwdFrom,
    viaBotId: u.viaBotId,
    replyTo: u.replyTo,
    date: u.date,
    message: u.message,
    entities: u.entities,
    ttlPeriod: u.ttlPeriod,
  } satisfies RawMessage);
  return { _: 'updateNewMessage', message, pts: u.pts, ptsCount: u.ptsCount };
}

/** What was sent, for expanding the server's updateShortSentMessage answer. */
export interface SentMessage {
  peer: TypePeer;
  message: string;
  entities?: TypeMessageEntity[];
  media?: TypeMessageMedia;
}

/** updateShortSentMessage (the answer to our own messages.sendMessage) → updateNewMessage of the outgoing message. */
export function expandShortSent(u: RawUpdateShortSentMessage, sent: SentMessage, selfId: bigint | undefined): RawUpdateNewMessage {
  const message: RawMessage = clean({
    _: 'message',
    out: true,
    id: u.id,
    fromId: selfId === undefined ? undefined : peerUser(selfId),
    peerId: sent.peer,
    date: u.date,
    message: sent.message,
    media: u.media ?? sent.media,
    entities: u.entities ?? sent.entities,
    ttlPeriod: u.ttlPeriod,
  } satisfies RawMessage);
  return { _: 'updateNewMessage', message, pts: u.pts, ptsCount: u.ptsCount };
}
