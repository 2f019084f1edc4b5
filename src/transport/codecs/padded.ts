// Padded intermediate: tag dd dd dd dd; like intermediate, plus 0–15 random bytes after each payload
// (so the receiver must cope with bytes beyond the MTProto message). Quick acks travel as a normal
// frame: ff ff ff ff + token (+ random). Frames shorter than 8 bytes carry a transport error code.
import type { Incoming } from '../codec.ts';
import { int32le } from '../codec.ts';
import { IntermediateCodec } from './intermediate.ts';

export class PaddedCodec extends IntermediateCodec {
  override readonly name = 'padded';
  override readonly tag = Uint8Array.of(0xdd, 0xdd, 0xdd, 0xdd);

  protected override padding(): number {
    return crypto.getRandomValues(new Uint8Array(1))[0] & 15;
  }

  /** A frame of 8–16 bytes: ff ff ff ff, the token, then 0–8 random bytes. */
  override encodeQuickAck(token: number): Uint8Array {
    const random = crypto.getRandomValues(new Uint8Array(9));
    const length = 8 + (random[0] % 9);
    const out = new Uint8Array(4 + length);
    out.set(int32le(length));
    out.set([0xff, 0xff, 0xff, 0xff], 4);
    out.set(int32le(token | 0x80000000), 8);
    out.set(random.subarray(1, length - 7), 12);
    return out;
  }

  protected override classify(frame: Uint8Array, quickAck: boolean): Incoming {
    if (frame.length >= 4 && frame.length < 8) {
      return { type: 'error', code: frame[0] | (frame[1] << 8) | (frame[2] << 16) | (frame[3] << 24) };
    }
    if (this.options.side === 'client' && frame.length <= 16 && frame[0] === 0xff && frame[1] === 0xff && frame[2] === 0xff && frame[3] === 0xff) {
      return { type: 'quickAck', token: (frame[4] | (frame[5] << 8) | (frame[6] << 16) | (frame[7] << 24)) >>> 0 };
    }
    return quickAck ? { type: 'packet', payload: frame, quickAck } : { type: 'packet', payload: frame };
  }
}
