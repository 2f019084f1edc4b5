// users.getUsers, users.getFullUser, contacts.resolveUsername, account.updateUsername.
import { RpcError } from '../../errors.ts';
import type { TlObject } from '../../tl/generated/types.ts';
import type { MethodHandler } from '../methods.ts';
import type { Cloud } from './cloud.ts';
import { peerUser, resolveUser, tryResolveUser, userView } from './views.ts';

/** Telegram's rule: 5–32 characters of a–z, 0–9 and _, starting with a letter, not ending with _. */
export function isValidUsername(name: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9_]{3,30}[a-zA-Z0-9]$/.test(name);
}

export function userMethods(cloud: Cloud): Record<string, MethodHandler> {
  const { store } = cloud;
  return {
    // Users the caller cannot name (unknown id, wrong access hash) are left out, as Telegram does.
    'users.getUsers': (r, ctx) => {
      const me = cloud.userOf(ctx);
      const out: TlObject[] = [];
      for (const input of (r as { id: TlObject[] }).id) {
        const id = tryResolveUser(store, me, input);
        if (id !== undefined) out.push(userView(store.user(id)!, me));
      }
      return out as unknown as TlObject;
    },

    'users.getFullUser': (r, ctx) => {
      const me = cloud.userOf(ctx);
      const id = resolveUser(store, me, (r as { id: TlObject }).id);
      return {
        _: 'users.userFull',
        fullUser: {
          _: 'userFull',
          id: BigInt(id),
          settings: { _: 'peerSettings' },
          notifySettings: { _: 'peerNotifySettings' },
          commonChatsCount: 0,
        },
        chats: [],
        users: [userView(store.user(id)!, me)],
      } as TlObject;
    },

    'contacts.resolveUsername': (r, ctx) => {
      const me = cloud.userOf(ctx);
      const name = (r as { username: string }).username.replace(/^@/, '');
      if (!isValidUsername(name)) throw new RpcError(400, 'USERNAME_INVALID');
      const user = store.userByUsername(name);
      if (!user) throw new RpcError(400, 'USERNAME_NOT_OCCUPIED');
      return { _: 'contacts.resolvedPeer', peer: peerUser(user.id), chats: [], users: [userView(user, me)] } as TlObject;
    },

    // An empty username removes it. The user's other sessions hear of it (updateUserName, not pts-bearing).
    'account.updateUsername': (r, ctx) => {
      const me = cloud.userOf(ctx);
      const name = (r as { username: string }).username;
      const user = store.user(me)!;
      if (name !== '' && !isValidUsername(name)) throw new RpcError(400, 'USERNAME_INVALID');
      if ((user.username ?? '') === name) throw new RpcError(400, 'USERNAME_NOT_MODIFIED');
      const holder = name ? store.userByUsername(name) : undefined;
      if (holder && holder.id !== me) throw new RpcError(400, 'USERNAME_OCCUPIED');
      const updated = { ...user, username: name || undefined };
      store.putUser(updated);
      const usernames = name ? [{ _: 'username', editable: true, active: true, username: name }] : [];
      cloud.deliver(me, {
        _: 'updateShort',
        update: { _: 'updateUserName', userId: BigInt(me), firstName: updated.firstName, lastName: updated.lastName, usernames },
        date: cloud.seconds,
      } as TlObject, ctx);
      return userView(updated, me);
    },
  };
}
