// An MTProto server in one object: the transport listener (every transport on one port), the auth key
// exchange (handshake service), and the session layer with its methods.
//
//   const server = await MtprotoServer.listen({ port: 0, privateKey });
//   … clients connect to server.host:server.port, pinning server.publicKey …
//   server.push({ _: 'updatesTooLong' });        // an update to every session
//   await server.close();
//
// The API methods are the cloud's (src/server/cloud: sign-in, users, private chats, updates) plus
// help.getConfig/getNearestDc and `methods`; its state is in memory, or in `dataDir` (which then also
// keeps the server's permanent auth keys, so signed-in clients survive a restart).
import { join } from 'node:path';
import type { RsaPrivateKey, RsaPublicKey } from '../crypto/rsa.ts';
import { AuthKeyServer, type CreatedAuthKey } from '../session/exchange/server.ts';
import type { TlObject } from '../tl/generated/types.ts';
import type { MtproxySecret } from '../transport/mtproxy.ts';
import { Cloud } from './cloud/cloud.ts';
import { DiskCloudStore } from './cloud/disk-store.ts';
import { FileService } from './cloud/files.ts';
import { DiskFileStore } from './cloud/files-store-disk.ts';
import { SecretRelay } from './cloud/secret.ts';
import { MemoryCloudStore } from './cloud/memory-store.ts';
import type { CloudStore } from './cloud/store.ts';
import { handshakeService } from './handshake-service.ts';
import { TransportListener } from './listener.ts';
import { defaultMethods, type MethodHandler } from './methods.ts';
import { SessionManager, type ServerSession, type SessionHooks } from './sessions.ts';

export interface MtprotoServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  privateKey: RsaPrivateKey;
  dcId?: number;
  /** Extra API methods (or replacements), by name. */
  methods?: Record<string, MethodHandler>;
  secrets?: MtproxySecret[];
  /** Server clock in ms (default Date.now); tests skew it. */
  now?: () => number;
  hooks?: SessionHooks;
  /** A request received again whose answer is at least this long gets msg_detailed_info instead (default 1024). */
  detailedInfoMin?: number;
  /** Per-peer limits (defaults 10 000 sessions, 64 per auth key, 4 MiB unacked per session, 10 000 queued): see SessionManager. */
  maxSessions?: number;
  maxSessionsPerKey?: number;
  maxUnackedBytes?: number;
  maxOutbox?: number;
  onAuthKey?(key: CreatedAuthKey): void;
  /** Every rejected packet or connection, with the reason. */
  onError?(error: Error): void;
  /** The cloud's data directory (users, messages, updates, auth keys survive a restart); default: in memory. */
  dataDir?: string;
  /** Or a store of your own (wins over dataDir). */
  store?: CloudStore;
  /** Most pts events per updates.getDifference answer (default 100). */
  differenceLimit?: number;
}

export class MtprotoServer {
  private constructor(
    readonly listener: TransportListener,
    readonly sessions: SessionManager,
    readonly authKeys: AuthKeyServer,
    readonly publicKey: RsaPublicKey,
    readonly cloud: Cloud,
    readonly files: FileService,
    readonly secretChats: SecretRelay,
  ) {}

  static async listen(options: MtprotoServerOptions): Promise<MtprotoServer> {
    const now = options.now ?? Date.now;
    const store = options.store ?? (options.dataDir !== undefined ? new DiskCloudStore(options.dataDir) : new MemoryCloudStore());
    const persistKeys = options.store !== undefined || options.dataDir !== undefined;
    let sessions!: SessionManager;
    const cloud = new Cloud({
      store, dcId: options.dcId ?? 2, now, differenceLimit: options.differenceLimit,
      deliver: (userId, update, except) => {
        const keys = store.keysOfUser(userId);
        if (keys.length === 0) return;
        sessions.push(update, (s) => keys.includes(s.authKeyId) && !(except && s.authKeyId === except.authKeyId && s.sessionId === except.sessionId));
      },
    });
    const methods = defaultMethods();
    for (const [name, handler] of cloud.methods()) methods.set(name, handler);
    // Files belong to the signed-in user (401 AUTH_KEY_UNREGISTERED before sign-in); on disk under dataDir/files.
    const files = new FileService({
      store: options.dataDir !== undefined ? await DiskFileStore.open(join(options.dataDir, 'files')) : undefined,
      dcId: options.dcId ?? 2,
      ownerOf: (ctx) => String(cloud.userOf(ctx)),
    });
    for (const [name, handler] of files.methods(cloud)) methods.set(name, handler);
    // Secret chats: the server relays g_a/g_b and ciphertext only (encrypted files through the file service).
    const secretChats = new SecretRelay(cloud, { files, fileOwner: (ctx) => String(cloud.userOf(ctx)) });
    for (const [name, handler] of Object.entries(secretChats.methods())) methods.set(name, handler);
    for (const [name, handler] of Object.entries(options.methods ?? {})) methods.set(name, handler);
    // The address in help.getConfig is known once the listener is bound: the manager reads it then.
    const address = { host: options.host ?? '127.0.0.1', port: options.port };
    const authKeys = new AuthKeyServer({
      privateKey: options.privateKey,
      now,
      onAuthKey: (key) => {
        sessions.addKey(key);
        if (persistKeys && !key.temp) store.saveAuthKey({ id: Buffer.from(key.authKeyId).toString('hex'), authKey: key.authKey, serverSalt: key.serverSalt });
        options.onAuthKey?.(key);
      },
      isAuthKeyIdTaken: (id) => sessions.hasKey(id),
    });
    const onError = options.onError;
    const listener = await TransportListener.listen(
      { host: address.host, port: options.port, secrets: options.secrets, onError: onError && ((e) => onError(e)) },
      handshakeService({ authKeys, onEncrypted: (payload, connection) => sessions.handle(payload, connection), onError: onError && ((e) => onError(e)) }),
    );
    sessions = new SessionManager({ host: listener.host, port: listener.port, dcId: options.dcId ?? 2, methods, now, hooks: options.hooks,
      detailedInfoMin: options.detailedInfoMin,
      maxSessions: options.maxSessions,
      maxSessionsPerKey: options.maxSessionsPerKey,
      maxUnackedBytes: options.maxUnackedBytes,
      maxOutbox: options.maxOutbox,
    });
    // Keys made before a restart (disk store): clients that kept theirs carry on.
    for (const k of store.authKeys()) {
      sessions.addKey({ authKey: k.authKey, authKeyId: Buffer.from(k.id, 'hex'), serverSalt: k.serverSalt, temp: false, innerData: 'p_q_inner_data_dc', rsaScheme: 'rsa_pad' });
    }
    const { n, e, fingerprint } = options.privateKey;
    return new MtprotoServer(listener, sessions, authKeys, { n, e, fingerprint }, cloud, files, secretChats);
  }

  get host(): string {
    return this.listener.host;
  }

  get port(): number {
    return this.listener.port;
  }

  /** Sends an update to every session, or to those `filter` picks; returns how many. */
  push(update: TlObject, filter?: (session: ServerSession) => boolean): number {
    return this.sessions.push(update, filter);
  }

  /** A new salt now; every salt handed out so far is refused from here on (clients get bad_server_salt). */
  rotateSalt(): void {
    this.sessions.salts.rotate();
  }

  /** Closes every client connection (the sessions stay). */
  dropConnections(): void {
    this.sessions.dropConnections();
  }

  async close(): Promise<void> {
    await this.listener.close();
    this.sessions.close();
    this.cloud.store.close();
    await this.files.close();
  }
}
