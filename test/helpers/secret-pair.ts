// Two TelegramClients sign in with fresh test numbers and open a secret chat: Bob accepts every request,
// Alice requests; resolves with Alice's side once Bob has the chat too.
import type { TelegramClient } from '../../src/client/telegram-client.ts';
import type { SecretChat } from '../../src/client/secret/secret-chat.ts';
import { nextPhone, until } from './cloud.ts';

export async function signInAndOpenSecretChat(alice: TelegramClient, bob: TelegramClient): Promise<SecretChat> {
  await alice.signIn(nextPhone(), undefined, { firstName: 'Alice' });
  const b = await bob.signIn(nextPhone(), undefined, { firstName: 'Bob' });
  bob.secretChats.on((e) => {
    if (e.type === 'requested') void bob.secretChats.accept(e.chatId);
  });
  const chat = await alice.secretChats.request({ _: 'inputUser', userId: b.id, accessHash: b.accessHash! });
  await until(() => bob.secretChats.chats.has(chat.id), 5000, 'chat at bob');
  return chat;
}
