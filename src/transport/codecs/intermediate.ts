// Intermediate: tag ee ee ee ee; each frame is a 4-byte LE length and the payload. The client asks for
// a quick ack with the length's top bit; the server's quick ack is the bare 4-byte token (top bit set).
import { TransportError } from '../../errors.ts';
import type { ByteQueue } from '../byte-queue.ts';
import { classifyPayload, DEFAULT_MAX_FRAME, int32le, type CodecOptions, type FrameCodec, type Incoming } from '../codec.ts';

export class IntermediateCodec implements FrameCodec {
  readonly name: 'intermediate' | 'padded' = 'intermediate';
  readonly tag: Uint8Array = Uint8Array.of(0xee, 0xee, 0xee, 0xee);
  protected readonly maxFrame: number;

  constructor(protected readonly options: CodecOptions) {
    this.maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
  }

  /** Random bytes appended after the payload (none here; padded intermediate adds 0–15). */
  protected padding(): number {
    return 0;
  }

  encode(payload: Uint8Array, options?: { quickAck?: boolean }): Uint8Array {
    const padding = this.padding();
    const length = payload.length + padding;
    if (length >= 0x80000000) throw new TransportError(`payload of ${payload.length} bytes is too long`);
    const out = new Uint8Array(4 + length);
    out.set(int32le(length | (options?.quickAck ? 0x80000000 : 0)));
    out.set(payload, 4);
    if (padding) crypto.getRandomValues(out.subarray(4 + payload.length));
    return out;
  }

  encodeQuickAck(token: number): Uint8Array {
    return int32le(token | 0x80000000);
  }

  encodeError(code: number): Uint8Array {
    const out = new Uint8Array(8);
    out.set(int32le(4));
    out.set(int32le(code), 4);
    return out;
  }

  decode(queue: ByteQueue): Incoming | null {
    if (queue.length < 4) return null;
    const word = queue.uint32(0);
    if (this.options.side === 'client' && word & 0x80000000) {
      queue.skip(4);
      return { type: 'quickAck', token: word };
    }
    const quickAck = this.options.side === 'server' && (word & 0x80000000) !== 0;
    const length = word & 0x7fffffff;
    if (length > this.maxFrame) throw new TransportError(`${this.name} frame declares ${length} bytes, more than the limit of ${this.maxFrame}`);
    if (queue.length < 4 + length) return null;
    queue.skip(4);
    return this.classify(queue.take(length), quickAck);
  }

  protected classify(frame: Uint8Array, quickAck: boolean): Incoming {
    return classifyPayload(frame, quickAck);
  }
}
