// The server's front door: one TCP port for every transport. The first bytes tell which
// (src/transport/sniff.ts): plain or obfuscated MTProto framings are served directly; "GET" goes to
// the WebSocket endpoint (/apiws, obfuscated MTProto inside) and "POST" to the HTTP endpoint (/api),
// both on the same port through one HTTP server that never listens by itself.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { TransportError } from '../errors.ts';
import { ByteQueue } from '../transport/byte-queue.ts';
import type { ByteCarrier } from '../transport/carrier.ts';
import { TcpCarrier } from '../transport/carriers/tcp.ts';
import { DEFAULT_MAX_FRAME } from '../transport/codec.ts';
import { createCodec } from '../transport/codecs/index.ts';
import { FramedConnection } from '../transport/framed.ts';
import type { FrameTransport } from '../transport/frame-transport.ts';
import type { MtproxySecret } from '../transport/mtproxy.ts';
import { acceptObfuscatedHeader, OBFUSCATED_HEADER_LENGTH } from '../transport/obfuscated.ts';
import { detectTransport } from '../transport/sniff.ts';
import { HttpExchange } from './http-exchange.ts';

/** A client connection as the server sees it. */
export interface ServerConnection extends FrameTransport {
  sendQuickAck(token: number): void;
  /** Sends a transport error code (-404, -429, -444) the way this transport does, and closes. */
  sendErrorAndClose(code: number): void;
}

export interface ListenerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  maxFrame?: number;
  /** MTProxy secrets accepted in obfuscation headers, besides plain obfuscation (unless secretRequired). */
  secrets?: MtproxySecret[];
  secretRequired?: boolean;
  /** Called with every transport-level problem (bad header, bad frame); the connection is closed. */
  onError?: (error: Error, transport: string) => void;
}

export class TransportListener {
  private readonly server: Server;
  private readonly http = createHttpServer();
  private readonly webSockets: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private readonly maxFrame: number;

  private constructor(
    private readonly options: ListenerOptions,
    private readonly onConnection: (connection: ServerConnection) => void,
  ) {
    this.maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
    // ws buffers a whole message before our codec sees it: bound messages by the frame limit, not ws's 100 MiB.
    this.webSockets = new WebSocketServer({
      noServer: true,
      maxPayload: this.maxFrame + 128,
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
    });
    this.server = createServer((socket) => this.sniffTcp(socket));
    this.http.on('upgrade', (request, socket, head) => this.upgrade(request, socket as Socket, head));
    this.http.on('request', (request, response) => this.httpRequest(request, response));
  }

  static listen(options: ListenerOptions, onConnection: (connection: ServerConnection) => void): Promise<TransportListener> {
    const listener = new TransportListener(options, onConnection);
    return new Promise((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(listener));
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    for (const client of this.webSockets.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private report(error: Error, transport: string): void {
    this.options.onError?.(error, transport);
  }

  private sniffTcp(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Detection needs at most 64 bytes, but the first chunk may already carry frames after them.
    const queue = new ByteQueue(OBFUSCATED_HEADER_LENGTH + this.maxFrame + 16);
    const onData = (chunk: Buffer) => {
      try {
        queue.push(chunk);
      } catch (error) {
        this.report(error as Error, 'tcp');
        socket.destroy();
        return;
      }
      const detected = detectTransport(queue);
      if (!detected) return;
      socket.off('data', onData);
      const received = queue.take(queue.length);
      if (detected.kind === 'websocket' || detected.kind === 'http') {
        // Hand the socket, with the bytes already read, to the HTTP server.
        socket.pause();
        socket.unshift(received);
        this.http.emit('connection', socket);
        process.nextTick(() => socket.resume());
        return;
      }
      this.startFramed(new TcpCarrier(socket), received);
    };
    socket.on('data', onData);
  }

  /** Plain or obfuscated framing over any byte carrier, given the first bytes it delivered. */
  private startFramed(carrier: ByteCarrier, received: Uint8Array): void {
    const queue = new ByteQueue(OBFUSCATED_HEADER_LENGTH * 2 + this.maxFrame);
    let started = false;
    const begin = (bytes: Uint8Array) => {
      try {
        queue.push(bytes);
        const detected = detectTransport(queue);
        if (!detected) return;
        started = true;
        let connection: FramedConnection;
        if (detected.kind === 'plain') {
          if (this.options.secretRequired) throw new TransportError('this server accepts only MTProxy-obfuscated connections');
          queue.skip(detected.tagLength);
          connection = new FramedConnection(carrier, createCodec(detected.codec, { side: 'server', maxFrame: this.maxFrame }), undefined, { maxFrame: this.maxFrame });
        } else if (detected.kind === 'obfuscated') {
          const candidates = [...(this.options.secretRequired ? [] : [undefined]), ...(this.options.secrets ?? [])];
          const accepted = acceptObfuscatedHeader(queue.take(OBFUSCATED_HEADER_LENGTH), candidates);
          connection = new FramedConnection(carrier, createCodec(accepted.codec, { side: 'server', maxFrame: this.maxFrame }), accepted.obfuscation, { maxFrame: this.maxFrame });
        } else {
          throw new TransportError(`unexpected ${detected.kind} request inside a ${carrier.kind} stream`);
        }
        this.onConnection(connection);
        connection.receive(queue.take(queue.length));
      } catch (error) {
        this.report(error as Error, carrier.kind);
        carrier.close();
      }
    };
    carrier.onData = (bytes) => (started ? undefined : begin(bytes));
    carrier.onClose = () => undefined;
    begin(received);
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    if (!request.url?.startsWith('/apiws')) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    this.webSockets.handleUpgrade(request, socket, head, (ws) => this.startFramed(new WebSocketServerCarrier(ws), new Uint8Array(0)));
  }

  private httpRequest(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'POST' || !request.url?.startsWith('/api')) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxFrame) {
        this.report(new TransportError(`HTTP body over the limit of ${this.maxFrame} bytes`), 'http');
        response.writeHead(413).end();
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      if (response.headersSent) return;
      const exchange = new HttpExchange(response);
      this.onConnection(exchange);
      exchange.deliver(new Uint8Array(Buffer.concat(chunks)));
    });
  }
}

/** The server end of a WebSocket as a byte carrier. */
class WebSocketServerCarrier implements ByteCarrier {
  readonly kind = 'websocket';
  onData?: (bytes: Uint8Array) => void;
  onClose?: (error?: Error) => void;
  private closed = false;

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return this.finish(new TransportError('WebSocket: text message from the client'));
      this.onData?.(new Uint8Array(data.buffer, data.byteOffset, data.length));
    });
    ws.on('close', () => this.finish());
    ws.on('error', (error) => this.finish(new TransportError(`WebSocket: ${error.message}`)));
  }

  send(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  close(): void {
    this.ws.close(1000);
    this.finish();
  }

  private finish(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(error);
  }
}
