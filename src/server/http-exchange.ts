// One HTTP request/response as a server-side FrameTransport: the body is the one incoming packet; the
// first send() is the response. Transport errors become HTTP status codes (-404 → 404), as Telegram does.
import type { ServerResponse } from 'node:http';
import { TransportError } from '../errors.ts';
import type { ServerConnection } from './listener.ts';

export class HttpExchange implements ServerConnection {
  readonly description = 'http';
  onFrame?: ServerConnection['onFrame'];
  onClose?: ServerConnection['onClose'];
  private done = false;

  constructor(private readonly response: ServerResponse) {
    response.on('close', () => this.finish());
  }

  deliver(body: Uint8Array): void {
    this.onFrame?.({ type: 'packet', payload: body });
  }

  send(payload: Uint8Array): void {
    // The response is gone: the caller must keep the message for the client's next request.
    if (this.done) throw new TransportError('HTTP: this request was already answered');
    this.response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': payload.length, connection: 'keep-alive' });
    this.response.end(payload);
    this.finish();
  }

  sendQuickAck(): void {
    // HTTP has no quick acknowledgements.
  }

  sendErrorAndClose(code: number): void {
    if (!this.done) this.response.writeHead(Math.abs(code)).end();
    this.finish();
  }

  close(): void {
    if (!this.done) this.response.writeHead(204).end();
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.onClose?.();
  }
}
