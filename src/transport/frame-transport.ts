// What the session layer sees of a connection: whole payloads in, whole payloads out.
import type { Incoming } from './codec.ts';

export interface FrameTransport {
  /** How the connection is carried and framed, e.g. "tcp/obfuscated/padded" or "http". */
  readonly description: string;
  send(payload: Uint8Array, options?: { quickAck?: boolean }): void;
  close(): void;
  /** Packets and quick acks; transport error codes arrive as onClose(TransportError with .code). */
  onFrame?: (frame: Exclude<Incoming, { type: 'error' }>) => void;
  /** Called once when the connection ends; `error` says why if it was not a normal close. */
  onClose?: (error?: Error) => void;
  /** HTTP: a request was answered without data (http_wait ran out, or the server dropped it). */
  onEmpty?: () => void;
}
