// Serves the auth key exchange on the listener's connections: unencrypted packets (auth_key_id = 0)
// go to the AuthKeyServer and its answer goes back on the same connection; encrypted packets go to
// `onEncrypted` (the session layer), or are refused when there is none. Any bad input is answered with
// transport error -404 and the connection closed, and the typed error is reported — never thrown.
import type { AuthKeyServer } from '../session/exchange/server.ts';
import { isUnencrypted } from '../session/exchange/unencrypted.ts';
import { TransportError } from '../errors.ts';
import type { ServerConnection } from './listener.ts';

export interface HandshakeServiceOptions {
  authKeys: AuthKeyServer;
  /** Packets with a non-zero auth_key_id (a quickAck flag tells whether the client asked for one). */
  onEncrypted?(payload: Uint8Array, connection: ServerConnection, quickAck: boolean): void;
  /** Every rejected packet, with the error that explains it. */
  onError?(error: Error, connection: ServerConnection): void;
}

/** Attaches the service to one connection (replaces its onFrame). */
export function attachHandshakeService(connection: ServerConnection, options: HandshakeServiceOptions): void {
  connection.onFrame = (frame) => {
    if (frame.type !== 'packet') return;
    try {
      if (isUnencrypted(frame.payload)) {
        connection.send(options.authKeys.handle(frame.payload));
      } else if (options.onEncrypted) {
        options.onEncrypted(frame.payload, connection, frame.quickAck === true);
      } else {
        throw new TransportError('encrypted message, but this server only performs the key exchange', -404);
      }
    } catch (error) {
      options.onError?.(error as Error, connection);
      connection.sendErrorAndClose(-404);
    }
  };
}

/** The onConnection handler for TransportListener.listen. */
export function handshakeService(options: HandshakeServiceOptions): (connection: ServerConnection) => void {
  return (connection) => attachHandshakeService(connection, options);
}
