// The cloud without a network: its method handlers called directly with a made-up MethodContext,
// pushes recorded per user. For error cases and exact state checks; the loopback tests cover the wire.
import { Cloud } from '../../src/server/cloud/cloud.ts';
import { MemoryCloudStore } from '../../src/server/cloud/memory-store.ts';
import type { CloudStore } from '../../src/server/cloud/store.ts';
import type { MethodContext } from '../../src/server/methods.ts';
import type { TlObject } from '../../src/tl/generated/types.ts';
import { rpcError } from './cloud.ts';

export interface Pushed {
  userId: number;
  update: any;
  except?: { authKeyId: string; sessionId: bigint };
}

export class DirectCloud {
  clock = 1_700_000_000_000;
  readonly pushed: Pushed[] = [];
  readonly cloud: Cloud;
  private readonly handlers;
  private keyCounter = 0;

  constructor(store: CloudStore = new MemoryCloudStore(), options: { differenceLimit?: number; dcId?: number } = {}) {
    this.cloud = new Cloud({ store, dcId: options.dcId ?? 2, now: () => this.clock, differenceLimit: options.differenceLimit, deliver: (userId, update, except) => this.pushed.push({ userId, update, except }) });
    this.handlers = this.cloud.methods();
  }

  ctx(authKeyId = `key${++this.keyCounter}`, sessionId = 1n, layer?: number): MethodContext {
    return { host: '127.0.0.1', port: 1, dcId: this.cloud.dcId, now: Math.floor(this.clock / 1000), authKeyId, sessionId, layer };
  }

  /** Calls a method; the answer or the RpcError it throws (as a rejected promise). */
  async call<T = any>(ctx: MethodContext, request: Record<string, unknown> & { _: string }): Promise<T> {
    const handler = this.handlers.get(request._);
    if (!handler) throw new Error(`no handler for ${request._}`);
    ctx.now = Math.floor(this.clock / 1000);
    return (await handler(request as never, ctx)) as T;
  }

  /** Signs up a new user on a new auth key; returns its context and ids. */
  async user(phone: string, firstName = 'User'): Promise<{ ctx: MethodContext; id: number; accessHash: bigint; peer: any; input: any }> {
    const ctx = this.ctx();
    const sent = await this.call(ctx, { _: 'auth.sendCode', phoneNumber: phone, apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } });
    const code = String(this.cloud.dcId).repeat(5);
    let auth = await this.call(ctx, { _: 'auth.signIn', phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code });
    if (auth._ === 'auth.authorizationSignUpRequired') auth = await this.call(ctx, { _: 'auth.signUp', phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, firstName, lastName: '' });
    const id = Number(auth.user.id);
    const accessHash = auth.user.accessHash as bigint;
    return { ctx, id, accessHash, peer: { _: 'inputPeerUser', userId: BigInt(id), accessHash }, input: { _: 'inputUser', userId: BigInt(id), accessHash } };
  }

  /** Another session (or auth key) signed in as the same user. */
  async sessionOf(phone: string): Promise<MethodContext> {
    const ctx = this.ctx();
    await this.user(phone).catch(() => undefined);
    const sent = await this.call(ctx, { _: 'auth.sendCode', phoneNumber: phone, apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } });
    await this.call(ctx, { _: 'auth.signIn', phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: String(this.cloud.dcId).repeat(5) });
    return ctx;
  }

  pushesTo(userId: number): TlObject[] {
    return this.pushed.filter((p) => p.userId === userId).map((p) => p.update);
  }
}

export const rejects = rpcError;
