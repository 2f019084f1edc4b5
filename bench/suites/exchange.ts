// Auth key creation over loopback: our client and our server in one process, over real TCP sockets
// (intermediate framing), one full exchange per operation (RSA, two 2048-bit modexps each side, pq).
import { teardowns, type BenchCase } from '../harness.ts';
import { AuthKeyServer, createAuthKey } from '../../src/session/exchange/index.ts';
import { handshakeService } from '../../src/server/handshake-service.ts';
import { TransportListener } from '../../src/server/listener.ts';
import { generateServerKey } from '../../src/server/server-key.ts';
import { connectTransport } from '../../src/transport/connect.ts';

export async function cases(): Promise<BenchCase[]> {
  const { key } = generateServerKey();
  const listener = await TransportListener.listen({ port: 0 }, handshakeService({ authKeys: new AuthKeyServer({ privateKey: key }) }));
  teardowns.push(() => listener.close());
  const unusable = () => {
    throw new Error('asynchronous case: measured by runCasesAsync');
  };
  /** `count` exchanges, one after another, each on its own connection. */
  const exchanges = (obfuscated: boolean) => async (count: number) => {
    for (let i = 0; i < count; i++) {
      const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, codec: 'intermediate', obfuscated });
      try {
        await createAuthKey(transport, { publicKeys: [key], dcId: 2 });
      } finally {
        transport.close();
      }
    }
  };
  return [
    {
      group: 'auth key',
      name: 'create over loopback TCP (client + server, one process)',
      impls: [
        { label: 'ours, intermediate', run: unusable, batch: exchanges(false) },
        { label: 'ours, obfuscated intermediate', run: unusable, batch: exchanges(true) },
      ],
    },
  ];
}
