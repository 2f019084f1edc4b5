// Model objects (the newest layer's) that the server's answers and pushes are made of, for the layer
// proofs: the config and nearest DC our methods answer, and the sign-in and messaging objects the cloud
// answers with (a user, auth.authorization, updateShortSentMessage, updates with a message, updateShortMessage).
import { defaultMethods, type MethodContext } from '../../src/server/methods.ts';
import type { TlObject, TlRequest } from '../../src/tl/generated/types.ts';

export const SAMPLE_CTX: MethodContext = { host: '127.0.0.1', port: 4430, dcId: 2, now: 1_750_000_000, authKeyId: '00', sessionId: 1n };

export function configSample(ctx: MethodContext = SAMPLE_CTX): TlObject {
  return defaultMethods().get('help.getConfig')!({ _: 'help.getConfig' } as TlRequest, ctx) as TlObject;
}

export function nearestDcSample(ctx: MethodContext = SAMPLE_CTX): TlObject {
  return defaultMethods().get('help.getNearestDc')!({ _: 'help.getNearestDc' } as TlRequest, ctx) as TlObject;
}

export function userSample(): TlObject {
  return {
    _: 'user', self: true, contact: false, id: 1_000_001n, accessHash: 0x1234_5678_9abc_def0n,
    firstName: 'Ada', lastName: 'Lovelace', username: 'ada', phone: '9996621234',
    status: { _: 'userStatusOnline', expires: 1_750_000_300 },
  } as unknown as TlObject;
}

export function authorizationSample(): TlObject {
  return { _: 'auth.authorization', user: userSample() } as unknown as TlObject;
}

export function sentMessageSample(): TlObject {
  return { _: 'updateShortSentMessage', out: true, id: 17, pts: 33, ptsCount: 1, date: 1_750_000_010 } as unknown as TlObject;
}

export function messageSample(): TlObject {
  return {
    _: 'message', out: false, id: 18, fromId: { _: 'peerUser', userId: 1_000_002n }, peerId: { _: 'peerUser', userId: 1_000_001n },
    date: 1_750_000_020, message: 'hello from layer 228',
  } as unknown as TlObject;
}

export function updatesSample(): TlObject {
  return {
    _: 'updates',
    updates: [{ _: 'updateNewMessage', message: messageSample(), pts: 34, ptsCount: 1 }],
    users: [userSample()],
    chats: [],
    date: 1_750_000_020,
    seq: 0,
  } as unknown as TlObject;
}

export function shortMessageSample(): TlObject {
  return { _: 'updateShortMessage', out: false, id: 19, userId: 1_000_002n, message: 'short one', pts: 35, ptsCount: 1, date: 1_750_000_030 } as unknown as TlObject;
}

/** Every sample, by a short name. */
export function modelSamples(): [string, TlObject][] {
  return [
    ['config', configSample()],
    ['nearestDc', nearestDcSample()],
    ['user', userSample()],
    ['auth.authorization', authorizationSample()],
    ['updateShortSentMessage', sentMessageSample()],
    ['updates (updateNewMessage, message)', updatesSample()],
    ['updateShortMessage', shortMessageSample()],
  ];
}
