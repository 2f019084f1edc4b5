// TL codec: serialize and deserialize messages.sendMessage (short text) and a messages.messages with
// 20 messages and their users — ours against mtcute (TlBinaryWriter/TlBinaryReader, layer 227) and
// GramJS (getBytes()/BinaryReader, layer 198), each with its own schema's bytes of the same object.
import { createRequire } from 'node:module';
import { TlBinaryReader, TlBinaryWriter, __tlReaderMap, __tlWriterMap } from '@mtcute/core/utils.js';
import type { BenchCase } from '../harness.ts';
import { deserialize, serialize } from '../../src/tl/codec.ts';
import { messagesSample, sendMessageSample, toGram, toMtcute } from '../tl-samples.ts';

const require = createRequire(import.meta.url);
const { BinaryReader } = require('telegram/extensions') as {
  BinaryReader: new (data: Buffer) => { tgReadObject(): unknown };
};

type MtcuteObj = Parameters<typeof TlBinaryWriter.serializeObject>[1];

/** mtcute ships readers for objects only (a client never reads a method), so it sits out deserializing one. */
function pair(name: string, ours: ReturnType<typeof sendMessageSample>, mtcuteReads: boolean): BenchCase[] {
  const theirs = toMtcute(ours) as MtcuteObj;
  const gram = toGram(ours) as { getBytes(): Buffer };
  const ourBytes = serialize(ours);
  const mtBytes = TlBinaryWriter.serializeObject(__tlWriterMap, theirs);
  const gramBytes = gram.getBytes();
  return [
    {
      group: 'tl',
      name: `serialize ${name}`,
      bytes: ourBytes.length,
      impls: [
        { label: 'ours (TS)', run: () => serialize(ours) },
        { label: 'mtcute 0.30.3', run: () => TlBinaryWriter.serializeObject(__tlWriterMap, theirs) },
        { label: 'GramJS 2.26', run: () => gram.getBytes() },
      ],
    },
    {
      group: 'tl',
      name: `deserialize ${name}`,
      bytes: ourBytes.length,
      impls: [
        { label: 'ours (TS)', run: () => deserialize(ourBytes) },
        ...(mtcuteReads ? [{ label: 'mtcute 0.30.3', run: () => TlBinaryReader.deserializeObject(__tlReaderMap, mtBytes) }] : []),
        { label: 'GramJS 2.26', run: () => new BinaryReader(gramBytes).tgReadObject() },
      ],
    },
  ];
}

export function cases(): BenchCase[] {
  return [...pair('messages.sendMessage', sendMessageSample(), false), ...pair('messages.messages (20 msgs)', messagesSample(), true)];
}
