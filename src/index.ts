// mtproto-wasm: the package root.
export { serialize, serializeInto, deserialize, deserializeResult, TL_LAYER, type TlSerializable } from './tl/codec.ts';
export type * from './tl/generated/types.ts';
export { TlError, MtprotoError, TransportError, SecurityError } from './errors.ts';
