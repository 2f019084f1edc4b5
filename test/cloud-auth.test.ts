// Sign-in on the cloud as on Telegram's test DCs (99966 + dc + 4 digits, code = dc id × 5), every
// documented error of auth.sendCode/signIn/signUp, 401 AUTH_KEY_UNREGISTERED before sign-in, users,
// usernames, logOut. Direct handler calls for the errors; one loopback flow over our client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectCloud, rejects } from './helpers/cloud-direct.ts';
import { connectClient, newUser, rpcError, signIn, startServer } from './helpers/cloud.ts';

const sendCode = (d: DirectCloud, ctx: ReturnType<DirectCloud['ctx']>, phone: string) =>
  d.call(ctx, { _: 'auth.sendCode', phoneNumber: phone, apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } });

test('before sign-in every user method answers 401 AUTH_KEY_UNREGISTERED; sign-in methods do not', async () => {
  const d = new DirectCloud();
  const ctx = d.ctx();
  for (const request of [
    { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] },
    { _: 'users.getFullUser', id: { _: 'inputUserSelf' } },
    { _: 'updates.getState' },
    { _: 'updates.getDifference', pts: 1, date: 0, qts: 0 },
    { _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'x', randomId: 1n },
    { _: 'messages.getHistory', peer: { _: 'inputPeerSelf' }, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n },
    { _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 10, hash: 0n },
    { _: 'messages.readHistory', peer: { _: 'inputPeerSelf' }, maxId: 0 },
    { _: 'messages.editMessage', peer: { _: 'inputPeerSelf' }, id: 1, message: 'x' },
    { _: 'messages.deleteMessages', id: [1] },
    { _: 'contacts.resolveUsername', username: 'somebody' },
    { _: 'account.updateUsername', username: 'somebody' },
    { _: 'auth.logOut' },
  ]) await rejects(d.call(ctx, request), 401, 'AUTH_KEY_UNREGISTERED');
  assert.equal((await sendCode(d, ctx, '+999 66 2 0001'))._, 'auth.sentCode');
});

test('auth.sendCode: only this DC\'s test numbers', async () => {
  const d = new DirectCloud();
  const ctx = d.ctx();
  for (const phone of ['79991234567', '9996631234' /* dc 3 */, '999662123', '99966212345', '', 'abc']) {
    await rejects(sendCode(d, ctx, phone), 400, 'PHONE_NUMBER_INVALID');
  }
  const sent = await sendCode(d, ctx, '9996621234');
  assert.equal(sent.type._, 'auth.sentCodeTypeApp');
  assert.equal(sent.type.length, 5);
  assert.ok(sent.phoneCodeHash.length > 0);
  // DC 4's numbers and code on a DC 4 cloud.
  const d4 = new DirectCloud(undefined, { dcId: 4 });
  const u = await d4.user('9996641234', 'Four');
  assert.ok(u.id > 0);
});

test('auth.signIn / signUp: codes, hashes, expiry, sign-up, occupied numbers, names', async () => {
  const d = new DirectCloud();
  const ctx = d.ctx();
  const phone = '9996625555';
  const { phoneCodeHash } = await sendCode(d, ctx, phone);
  const signIn = (fields: Record<string, unknown>) => d.call(ctx, { _: 'auth.signIn', phoneNumber: phone, phoneCodeHash, phoneCode: '22222', ...fields });
  await rejects(signIn({ phoneCode: undefined }), 400, 'PHONE_CODE_EMPTY');
  await rejects(signIn({ phoneCode: '' }), 400, 'PHONE_CODE_EMPTY');
  await rejects(signIn({ phoneCode: '12345' }), 400, 'PHONE_CODE_INVALID');
  await rejects(signIn({ phoneCodeHash: 'feedface' }), 400, 'PHONE_CODE_EXPIRED');
  await rejects(signIn({ phoneCodeHash: '' }), 400, 'PHONE_CODE_HASH_EMPTY');
  await rejects(signIn({ phoneNumber: '9996625556' }), 400, 'PHONE_CODE_EXPIRED'); // the hash was for another number
  await rejects(signIn({ phoneNumber: '123' }), 406, 'PHONE_NUMBER_INVALID');
  // signUp before signIn checked the code: refused.
  await rejects(d.call(ctx, { _: 'auth.signUp', phoneNumber: phone, phoneCodeHash, firstName: 'A', lastName: '' }), 400, 'PHONE_CODE_EMPTY');
  // A new number: sign-up required (still not signed in).
  assert.equal((await signIn({}))._, 'auth.authorizationSignUpRequired');
  await rejects(d.call(ctx, { _: 'updates.getState' }), 401, 'AUTH_KEY_UNREGISTERED');
  const signUp = (fields: Record<string, unknown>) => d.call(ctx, { _: 'auth.signUp', phoneNumber: phone, phoneCodeHash, firstName: 'Ann', lastName: 'Lee', ...fields });
  await rejects(signUp({ firstName: '' }), 400, 'FIRSTNAME_INVALID');
  await rejects(signUp({ firstName: '   ' }), 400, 'FIRSTNAME_INVALID');
  await rejects(signUp({ firstName: 'x'.repeat(65) }), 400, 'FIRSTNAME_INVALID');
  await rejects(signUp({ lastName: 'x'.repeat(65) }), 400, 'LASTNAME_INVALID');
  const auth = await signUp({});
  assert.equal(auth._, 'auth.authorization');
  assert.equal(auth.user.self, true);
  assert.equal(auth.user.firstName, 'Ann');
  assert.equal(auth.user.phone, phone);
  assert.equal(typeof auth.user.accessHash, 'bigint');
  // The hash is used up.
  await rejects(signUp({}), 400, 'PHONE_CODE_EXPIRED');
  assert.equal((await d.call(ctx, { _: 'updates.getState' }))._, 'updates.state');

  // Signing up a number that has an account: PHONE_NUMBER_OCCUPIED (old layers send the code in signUp).
  const other = d.ctx();
  const again = await sendCode(d, other, phone);
  await rejects(d.call(other, { _: 'auth.signUp', phoneNumber: phone, phoneCodeHash: again.phoneCodeHash, firstName: 'B', lastName: '', phoneCode: '22222' }), 400, 'PHONE_NUMBER_OCCUPIED');
  // …and signing in to it works on a second key.
  const second = await d.call(other, { _: 'auth.signIn', phoneNumber: phone, phoneCodeHash: again.phoneCodeHash, phoneCode: '22222' });
  assert.equal(second.user.id, auth.user.id);

  // Expiry: a code older than 300 s.
  const late = d.ctx();
  const sent = await sendCode(d, late, '9996627777');
  d.clock += 301_000;
  await rejects(d.call(late, { _: 'auth.signIn', phoneNumber: '9996627777', phoneCodeHash: sent.phoneCodeHash, phoneCode: '22222' }), 400, 'PHONE_CODE_EXPIRED');

  // Layers before auth.authorizationSignUpRequired: PHONE_NUMBER_UNOCCUPIED.
  const old = d.ctx(undefined, 1n, 91);
  const oldSent = await sendCode(d, old, '9996628888');
  await rejects(d.call(old, { _: 'auth.signIn', phoneNumber: '9996628888', phoneCodeHash: oldSent.phoneCodeHash, phoneCode: '22222' }), 400, 'PHONE_NUMBER_UNOCCUPIED');
});

test('users.getUsers / getFullUser: self, access hashes checked, phone only to oneself', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996620001', 'Alice');
  const b = await d.user('9996620002', 'Bob');
  const [self] = await d.call(a.ctx, { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] });
  assert.deepEqual([self.id, self.self, self.phone, self.firstName], [BigInt(a.id), true, '9996620001', 'Alice']);
  const users = await d.call(a.ctx, { _: 'users.getUsers', id: [b.input, { _: 'inputUser', userId: BigInt(b.id), accessHash: b.accessHash + 1n }, { _: 'inputUser', userId: 999n, accessHash: 1n }, { _: 'inputUserEmpty' }] });
  assert.equal(users.length, 1);
  assert.deepEqual([users[0].id, users[0].self, users[0].phone, users[0].accessHash], [BigInt(b.id), undefined, undefined, b.accessHash]);
  const full = await d.call(a.ctx, { _: 'users.getFullUser', id: b.input });
  assert.equal(full._, 'users.userFull');
  assert.equal(full.fullUser.id, BigInt(b.id));
  assert.equal(full.users[0].id, BigInt(b.id));
  await rejects(d.call(a.ctx, { _: 'users.getFullUser', id: { _: 'inputUser', userId: BigInt(b.id), accessHash: 5n } }), 400, 'USER_ID_INVALID');
  await rejects(d.call(a.ctx, { _: 'users.getFullUser', id: { _: 'inputUserEmpty' } }), 400, 'USER_ID_INVALID');
  assert.equal((await d.call(a.ctx, { _: 'users.getFullUser', id: { _: 'inputUserSelf' } })).fullUser.id, BigInt(a.id));
});

test('account.updateUsername and contacts.resolveUsername', async () => {
  const d = new DirectCloud();
  const a = await d.user('9996620011', 'Alice');
  const a2 = await d.sessionOf('9996620011');
  const b = await d.user('9996620012', 'Bob');
  for (const bad of ['abcd', '1abcde', 'abcde_', 'ab cde', 'x'.repeat(33), 'alice-1']) {
    await rejects(d.call(a.ctx, { _: 'account.updateUsername', username: bad }), 400, 'USERNAME_INVALID');
  }
  const me = await d.call(a.ctx, { _: 'account.updateUsername', username: 'Alice_1' });
  assert.deepEqual([me._, me.username, me.self], ['user', 'Alice_1', true]);
  // The other session hears of it.
  const push = d.pushed.at(-1)!;
  assert.equal(push.update._, 'updateShort');
  assert.deepEqual(push.except, { authKeyId: a.ctx.authKeyId, sessionId: a.ctx.sessionId });
  assert.ok(a2);
  await rejects(d.call(a.ctx, { _: 'account.updateUsername', username: 'Alice_1' }), 400, 'USERNAME_NOT_MODIFIED');
  await rejects(d.call(b.ctx, { _: 'account.updateUsername', username: 'alice_1' }), 400, 'USERNAME_OCCUPIED');
  const resolved = await d.call(b.ctx, { _: 'contacts.resolveUsername', username: 'ALICE_1' });
  assert.deepEqual(resolved.peer, { _: 'peerUser', userId: BigInt(a.id) });
  assert.equal(resolved.users[0].accessHash, a.accessHash);
  assert.equal((await d.call(b.ctx, { _: 'contacts.resolveUsername', username: '@alice_1' })).peer.userId, BigInt(a.id));
  await rejects(d.call(b.ctx, { _: 'contacts.resolveUsername', username: 'nobody_here' }), 400, 'USERNAME_NOT_OCCUPIED');
  await rejects(d.call(b.ctx, { _: 'contacts.resolveUsername', username: 'x' }), 400, 'USERNAME_INVALID');
  // Removing it frees it.
  assert.equal((await d.call(a.ctx, { _: 'account.updateUsername', username: '' })).username, undefined);
  await rejects(d.call(a.ctx, { _: 'account.updateUsername', username: '' }), 400, 'USERNAME_NOT_MODIFIED');
  await rejects(d.call(b.ctx, { _: 'contacts.resolveUsername', username: 'alice_1' }), 400, 'USERNAME_NOT_OCCUPIED');
  assert.equal((await d.call(b.ctx, { _: 'account.updateUsername', username: 'alice_1' })).username, 'alice_1');
});

test('loopback: sign in over our client (Telethon-style getUsers(self) first), log out, sign in again', { timeout: 30_000 }, async () => {
  const server = await startServer();
  try {
    const client = connectClient(server);
    await client.connect();
    await rpcError(client.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }), 401, 'AUTH_KEY_UNREGISTERED');
    await rpcError(client.invoke({ _: 'auth.sendCode', phoneNumber: '+1 555 0100', apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } }), 400, 'PHONE_NUMBER_INVALID');
    const user = await signIn(client, '9996624321', 'Loop');
    const [self] = await client.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] });
    assert.equal((self as { id: bigint }).id, user.id);
    // help.getConfig still answers, thisDc unchanged.
    assert.equal((await client.invoke({ _: 'help.getConfig' })).thisDc, 2);
    assert.equal((await client.invoke({ _: 'auth.logOut' }))._, 'auth.loggedOut');
    await rpcError(client.invoke({ _: 'updates.getState' }), 401, 'AUTH_KEY_UNREGISTERED');
    const again = await signIn(client, '9996624321');
    assert.equal(again.id, user.id); // the same account
    assert.equal(server.cloud.userOfKey([...server.sessions.allSessions()][0].authKeyId), Number(user.id));
    const other = await newUser(server, 'Other');
    assert.notEqual(other.id, user.id);
    await other.client.close();
    await client.close();
  } finally {
    await server.close();
  }
});
