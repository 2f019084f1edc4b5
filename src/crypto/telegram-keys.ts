// Telegram's published RSA public keys, so a client with internet access can create auth keys with the
// real servers. Sources: the production key is the one pinned by tdlib (td/telegram/net/
// PublicRsaKeySharedMain.cpp), gotd (mtproto/_data/public_keys.pem) and grammers (authentication.rs),
// identical in all three; the test-DC key is the one grammers uses for test DCs (its auth-key tests). Fingerprints are
// computed here and checked by test/telegram-keys.test.ts against the published values
// (production 0xd09d1d85de64fd85, test 0xb25898df208d2603).
import { bigintFromBytes } from './bytes.ts';
import { rsaFingerprint, type RsaPublicKey } from './rsa.ts';

function key(modulusHex: string): RsaPublicKey {
  const n = bigintFromBytes(Uint8Array.from(modulusHex.match(/../g)!, (h) => parseInt(h, 16)));
  return { n, e: 65537n, fingerprint: rsaFingerprint(n, 65537n) };
}

/** The key of Telegram's production DCs (2048-bit, e = 65537). */
export const TELEGRAM_PRODUCTION_KEY: RsaPublicKey = key(
    'e8bb3305c0b52c6cf2afdf7637313489e63e05268e5badb601af417786472e5f93b85438968e20e6729a301c0afc121bf7151f834436f7fda680847a66bf64ac' +
    'cec78ee21c0b316f0edafe2f41908da7bd1f4a5107638eeb67040ace472a14f90d9f7c2b7def99688ba3073adb5750bb02964902a359fe745d8170e36876d4fd' +
    '8a5d41b2a76cbff9a13267eb9580b2d06d10357448d20d9da2191cb5d8c93982961cdfdeda629e37f1fb09a0722027696032fe61ed663db7a37f6f263d370f69' +
    'db53a0dc0a1748bdaaff6209d5645485e6e001d1953255757e4b8e42813347b11da6ab500fd0ace7e6dfa3736199ccaf9397ed0745a427dcfa6cd67bcb1acff3',
);

/** The key of Telegram's test DCs (2048-bit, e = 65537). */
export const TELEGRAM_TEST_KEY: RsaPublicKey = key(
    'c8c11d635691fac091dd9489aedced2932aa8a0bcefef05fa800892d9b52ed03200865c9e97211cb2ee6c7ae96d3fb0e15aeffd66019b44a08a240cfdd2868a8' +
    '5e1f54d6fa5deaa041f6941ddf302690d61dc476385c2fa655142353cb4e4b59f6e5b6584db76fe8b1370263246c010c93d011014113ebdf987d093f9d37c2be' +
    '48352d69a1683f8f6e6c2167983c761e3ab169fde5daaa12123fa1beab621e4da5935e9c198f82f35eae583a99386d8110ea6bd1abb0f568759f62694419ea5f' +
    '69847c43462abef858b4cb5edc84e7b9226cd7bd7e183aa974a712c079dde85b9dc063b8a5c08e8f859c0ee5dcd824c7807f20153361a7f63cfd2a433a1be7f5',
);

/** The keys to trust for production (test = false) or test DCs. */
export function telegramPublicKeys(test = false): RsaPublicKey[] {
  return [test ? TELEGRAM_TEST_KEY : TELEGRAM_PRODUCTION_KEY];
}
