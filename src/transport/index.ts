// mtproto-wasm/transport: framings, obfuscation and carriers (TCP through node:net, WebSocket, HTTP).
export { connectTransport, type ConnectOptions } from './connect.ts';
export type { FrameTransport } from './frame-transport.ts';
export { createCodec, AbridgedCodec, IntermediateCodec, PaddedCodec, FullCodec, type CodecName } from './codecs/index.ts';
export type { FrameCodec, Incoming, Side } from './codec.ts';
export { ByteQueue } from './byte-queue.ts';
export { createObfuscatedHeader, acceptObfuscatedHeader, type Obfuscation } from './obfuscated.ts';
export { parseMtproxySecret, formatMtproxySecret, type MtproxySecret } from './mtproxy.ts';
export { TELEGRAM_PRODUCTION_DCS, TELEGRAM_TEST_DCS, telegramDc, type TelegramDc } from './telegram-dcs.ts';
