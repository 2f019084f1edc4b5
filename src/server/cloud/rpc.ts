// Small helpers the cloud's method handlers share.
import { RpcError } from '../../errors.ts';
import type { TlRequest } from '../../tl/generated/types.ts';

/** The request object of API method `K`. */
export type Req<K extends TlRequest['_']> = Extract<TlRequest, { _: K }>;

/** Answers the call with rpc_error `code` `text`. */
export const fail = (text: string, code = 400): never => {
  throw new RpcError(code, text);
};
