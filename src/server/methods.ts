// The API methods our server answers (beyond the MTProto service methods, which the session layer
// answers itself). A handler returns the result object (or a promise of it) or throws an RpcError.
import type { TlObject, TlRequest } from '../tl/generated/types.ts';

export interface MethodContext {
  /** The server's address as clients reach it, and its DC id. */
  host: string;
  port: number;
  dcId: number;
  /** Unix seconds by the server's clock. */
  now: number;
  /** The layer and initConnection the session announced (if any). */
  layer?: number;
  authKeyId: string;
  sessionId: bigint;
}

export type MethodHandler = (request: TlRequest, ctx: MethodContext) => TlObject | boolean | Promise<TlObject | boolean>;

/** help.getConfig: a plausible config whose only DC is this server. */
function getConfig(_request: TlRequest, ctx: MethodContext): TlObject {
  return {
    _: 'config',
    date: ctx.now,
    expires: ctx.now + 3600,
    testMode: false,
    thisDc: ctx.dcId,
    dcOptions: [
      { _: 'dcOption', id: ctx.dcId, ipAddress: ctx.host, port: ctx.port },
      { _: 'dcOption', id: ctx.dcId, ipAddress: ctx.host, port: ctx.port, tcpoOnly: true },
    ],
    dcTxtDomainName: 'localhost',
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 2147483647,
    revokePmTimeLimit: 2147483647,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: ctx.dcId,
  } as TlObject;
}

function getNearestDc(_request: TlRequest, ctx: MethodContext): TlObject {
  return { _: 'nearestDc', country: 'ZZ', thisDc: ctx.dcId, nearestDc: ctx.dcId };
}

export function defaultMethods(): Map<string, MethodHandler> {
  return new Map<string, MethodHandler>([
    ['help.getConfig', getConfig],
    ['help.getNearestDc', getNearestDc],
  ]);
}
