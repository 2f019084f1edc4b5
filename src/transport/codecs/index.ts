// The four framings, by name.
import type { CodecOptions, FrameCodec } from '../codec.ts';
import { AbridgedCodec } from './abridged.ts';
import { FullCodec } from './full.ts';
import { IntermediateCodec } from './intermediate.ts';
import { PaddedCodec } from './padded.ts';

export type CodecName = FrameCodec['name'];

export function createCodec(name: CodecName, options: CodecOptions): FrameCodec {
  switch (name) {
    case 'abridged': return new AbridgedCodec(options);
    case 'intermediate': return new IntermediateCodec(options);
    case 'padded': return new PaddedCodec(options);
    case 'full': return new FullCodec(options);
  }
}

export { AbridgedCodec, FullCodec, IntermediateCodec, PaddedCodec };
