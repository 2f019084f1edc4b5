// A bench server in a process of its own (bench/suites/peers.ts with BENCH_SERVER=process): our
// MtprotoServer on a free loopback port, with the PKCS#1 private key given in BENCH_SERVER_KEY. Prints
// the port on the first line of stdout; exits when stdin closes (the parent went away) or on SIGTERM.
import { parsePrivateKeyPem } from '../src/crypto/rsa.ts';
import { MtprotoServer } from '../src/server/mtproto-server.ts';

const server = await MtprotoServer.listen({ port: 0, privateKey: parsePrivateKeyPem(process.env.BENCH_SERVER_KEY ?? '') });
process.stdout.write(`${server.port}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
