// Full: no tag; each frame is length (4, LE, counting itself, the seq_no and the CRC), seq_no (4, LE,
// numbering this direction's frames from 0), payload, and the CRC32 of everything before it. The
// receiver checks both. Full has no quick acks.
import { crc32 } from '../../../bindings/crc32.ts';
import { TransportError } from '../../errors.ts';
import type { ByteQueue } from '../byte-queue.ts';
import { classifyPayload, DEFAULT_MAX_FRAME, int32le, type CodecOptions, type FrameCodec, type Incoming } from '../codec.ts';

export class FullCodec implements FrameCodec {
  readonly name = 'full';
  readonly tag = new Uint8Array(0);
  private readonly maxFrame: number;
  private sendSeq = 0;
  private receiveSeq = 0;

  constructor(options: CodecOptions) {
    this.maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
  }

  encode(payload: Uint8Array, options?: { quickAck?: boolean }): Uint8Array {
    if (options?.quickAck) throw new TransportError('the full transport has no quick acknowledgements');
    const length = payload.length + 12;
    const out = new Uint8Array(length);
    out.set(int32le(length));
    out.set(int32le(this.sendSeq++), 4);
    out.set(payload, 8);
    out.set(int32le(crc32(out.subarray(0, length - 4))), length - 4);
    return out;
  }

  encodeQuickAck(): Uint8Array {
    throw new TransportError('the full transport has no quick acknowledgements');
  }

  encodeError(code: number): Uint8Array {
    return this.encode(int32le(code));
  }

  decode(queue: ByteQueue): Incoming | null {
    if (queue.length < 4) return null;
    const length = queue.uint32(0);
    if (length < 12 || length % 4 !== 0) throw new TransportError(`full frame declares a length of ${length} bytes (must be ≥ 12 and a multiple of 4)`);
    if (length - 12 > this.maxFrame) throw new TransportError(`full frame declares ${length - 12} bytes, more than the limit of ${this.maxFrame}`);
    if (queue.length < length) return null;
    const seq = queue.uint32(4);
    if (seq !== this.receiveSeq) throw new TransportError(`full frame has seq_no ${seq}, expected ${this.receiveSeq}`);
    const expected = crc32(queue.peek(length - 4));
    const actual = queue.uint32(length - 4);
    if (expected !== actual) throw new TransportError(`full frame CRC32 mismatch: got ${hex(actual)}, computed ${hex(expected)}`);
    this.receiveSeq++;
    queue.skip(8);
    const payload = queue.take(length - 12);
    queue.skip(4);
    return classifyPayload(payload);
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');
