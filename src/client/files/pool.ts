// A pool of MtprotoClient connections to one DC sharing one auth key (one Storage entry), each its own
// session: file parts go out over all of them at once, as Telegram's apps do.
//
//   const pool = await TransferPool.connect({ host, port, publicKeys, storage }, 4);
//   await uploadFile(pool, '/path/to/file', { onProgress });
//
// The first client connects alone (it creates the auth key if storage has none, and stores it); the
// others then load that key. Transfer clients never gzip requests (file parts are incompressible and
// gzip costs ~17 ms per 512 KiB).
import { CallError, RpcError, TransportError } from '../../errors.ts';
import type { ResultOf, TlRequest } from '../../tl/generated/types.ts';
import { MtprotoClient, type InvokeOptions, type MtprotoClientOptions } from '../client.ts';
import { MemoryStorage } from '../storage/memory.ts';

export interface RetryOptions {
  signal?: AbortSignal;
  /** Tries in all (default 5). */
  attempts?: number;
  timeoutMs?: number;
}

export class TransferPool {
  private next = 0;

  constructor(readonly clients: readonly MtprotoClient[], private readonly owned = false) {
    if (clients.length === 0) throw new RangeError('clients must not be empty');
  }

  /** Opens `connections` clients (default 4) to the server `options` names, sharing one auth key. */
  static async connect(options: MtprotoClientOptions, connections = 4): Promise<TransferPool> {
    if (!Number.isInteger(connections) || connections < 1 || connections > 64) throw new RangeError('connections must be an integer in 1..64');
    const shared: MtprotoClientOptions = { gzipMin: Number.POSITIVE_INFINITY, ...options, storage: options.storage ?? new MemoryStorage() };
    const first = new MtprotoClient(shared);
    const clients = [first];
    try {
      await first.connect();
      for (let i = 1; i < connections; i++) clients.push(new MtprotoClient(shared));
      await Promise.all(clients.slice(1).map((c) => c.connect()));
    } catch (error) {
      await Promise.allSettled(clients.map((c) => c.close()));
      throw error;
    }
    return new TransferPool(clients, true);
  }

  get size(): number {
    return this.clients.length;
  }

  /** The connected client with the fewest calls pending (round robin among equals). */
  pick(): MtprotoClient {
    let best: MtprotoClient | undefined;
    const n = this.clients.length;
    for (let i = 0; i < n; i++) {
      const c = this.clients[(this.next + i) % n];
      if (!best || (c.connected && !best.connected) || (c.connected === best.connected && c.pendingCalls < best.pendingCalls)) best = c;
    }
    this.next = (this.next + 1) % n;
    return best!;
  }

  invoke<R extends TlRequest>(request: R, options?: InvokeOptions): Promise<ResultOf<R>> {
    return this.pick().invoke(request, options);
  }

  /**
   * invoke, tried again (on another connection) when the call timed out or its connection gave up, and
   * after FLOOD_WAIT_X / 5xx answers; other RPC errors are final.
   */
  invokeRetrying<R extends TlRequest>(request: R, options: RetryOptions = {}): Promise<ResultOf<R>> {
    return this.retrying(request, options) as Promise<ResultOf<R>>;
  }

  private async retrying(request: TlRequest, options: RetryOptions): Promise<unknown> {
    const attempts = options.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      try {
        // Typed loosely here: ResultOf of the whole TlRequest union is too deep for the checker.
        const client = this.pick() as unknown as { invoke(r: TlRequest, o: InvokeOptions): Promise<unknown> };
        return await client.invoke(request, { signal: options.signal, timeoutMs: options.timeoutMs });
      } catch (error) {
        if (attempt >= attempts || options.signal?.aborted) throw error;
        let wait = 0;
        if (error instanceof RpcError) {
          if (error.seconds !== undefined && error.kind === 'FLOOD_WAIT_X') wait = error.seconds * 1000;
          else if (error.code < 500) throw error;
          else wait = 100 * attempt;
        } else if (error instanceof CallError) {
          if (error.reason !== 'timeout' && error.reason !== 'resend_limit') throw error;
        } else if (!(error instanceof TransportError)) throw error;
        if (wait > 0) await sleep(wait, options.signal);
      }
    }
  }

  /** Closes the clients this pool opened (a pool made of given clients leaves them open). */
  async close(): Promise<void> {
    if (this.owned) await Promise.allSettled(this.clients.map((c) => c.close()));
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
