// mtproto-wasm under Node and Bun (export conditions `node`, `bun`; also `mtproto-wasm/node`): the universal
// root plus the pieces that need Node's modules — FileStorage (node:fs) and the server (node:net, node:http, ws).
export * from './index.ts';
export { FileStorage } from './client/storage/file.ts';
export { MtprotoServer, type MtprotoServerOptions } from './server/mtproto-server.ts';
export type { MethodHandler, MethodContext } from './server/methods.ts';
export type { ServerSession, SessionHooks } from './server/sessions.ts';
