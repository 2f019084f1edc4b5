// TCP through node:net (which Deno and Bun provide as well). node:net is imported only when a TCP
// connection is opened, so the package root loads in browsers (and bundles with node:* left external).
import type { Socket } from 'node:net';
import { TransportError } from '../../errors.ts';
import type { ByteCarrier } from '../carrier.ts';

export class TcpCarrier implements ByteCarrier {
  readonly kind = 'tcp';
  onData?: (bytes: Uint8Array) => void;
  onClose?: (error?: Error) => void;
  private closed = false;

  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Uint8Array) => this.onData?.(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.on('error', (error) => this.finish(new TransportError(`TCP: ${error.message}`)));
    socket.on('close', () => this.finish());
  }

  static async open(host: string, port: number, timeoutMs = 10_000): Promise<TcpCarrier> {
    let connect: typeof import('node:net').connect;
    try {
      ({ connect } = await import('node:net'));
    } catch {
      throw new TransportError('TCP: this runtime has no node:net (use carrier: \'websocket\' or \'http\')');
    }
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(`TCP: connecting to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new TcpCarrier(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new TransportError(`TCP: cannot connect to ${host}:${port}: ${error.message}`));
      });
    });
  }

  send(bytes: Uint8Array): void {
    if (this.closed) throw new TransportError('TCP: send on a closed connection');
    this.socket.write(bytes);
  }

  close(): void {
    if (this.closed) return;
    // A graceful close: what was written (e.g. a transport error code) is flushed before the FIN;
    // destroying the socket here would drop it.
    this.closed = true;
    this.socket.end();
    this.socket.destroySoon?.();
    this.onClose?.();
  }

  private finish(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose?.(error);
  }
}
