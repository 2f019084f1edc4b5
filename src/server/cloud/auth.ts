// Sign-in as on Telegram's test DCs: phone numbers 99966 + dc id + four digits, the code is the dc id
// repeated five times (no SMS). auth.sendCode → auth.signIn → (new number) auth.signUp; auth.logOut.
// A signed-in auth key is bound to its user in the store (so it survives a restart of a disk-backed server).
import { randomBytes } from 'node:crypto';
import { RpcError } from '../../errors.ts';
import type { TlObject } from '../../tl/generated/types.ts';
import type { MethodContext, MethodHandler } from '../methods.ts';
import type { Cloud } from './cloud.ts';
import { userView } from './views.ts';

interface PendingCode {
  phone: string;
  expiresAt: number;
  /** signIn saw the right code for a number with no account: signUp may follow. */
  verified: boolean;
}

/** Codes sent and not yet used, by phone_code_hash (memory only: a restart makes them expire). */
export class PendingCodes {
  private readonly codes = new Map<string, PendingCode>();

  constructor(private readonly ttl: number, private readonly max = 10_000) {}

  add(phone: string, now: number): string {
    if (this.codes.size >= this.max) this.sweep(now);
    if (this.codes.size >= this.max) this.codes.delete(this.codes.keys().next().value as string);
    const hash = randomBytes(8).toString('hex');
    this.codes.set(hash, { phone, expiresAt: now + this.ttl, verified: false });
    return hash;
  }

  /** The pending code for this hash and phone; PHONE_CODE_EXPIRED when unknown, for another number, or too old. */
  take(hash: string, phone: string, now: number): PendingCode {
    if (!hash) throw new RpcError(400, 'PHONE_CODE_HASH_EMPTY');
    const code = this.codes.get(hash);
    if (!code || code.phone !== phone) throw new RpcError(400, 'PHONE_CODE_EXPIRED');
    if (now > code.expiresAt) {
      this.codes.delete(hash);
      throw new RpcError(400, 'PHONE_CODE_EXPIRED');
    }
    return code;
  }

  delete(hash: string): void {
    this.codes.delete(hash);
  }

  private sweep(now: number): void {
    for (const [hash, code] of this.codes) if (now > code.expiresAt) this.codes.delete(hash);
  }
}

/** Digits of a phone number as clients type it ("+999 66 2 1234" → "9996621234"). */
export function normalizePhone(phone: string): string {
  return phone.replace(/[\s+()\-]/g, '');
}

/** Test numbers of this DC only: 99966, the dc id, four digits. */
export function isTestPhone(phone: string, dcId: number): boolean {
  return new RegExp(`^99966${dcId}\\d{4}$`).test(phone);
}

/** The layer that introduced auth.authorizationSignUpRequired; older clients get PHONE_NUMBER_UNOCCUPIED. */
const SIGN_UP_REQUIRED_LAYER = 104;
const NAME_MAX = 64;

export function authMethods(cloud: Cloud): Record<string, MethodHandler> {
  const { store } = cloud;
  const code = String(cloud.dcId).repeat(5);

  const signedIn = (userId: number, ctx: MethodContext): TlObject => {
    store.bindKey(ctx.authKeyId, userId);
    return { _: 'auth.authorization', user: userView(store.user(userId)!, userId) } as TlObject;
  };

  return {
    'auth.sendCode': (r) => {
      const q = r as { phoneNumber: string };
      const phone = normalizePhone(q.phoneNumber);
      if (!isTestPhone(phone, cloud.dcId)) throw new RpcError(400, 'PHONE_NUMBER_INVALID');
      const hash = cloud.codes.add(phone, cloud.seconds);
      return { _: 'auth.sentCode', type: { _: 'auth.sentCodeTypeApp', length: code.length }, phoneCodeHash: hash } as TlObject;
    },

    'auth.signIn': (r, ctx) => {
      const q = r as { phoneNumber: string; phoneCodeHash: string; phoneCode?: string };
      const phone = normalizePhone(q.phoneNumber);
      if (!isTestPhone(phone, cloud.dcId)) throw new RpcError(406, 'PHONE_NUMBER_INVALID');
      const pending = cloud.codes.take(q.phoneCodeHash, phone, cloud.seconds);
      if (!q.phoneCode) throw new RpcError(400, 'PHONE_CODE_EMPTY');
      if (q.phoneCode !== code) throw new RpcError(400, 'PHONE_CODE_INVALID');
      const user = store.userByPhone(phone);
      if (!user) {
        pending.verified = true;
        if (ctx.layer !== undefined && ctx.layer < SIGN_UP_REQUIRED_LAYER) throw new RpcError(400, 'PHONE_NUMBER_UNOCCUPIED');
        return { _: 'auth.authorizationSignUpRequired' } as TlObject;
      }
      cloud.codes.delete(q.phoneCodeHash);
      return signedIn(user.id, ctx);
    },

    'auth.signUp': (r, ctx) => {
      const q = r as { phoneNumber: string; phoneCodeHash: string; firstName: string; lastName: string; phoneCode?: string };
      const phone = normalizePhone(q.phoneNumber);
      if (!isTestPhone(phone, cloud.dcId)) throw new RpcError(400, 'PHONE_NUMBER_INVALID');
      const pending = cloud.codes.take(q.phoneCodeHash, phone, cloud.seconds);
      // Layers before 104 carried the code in signUp itself.
      if (!pending.verified && q.phoneCode !== code) throw new RpcError(400, q.phoneCode ? 'PHONE_CODE_INVALID' : 'PHONE_CODE_EMPTY');
      if (store.userByPhone(phone)) throw new RpcError(400, 'PHONE_NUMBER_OCCUPIED');
      const firstName = (q.firstName ?? '').trim();
      const lastName = (q.lastName ?? '').trim();
      if (!firstName || firstName.length > NAME_MAX) throw new RpcError(400, 'FIRSTNAME_INVALID');
      if (lastName.length > NAME_MAX) throw new RpcError(400, 'LASTNAME_INVALID');
      cloud.codes.delete(q.phoneCodeHash);
      const user = store.transaction(() => {
        const u = store.createUser({ accessHash: randomBytes(8).readBigInt64LE(0), phone, firstName, lastName, createdAt: cloud.seconds });
        store.bindKey(ctx.authKeyId, u.id);
        return u;
      });
      return { _: 'auth.authorization', user: userView(user, user.id) } as TlObject;
    },

    'auth.logOut': (_r, ctx) => {
      cloud.userOf(ctx);
      store.unbindKey(ctx.authKeyId);
      return { _: 'auth.loggedOut' } as TlObject;
    },
  };
}
