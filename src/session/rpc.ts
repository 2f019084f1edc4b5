// rpc_result#f35c6d01 req_msg_id:long result:Object — read by hand, because the result's type depends on
// the method that was called (Bool, Vector<long>… are not self-describing): the session layer finds the
// call by req_msg_id and decodes the result bytes with deserializeResult(call, bytes). A gzip_packed
// result is inflated first; rpc_error becomes an RpcError.
import { RpcError, TlError } from '../errors.ts';
import { gunzip } from '../tl/binary/gzip.ts';
import { TlReader } from '../tl/binary/reader.ts';
import { MAX_GZIP_OUTPUT } from '../tl/codec/runtime.ts';
import { bodyId } from './envelope.ts';
import { GZIP_PACKED, RPC_ERROR, RPC_RESULT } from './ids.ts';

export interface RpcResultMessage {
  reqMsgId: bigint;
  /** The result's TL bytes (inflated if it came gzip_packed), when it is not an error. */
  result?: Uint8Array;
  error?: { code: number; message: string };
}

export function readRpcResult(body: Uint8Array): RpcResultMessage {
  const r = new TlReader(body);
  if (r.uint() !== RPC_RESULT) r.fail('not an rpc_result', 'rpc_result');
  const reqMsgId = r.long();
  let result = body.subarray(r.pos);
  if (bodyId(result) === GZIP_PACKED) {
    const inner = new TlReader(result, 4);
    result = gunzip(inner.bytes(), MAX_GZIP_OUTPUT);
  }
  if (bodyId(result) === RPC_ERROR) {
    const e = new TlReader(result, 4);
    const code = e.int();
    const message = e.string();
    return { reqMsgId, error: { code, message } };
  }
  if (result.length < 4) throw new TlError('empty rpc_result', 'rpc_result');
  return { reqMsgId, result };
}

export function rpcError(error: { code: number; message: string }, method?: string): RpcError {
  return new RpcError(error.code, error.message, method);
}
