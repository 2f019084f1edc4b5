// Abridged: tag 0xef; each frame starts with length/4 as one byte (< 0x7f) or 0x7f + 3 bytes LE.
// The client asks for a quick ack by setting the top bit of that first byte (0xff for the long form);
// the server's quick ack is the 4-byte token, big-endian, whose top bit tells it apart from a length.
import { TransportError } from '../../errors.ts';
import type { ByteQueue } from '../byte-queue.ts';
import { classifyPayload, DEFAULT_MAX_FRAME, int32le, type CodecOptions, type FrameCodec, type Incoming } from '../codec.ts';

export class AbridgedCodec implements FrameCodec {
  readonly name = 'abridged';
  readonly tag = Uint8Array.of(0xef);
  private readonly maxFrame: number;

  constructor(private readonly options: CodecOptions) {
    this.maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
  }

  encode(payload: Uint8Array, options?: { quickAck?: boolean }): Uint8Array {
    if (payload.length % 4 !== 0) throw new TransportError(`abridged payload must be a multiple of 4 bytes, got ${payload.length}`);
    const words = payload.length / 4;
    if (words >= 1 << 24) throw new TransportError(`abridged payload of ${payload.length} bytes is too long`);
    const ack = options?.quickAck ? 0x80 : 0;
    const short = words < 0x7f;
    const out = new Uint8Array((short ? 1 : 4) + payload.length);
    if (short) out[0] = words | ack;
    else out.set([0x7f | ack, words & 0xff, (words >> 8) & 0xff, words >> 16]);
    out.set(payload, short ? 1 : 4);
    return out;
  }

  encodeQuickAck(token: number): Uint8Array {
    return Uint8Array.of(token >>> 24, (token >>> 16) & 0xff, (token >>> 8) & 0xff, token & 0xff);
  }

  encodeError(code: number): Uint8Array {
    return this.encode(int32le(code));
  }

  decode(queue: ByteQueue): Incoming | null {
    if (queue.length < 1) return null;
    const first = queue.at(0);
    if (this.options.side === 'client' && first & 0x80) {
      if (queue.length < 4) return null;
      const b = queue.take(4);
      return { type: 'quickAck', token: ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 };
    }
    const quickAck = this.options.side === 'server' && (first & 0x80) !== 0;
    let words = first & 0x7f;
    let header = 1;
    if (words === 0x7f) {
      if (queue.length < 4) return null;
      words = queue.at(1) | (queue.at(2) << 8) | (queue.at(3) << 16);
      header = 4;
    }
    const length = words * 4;
    if (length > this.maxFrame) throw new TransportError(`abridged frame declares ${length} bytes, more than the limit of ${this.maxFrame}`);
    if (queue.length < header + length) return null;
    queue.skip(header);
    return classifyPayload(queue.take(length), quickAck);
  }
}
