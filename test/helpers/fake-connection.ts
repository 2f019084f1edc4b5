// A server connection with no socket behind it: the session-layer tests hand packets to SessionManager by
// hand and read what it sent back from `packets`.
import type { ServerConnection } from '../../src/server/listener.ts';

export class FakeConnection implements ServerConnection {
  readonly description = 'tcp/intermediate';
  readonly packets: Uint8Array[] = [];
  closed = false;
  send(payload: Uint8Array): void {
    this.packets.push(payload.slice());
  }
  close(): void {
    this.closed = true;
  }
  sendQuickAck(): void {}
  sendErrorAndClose(): void {}
}
