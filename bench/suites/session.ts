// ping round trips per second over loopback TCP (intermediate framing), one connection, our client
// against our server in the same process (so both sides' costs are in the figure): one call in flight
// (latency-bound), and 100 in flight (throughput: calls batch into containers). The server and client
// are started on first use and closed by the teardown.
import { teardowns, type BenchCase } from '../harness.ts';
import { MtprotoServer } from '../../src/server/mtproto-server.ts';
import { MtprotoClient } from '../../src/client/client.ts';
import { generateServerKey } from '../../src/server/server-key.ts';

let ready: Promise<MtprotoClient> | undefined;
let pingId = 0n;

function ours(): Promise<MtprotoClient> {
  ready ??= (async () => {
    const server = await MtprotoServer.listen({ port: 0, privateKey: generateServerKey().key });
    const client = new MtprotoClient({ host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0 });
    await client.connect();
    await client.invoke({ _: 'help.getConfig' });
    teardowns.push(async () => {
      await client.close();
      await server.close();
    });
    return client;
  })();
  return ready;
}

/** Runs `count` pings with at most `inFlight` outstanding. */
async function pings(client: MtprotoClient, count: number, inFlight: number): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      const pong = await client.invoke({ _: 'ping', pingId: ++pingId });
      if (pong._ !== 'pong') throw new Error('not a pong');
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

export function cases(): BenchCase[] {
  const unusable = () => {
    throw new Error('asynchronous case: measured by runCasesAsync');
  };
  return [1, 100].map((inFlight) => ({
    group: 'session',
    name: `ping round trips, tcp loopback, ${inFlight} in flight`,
    impls: [{ label: 'ours (client+server)', run: unusable, batch: async (count: number) => pings(await ours(), count, inFlight) }],
  }));
}
