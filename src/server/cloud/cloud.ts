// A small Telegram-like cloud: users signing in with test phone numbers, private chats with per-user
// message boxes and pts, live pushes to the users' sessions, updates.getDifference for what they missed.
//
//   const cloud = new Cloud({ store: new MemoryCloudStore(), dcId: 2, deliver });
//   for (const [name, handler] of cloud.methods()) methods.set(name, handler);
//
// `deliver(userId, update, except)` pushes an Updates object to the user's live sessions except the one
// that made the change (MtprotoServer wires it to its sessions). Every pts-bearing update goes into the
// user's log first (store.appendUpdate), so a session that was not connected gets it from getDifference.
//
// seq: pts-bearing updates travel with seq 0 (in `updates` envelopes) or in short forms that have none.
// Updates with neither pts nor qts that a user must not miss (updateEncryption) are seq-ordered:
// postSeqUpdate logs them with the user's next seq and a strictly increasing date, and getDifference
// replays those dated after the client's state date (in other_updates).
import { RpcError } from '../../errors.ts';
import type { TlObject } from '../../tl/generated/types.ts';
import type { MethodContext, MethodHandler } from '../methods.ts';
import { authMethods, PendingCodes } from './auth.ts';
import { messageMethods, postMessage, type PostMessage } from './messages.ts';
import type { CloudStore } from './store.ts';
import { updatesMethods } from './updates.ts';
import { userMethods } from './users.ts';
import { mentionedUsers as mentioned, resolvePeer, usersView } from './views.ts';

export type Deliver = (userId: number, update: TlObject, except?: { authKeyId: string; sessionId: bigint }) => void;

export interface CloudOptions {
  store: CloudStore;
  dcId: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  deliver?: Deliver;
  /** Most pts events in one updates.getDifference answer before it becomes a differenceSlice (default 100). */
  differenceLimit?: number;
  /** How long a sent code stays valid, in seconds (default 300). */
  codeTtl?: number;
}

export class Cloud {
  readonly store: CloudStore;
  readonly dcId: number;
  readonly now: () => number;
  readonly differenceLimit: number;
  readonly codes: PendingCodes;
  private readonly deliverTo: Deliver;
  /** The latest `seconds` read: the cloud's clock never goes back within a run. */
  private lastSeconds = 0;

  constructor(options: CloudOptions) {
    this.store = options.store;
    this.dcId = options.dcId;
    this.now = options.now ?? Date.now;
    this.deliverTo = options.deliver ?? (() => undefined);
    this.differenceLimit = options.differenceLimit ?? 100;
    this.codes = new PendingCodes(options.codeTtl ?? 300);
  }

  /**
   * Unix seconds, never less than a value read before (a clock stepped back would otherwise date a seq
   * update before a state date already handed out, and getDifference would skip it).
   */
  get seconds(): number {
    this.lastSeconds = Math.max(this.lastSeconds, Math.floor(this.now() / 1000));
    return this.lastSeconds;
  }

  /** Every API method the cloud answers, by name. */
  methods(): Map<string, MethodHandler> {
    return new Map<string, MethodHandler>(Object.entries({
      ...authMethods(this),
      ...userMethods(this),
      ...messageMethods(this),
      ...updatesMethods(this),
    }));
  }

  /** The user the request's auth key is signed in as; 401 AUTH_KEY_UNREGISTERED before sign-in. */
  userOf(ctx: MethodContext): number {
    const id = this.store.userOfKey(ctx.authKeyId);
    if (id === undefined) throw new RpcError(401, 'AUTH_KEY_UNREGISTERED');
    return id;
  }

  /** The user an InputPeer names for the caller (access hash checked); PEER_ID_INVALID otherwise. */
  peerOf(ctx: MethodContext, peer: TlObject): number {
    return resolvePeer(this.store, this.userOf(ctx), peer);
  }

  /** The user id an auth key is signed in as (MtprotoServer uses it to route pushes). */
  userOfKey(authKeyId: string): number | undefined {
    return this.store.userOfKey(authKeyId);
  }

  /**
   * Sends a message in the private chat of `fromUserId` and `peerUserId` (equal: Saved Messages); returns
   * the sender's Updates (updateShortSentMessage; with media, updates with updateMessageID and updateNewMessage).
   */
  postMessage(fromUserId: number, peerUserId: number, message: PostMessage, ctx: MethodContext): TlObject {
    return postMessage(this, fromUserId, peerUserId, message, ctx);
  }

  /** Pushes `update` to the user's live sessions (except the one named). Never throws. */
  deliver(userId: number, update: TlObject, except?: MethodContext): void {
    try {
      this.deliverTo(userId, update, except && { authKeyId: except.authKeyId, sessionId: except.sessionId });
    } catch {
      // A push that fails stays in the log: getDifference delivers it.
    }
  }

  /** An Updates envelope for pts-bearing updates (seq 0: not seq-ordered). */
  envelope(updates: TlObject[], viewerId: number, date: number, users: Iterable<number> = []): TlObject {
    const ids = new Set<number>(users);
    ids.add(viewerId);
    for (const u of updates) for (const id of mentioned(u)) ids.add(id);
    return { _: 'updates', updates, users: this.usersView(ids, viewerId), chats: [], date, seq: 0 } as TlObject;
  }

  usersView(ids: Iterable<number>, viewerId: number): TlObject[] {
    return usersView(this.store, ids, viewerId);
  }

  /**
   * Logs a seq-ordered update for the user (updateEncryption) and pushes it to all their sessions in an
   * `updates` container with its seq; `build` gets the seq and the update's date. Returns the seq.
   */
  postSeqUpdate(userId: number, build: (date: number) => TlObject, users: Iterable<number> = []): number {
    const logged = this.store.appendSeqUpdate(userId, this.seconds, (_seq, date) => build(date));
    const ids = new Set<number>(users);
    ids.add(userId);
    for (const id of mentioned(logged.update)) ids.add(id);
    const view = this.usersView(ids, userId);
    this.deliver(userId, { _: 'updates', updates: [logged.update], users: view, chats: [], date: logged.date, seq: logged.seq } as TlObject);
    return logged.seq;
  }

  /** Logs a qts-bearing update for the user (secret chats) and pushes it; returns the qts. */
  postQtsUpdate(userId: number, build: (qts: number) => TlObject, except?: MethodContext): number {
    const date = this.seconds;
    const logged = this.store.appendQtsUpdate(userId, date, build);
    this.deliver(userId, { _: 'updates', updates: [logged.update], users: [], chats: [], date, seq: 0 } as TlObject, except);
    return logged.qts;
  }
}
