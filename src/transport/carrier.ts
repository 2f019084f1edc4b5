// A carrier moves bytes (TCP, WebSocket) or whole payloads (HTTP) between two ends. Codecs and
// obfuscation sit on top of byte carriers; the HTTP carrier carries unframed payloads itself.

export interface CarrierEvents {
  onData?: (bytes: Uint8Array) => void;
  /** Called once, when the carrier closes; `error` says why if it was not a normal close. */
  onClose?: (error?: Error) => void;
}

export interface ByteCarrier extends CarrierEvents {
  readonly kind: 'tcp' | 'websocket';
  send(bytes: Uint8Array): void;
  close(): void;
}
