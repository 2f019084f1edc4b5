// Opening a client connection: carrier × framing × obfuscation, as one options object.
import { TransportError } from '../errors.ts';
import { HttpTransport } from './carriers/http.ts';
import { TcpCarrier } from './carriers/tcp.ts';
import { WebSocketCarrier } from './carriers/websocket.ts';
import type { ByteCarrier } from './carrier.ts';
import { createCodec, type CodecName } from './codecs/index.ts';
import { FramedConnection } from './framed.ts';
import type { FrameTransport } from './frame-transport.ts';
import type { MtproxySecret } from './mtproxy.ts';
import { createObfuscatedHeader } from './obfuscated.ts';

export interface ConnectOptions {
  host: string;
  port: number;
  carrier?: 'tcp' | 'websocket' | 'http';
  codec?: CodecName;
  /** Obfuscate the byte stream (obfuscated2). Required for WebSocket; implied by an MTProxy secret. */
  obfuscated?: boolean;
  secret?: MtproxySecret;
  /** The DC id written into the obfuscation header (MTProxy routes by it). */
  dcId?: number;
  /** WebSocket path (default /apiws) and HTTP path (default /api). */
  path?: string;
  maxFrame?: number;
}

export async function connectTransport(options: ConnectOptions): Promise<FrameTransport> {
  const carrierKind = options.carrier ?? 'tcp';
  if (carrierKind === 'http') {
    return new HttpTransport(`http://${hostPart(options.host)}:${options.port}${options.path ?? '/api'}`, { maxFrame: options.maxFrame });
  }
  const codecName = options.codec ?? (options.secret?.paddedOnly ? 'padded' : 'intermediate');
  const obfuscated = options.obfuscated ?? (carrierKind === 'websocket' || options.secret !== undefined);
  if (carrierKind === 'websocket' && !obfuscated) throw new TransportError('WebSocket connections must be obfuscated');
  if (obfuscated && codecName === 'full') throw new TransportError('the full transport cannot be obfuscated (it has no tag)');
  if (options.secret && !obfuscated) throw new TransportError('an MTProxy secret requires obfuscation');

  const carrier: ByteCarrier =
    carrierKind === 'websocket'
      ? await WebSocketCarrier.open(`ws://${hostPart(options.host)}:${options.port}${options.path ?? '/apiws'}`)
      : await TcpCarrier.open(options.host, options.port);
  const codec = createCodec(codecName, { side: 'client', maxFrame: options.maxFrame });
  if (obfuscated) {
    const { header, obfuscation } = createObfuscatedHeader(codecName as Exclude<CodecName, 'full'>, { secret: options.secret, dcId: options.dcId });
    const connection = new FramedConnection(carrier, codec, obfuscation, options);
    connection.sendPreamble(header);
    return connection;
  }
  const connection = new FramedConnection(carrier, codec, undefined, options);
  connection.sendPreamble(codec.tag);
  return connection;
}

const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);
