// Our client against MtprotoServer's cloud over loopback: servers, clients, signed-in users, and a
// listener that collects pushed updates.
import { MtprotoServer, type MtprotoServerOptions } from '../../src/server/mtproto-server.ts';
import { MtprotoClient, type MtprotoClientOptions } from '../../src/client/client.ts';
import { RpcError } from '../../src/errors.ts';
import type { TlObject } from '../../src/tl/generated/types.ts';
import { serverKey } from './exchange.ts';

export async function startServer(options: Partial<MtprotoServerOptions> = {}): Promise<MtprotoServer> {
  return MtprotoServer.listen({ port: 0, privateKey: serverKey(), ...options });
}

export function connectClient(server: MtprotoServer, options: Partial<MtprotoClientOptions> = {}): MtprotoClient {
  return new MtprotoClient({ host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0, timeoutMs: 10_000, ...options });
}

export interface TestUser {
  client: MtprotoClient;
  id: bigint;
  accessHash: bigint;
  phone: string;
  /** Updates pushed to this client, in arrival order. */
  pushed: TlObject[];
  peer: { _: 'inputPeerUser'; userId: bigint; accessHash: bigint };
}

let phoneCounter = 1000;
export function nextPhone(dcId = 2): string {
  return `99966${dcId}${String(phoneCounter++).padStart(4, '0')}`;
}

/** Signs a client in (signing up first if the number is new). */
export async function signIn(client: MtprotoClient, phone: string, firstName = 'Test', dcId = 2): Promise<TlObject & { _: 'user' }> {
  const sent = await client.invoke({ _: 'auth.sendCode', phoneNumber: phone, apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } });
  if (sent._ !== 'auth.sentCode') throw new Error(`unexpected ${sent._}`);
  const code = String(dcId).repeat(5);
  let auth = await client.invoke({ _: 'auth.signIn', phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code });
  if (auth._ === 'auth.authorizationSignUpRequired') {
    auth = await client.invoke({ _: 'auth.signUp', phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, firstName, lastName: '' });
  }
  if (auth._ !== 'auth.authorization' || auth.user._ !== 'user') throw new Error('sign-in failed');
  return auth.user as TlObject & { _: 'user' };
}

export async function newUser(server: MtprotoServer, firstName = 'Test', options: Partial<MtprotoClientOptions> = {}): Promise<TestUser> {
  const client = connectClient(server, options);
  const pushed: TlObject[] = [];
  client.updates.on((u) => pushed.push(u));
  await client.connect();
  const phone = nextPhone();
  const user = await signIn(client, phone, firstName);
  return { client, id: user.id, accessHash: user.accessHash!, phone, pushed, peer: { _: 'inputPeerUser', userId: user.id, accessHash: user.accessHash! } };
}

/** Asserts the promise rejects with this rpc_error. */
export async function rpcError(promise: Promise<unknown>, code: number, text: string): Promise<void> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof RpcError && e.code === code && e.text === text) return;
    throw new Error(`expected ${code} ${text}, got ${e instanceof RpcError ? `${e.code} ${e.text}` : String(e)}`);
  }
  throw new Error(`expected ${code} ${text}, got a result`);
}

/** Waits until `predicate` holds (polling), or fails after `ms`. */
export async function until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let randomCounter = 1n;
export const randomId = (): bigint => randomCounter++ * 7919n + BigInt(Date.now()) * 1000n;
