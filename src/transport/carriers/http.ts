// HTTP: each payload is the body of a `POST /api`, each answer the body of its response; no framing,
// no obfuscation. The server holds a request open (up to http_wait's max_wait) when it has nothing
// to say, so the session layer keeps one request outstanding to receive pushes.
import { concatBytes } from '../../crypto/bytes.ts';
import { TransportError } from '../../errors.ts';
import { DEFAULT_MAX_FRAME } from '../codec.ts';
import type { FrameTransport } from '../frame-transport.ts';

/** Reads a response body, refusing one longer than `max` bytes (by content-length, and as it arrives). */
async function readBounded(response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) throw new TransportError(`HTTP: a response body of ${declared} bytes (the limit is ${max})`);
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > max) {
      reader.cancel().catch(() => undefined);
      throw new TransportError(`HTTP: a response body of more than ${max} bytes`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0] : concatBytes(...chunks);
}

export class HttpTransport implements FrameTransport {
  readonly description = 'http';
  onFrame?: FrameTransport['onFrame'];
  onClose?: FrameTransport['onClose'];
  onEmpty?: FrameTransport['onEmpty'];
  private closed = false;
  private readonly inFlight = new Set<AbortController>();

  private readonly maxFrame: number;

  constructor(private readonly url: string, options: { maxFrame?: number } = {}) {
    this.maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
  }

  send(payload: Uint8Array): void {
    if (this.closed) throw new TransportError('HTTP: send on a closed transport');
    const abort = new AbortController();
    this.inFlight.add(abort);
    fetch(this.url, { method: 'POST', body: payload as Uint8Array<ArrayBuffer>, signal: abort.signal, headers: { 'content-type': 'application/octet-stream' } })
      .then(async (response) => {
        const body = await readBounded(response, this.maxFrame);
        // 204 (or an empty 200): the server ended the request without data; the connection is fine.
        const empty = response.status === 204 || (response.status === 200 && body.length === 0);
        if (!empty && response.status !== 200) throw new TransportError(`HTTP ${response.status} from ${this.url}`, -response.status);
        if (this.closed) return;
        if (empty) this.onEmpty?.();
        else this.onFrame?.({ type: 'packet', payload: body });
      })
      .catch((error: Error) => {
        if (!this.closed) this.fail(error instanceof TransportError ? error : new TransportError(`HTTP: ${error.message}`));
      })
      .finally(() => this.inFlight.delete(abort));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const abort of this.inFlight) abort.abort();
    this.onClose?.();
  }

  private fail(error: TransportError): void {
    this.closed = true;
    for (const abort of this.inFlight) abort.abort();
    this.onClose?.(error);
  }
}
