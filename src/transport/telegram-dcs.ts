// Bootstrap addresses of Telegram's data centers: where to make the first connection. They are not
// authoritative — once connected, help.getConfig returns the current dc_options, which should replace
// these. Sources: gotd/td telegram/dcs/prod.go (the entries marked Static, commit 234849144e17) and
// telegram/dcs/test.go; the test DC IPv4 addresses agree with pyrogram's session/internals/data_center.py.
// (Third-party lists disagree about DC5's IPv4 address; Telegram answers on several.)

export interface TelegramDc {
  id: number;
  ipv4: string;
  ipv6: string;
  port: number;
  /** The WebSocket endpoint Telegram's web clients use (obfuscated MTProto inside). */
  websocket: string;
}

export const TELEGRAM_PRODUCTION_DCS: readonly TelegramDc[] = [
  { id: 1, ipv4: '149.154.175.53', ipv6: '2001:b28:f23d:f001::a', port: 443, websocket: 'wss://pluto.web.telegram.org/apiws' },
  { id: 2, ipv4: '149.154.167.51', ipv6: '2001:67c:4e8:f002::a', port: 443, websocket: 'wss://venus.web.telegram.org/apiws' },
  { id: 3, ipv4: '149.154.175.100', ipv6: '2001:b28:f23d:f003::a', port: 443, websocket: 'wss://aurora.web.telegram.org/apiws' },
  { id: 4, ipv4: '149.154.167.91', ipv6: '2001:67c:4e8:f004::a', port: 443, websocket: 'wss://vesta.web.telegram.org/apiws' },
  { id: 5, ipv4: '91.108.56.173', ipv6: '2001:b28:f23f:f005::a', port: 443, websocket: 'wss://flora.web.telegram.org/apiws' },
];

/** Test DCs: use TELEGRAM_TEST_KEY, and dc id + 10000 in p_q_inner_data_dc. */
export const TELEGRAM_TEST_DCS: readonly TelegramDc[] = [
  { id: 1, ipv4: '149.154.175.10', ipv6: '2001:b28:f23d:f001::e', port: 443, websocket: 'wss://pluto.web.telegram.org/apiws_test' },
  { id: 2, ipv4: '149.154.167.40', ipv6: '2001:67c:4e8:f002::e', port: 443, websocket: 'wss://venus.web.telegram.org/apiws_test' },
  { id: 3, ipv4: '149.154.175.117', ipv6: '2001:b28:f23d:f003::e', port: 443, websocket: 'wss://aurora.web.telegram.org/apiws_test' },
];

export function telegramDc(id: number, test = false): TelegramDc {
  const dc = (test ? TELEGRAM_TEST_DCS : TELEGRAM_PRODUCTION_DCS).find((d) => d.id === id);
  if (!dc) throw new RangeError(`no ${test ? 'test' : 'production'} DC with id ${id}`);
  return dc;
}
