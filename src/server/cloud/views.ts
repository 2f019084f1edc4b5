// Stored records as the API's model objects, as one user (the viewer) sees them, and the InputPeer /
// InputUser a request names resolved to a user id (access hashes checked).
import { RpcError } from '../../errors.ts';
import type { TlObject } from '../../tl/generated/types.ts';
import type { CloudStore, StoredMessage, StoredUser } from './store.ts';

export function peerUser(userId: number): { _: 'peerUser'; userId: bigint } {
  return { _: 'peerUser', userId: BigInt(userId) };
}

/** A user as `viewerId` sees them: `self` and the phone number only for themselves. */
export function userView(u: StoredUser, viewerId: number): TlObject {
  const self = u.id === viewerId;
  return {
    _: 'user',
    self: self || undefined,
    id: BigInt(u.id),
    accessHash: u.accessHash,
    firstName: u.firstName,
    lastName: u.lastName || undefined,
    username: u.username,
    phone: self ? u.phone : undefined,
    status: { _: 'userStatusRecently' },
  } as TlObject;
}

/** The message in its owner's box. Private chats: from_id only on outgoing messages, peer_id the other side. */
export function messageView(m: StoredMessage): TlObject {
  const message: Record<string, unknown> = {
    _: 'message',
    out: m.out || undefined,
    id: m.id,
    fromId: m.out ? peerUser(m.ownerId) : undefined,
    peerId: peerUser(m.peerId),
    date: m.date,
    message: m.message,
    media: m.media,
    entities: m.entities,
    editDate: m.editDate,
  };
  return message as unknown as TlObject;
}

/** The users `ids` names, as the viewer sees them (unknown ids skipped). */
export function usersView(store: CloudStore, ids: Iterable<number>, viewerId: number): TlObject[] {
  const out: TlObject[] = [];
  for (const id of new Set(ids)) {
    const u = store.user(id);
    if (u) out.push(userView(u, viewerId));
  }
  return out;
}

/** A TL long naming a user id, or undefined when it cannot be one. */
function idOf(value: bigint): number | undefined {
  return value > 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/** InputPeer → user id; PEER_ID_INVALID for anything but ourselves or a user with the right access hash. */
export function resolvePeer(store: CloudStore, viewerId: number, peer: TlObject): number {
  if (peer._ === 'inputPeerSelf') return viewerId;
  const id = peer._ === 'inputPeerUser' ? namedUser(store, viewerId, peer.userId, peer.accessHash) : undefined;
  if (id === undefined) throw new RpcError(400, 'PEER_ID_INVALID');
  return id;
}

/** InputUser → user id; USER_ID_INVALID otherwise. */
export function resolveUser(store: CloudStore, viewerId: number, input: TlObject): number {
  const id = tryResolveUser(store, viewerId, input);
  if (id === undefined) throw new RpcError(400, 'USER_ID_INVALID');
  return id;
}

export function tryResolveUser(store: CloudStore, viewerId: number, input: TlObject): number | undefined {
  if (input._ === 'inputUserSelf') return viewerId;
  return input._ === 'inputUser' ? namedUser(store, viewerId, input.userId, input.accessHash) : undefined;
}

/** The user a (user_id, access_hash) pair names, if it exists and the hash is theirs (any hash names oneself). */
function namedUser(store: CloudStore, viewerId: number, userId: bigint, accessHash: bigint): number | undefined {
  const id = idOf(userId);
  const user = id === undefined ? undefined : store.user(id);
  return user && (user.accessHash === accessHash || user.id === viewerId) ? user.id : undefined;
}

/** Every user id a model object mentions (peerUser, user_id fields), for the users vector of an answer. */
export function mentionedUsers(o: unknown, into: Set<number> = new Set()): Set<number> {
  if (Array.isArray(o)) {
    for (const x of o) mentionedUsers(x, into);
  } else if (o !== null && typeof o === 'object' && !(o instanceof Uint8Array)) {
    const rec = o as Record<string, unknown>;
    if (typeof rec.userId === 'bigint') {
      const id = idOf(rec.userId);
      if (id !== undefined) into.add(id);
    }
    for (const v of Object.values(rec)) if (v !== null && typeof v === 'object') mentionedUsers(v, into);
  }
  return into;
}
