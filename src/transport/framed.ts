// A FrameTransport over a byte carrier: the codec's tag or the obfuscation header first, then
// frames; incoming bytes are de-obfuscated, queued (bounded) and cut into frames.
import { TransportError } from '../errors.ts';
import { ByteQueue } from './byte-queue.ts';
import type { ByteCarrier } from './carrier.ts';
import { DEFAULT_MAX_FRAME, type FrameCodec } from './codec.ts';
import type { FrameTransport } from './frame-transport.ts';
import type { Obfuscation } from './obfuscated.ts';

export class FramedConnection implements FrameTransport {
  onFrame?: FrameTransport['onFrame'];
  onClose?: FrameTransport['onClose'];
  readonly description: string;
  private readonly queue: ByteQueue;
  private closed = false;

  constructor(
    private readonly carrier: ByteCarrier,
    private readonly codec: FrameCodec,
    private readonly obfuscation: Obfuscation | undefined,
    options: { maxFrame?: number } = {},
  ) {
    this.description = `${carrier.kind}/${obfuscation ? 'obfuscated/' : ''}${codec.name}`;
    // Room for one maximal frame and its header: a peer cannot make us buffer more than that.
    this.queue = new ByteQueue((options.maxFrame ?? DEFAULT_MAX_FRAME) + 16);
    carrier.onData = (bytes) => this.receive(bytes);
    carrier.onClose = (error) => this.finish(error);
  }

  /** Feeds bytes that arrived before this object existed (e.g. read while sniffing the transport). */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    try {
      this.queue.push(this.obfuscation ? this.obfuscation.decrypt(bytes) : bytes);
      for (let frame; !this.closed && (frame = this.codec.decode(this.queue)); ) {
        if (frame.type === 'error') {
          this.fail(new TransportError(`transport error ${frame.code} from the peer`, frame.code));
        } else {
          this.onFrame?.(frame);
        }
      }
    } catch (error) {
      this.fail(error instanceof TransportError ? error : new TransportError(`receiving: ${(error as Error).message}`));
    }
  }

  /** Sends raw bytes before any frame (the tag or the obfuscation header). */
  sendPreamble(bytes: Uint8Array): void {
    if (bytes.length) this.carrier.send(bytes);
  }

  send(payload: Uint8Array, options?: { quickAck?: boolean }): void {
    if (this.closed) throw new TransportError(`${this.description}: send on a closed connection`);
    this.write(this.codec.encode(payload, options));
  }

  /** Server side: a quick acknowledgement for a client that asked for one. */
  sendQuickAck(token: number): void {
    this.write(this.codec.encodeQuickAck(token));
  }

  /** Server side: sends a transport error code (-404, -429, -444) and closes. */
  sendErrorAndClose(code: number): void {
    if (!this.closed) this.write(this.codec.encodeError(code));
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.carrier.close();
    this.finish();
  }

  private write(frame: Uint8Array): void {
    this.carrier.send(this.obfuscation ? this.obfuscation.encrypt(frame) : frame);
  }

  private fail(error: TransportError): void {
    this.finish(error); // first: the carrier's own close event must not report a normal close
    this.carrier.close();
  }

  private finish(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(error);
  }
}
