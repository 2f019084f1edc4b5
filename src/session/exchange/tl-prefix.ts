// Reads one boxed TL object from the start of a buffer and says how many bytes it took. The exchange
// needs this where TL data is followed by random padding (the decrypted server_DH_inner_data and
// client_DH_inner_data, the RSA-decrypted p_q_inner_data), because the SHA-1 that authenticates the
// data covers exactly the object's bytes and nothing after them.
import '../../tl/codec.ts'; // registers the generated readers
import { readObject } from '../../tl/codec/runtime.ts';
import { TlReader } from '../../tl/binary/reader.ts';

export function readTlPrefix(bytes: Uint8Array): { value: { _: string }; length: number } {
  const r = new TlReader(bytes.slice()); // the result's byte fields must not alias the caller's buffer
  const value = readObject(r) as { _: string };
  return { value, length: r.pos };
}
