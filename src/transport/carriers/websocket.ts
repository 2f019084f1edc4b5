// WebSocket as Telegram's web clients use it: path /apiws, subprotocol "binary", an obfuscated byte
// stream inside binary messages (message boundaries mean nothing). The global WebSocket where the
// runtime has one (Deno, Bun, browsers); the `ws` package on Node 20, which has none unflagged.
import { TransportError } from '../../errors.ts';
import type { ByteCarrier } from '../carrier.ts';

interface WebSocketLike {
  binaryType: string;
  readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}

type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

async function webSocketClass(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const ws = (await import('ws')) as unknown as { default: WebSocketConstructor };
  return ws.default;
}

export class WebSocketCarrier implements ByteCarrier {
  readonly kind = 'websocket';
  onData?: (bytes: Uint8Array) => void;
  onClose?: (error?: Error) => void;
  private closed = false;

  private constructor(private readonly socket: WebSocketLike) {
    socket.onmessage = (event) => {
      const data = event.data;
      if (data instanceof ArrayBuffer) this.onData?.(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) this.onData?.(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else this.finish(new TransportError('WebSocket: received a text message; only binary is allowed'));
    };
    socket.onerror = () => this.finish(new TransportError('WebSocket: connection error'));
    socket.onclose = (event) =>
      this.finish(event.code === 1000 ? undefined : new TransportError(`WebSocket closed with code ${event.code} ${event.reason}`.trim()));
  }

  static async open(url: string, timeoutMs = 10_000): Promise<WebSocketCarrier> {
    const WebSocketImpl = await webSocketClass();
    return new Promise((resolve, reject) => {
      const socket = new WebSocketImpl(url, ['binary']);
      socket.binaryType = 'arraybuffer';
      const timer = setTimeout(() => {
        socket.close();
        reject(new TransportError(`WebSocket: connecting to ${url} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(new WebSocketCarrier(socket));
      };
      socket.onerror = () => {
        clearTimeout(timer);
        reject(new TransportError(`WebSocket: cannot connect to ${url}`));
      };
    });
  }

  send(bytes: Uint8Array): void {
    if (this.closed) throw new TransportError('WebSocket: send on a closed connection');
    this.socket.send(bytes);
  }

  close(): void {
    if (!this.closed) this.socket.close(1000);
    this.finish();
  }

  private finish(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(error);
  }
}
