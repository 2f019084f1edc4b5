// The session layer: identifiers, salts, acknowledgements, packets (containers, gzip), rpc results.
export { MsgIdGenerator, SeqNo, msgIdSeconds, randomLong, type MsgIdKind } from './msg-id.ts';
export { ReceivedMsgIds, type MsgIdVerdict, type ReceivedMsgIdsOptions } from './received-ids.ts';
export { ServerSalts, type FutureSalt } from './salts.ts';
export { AckQueue } from './acks.ts';
export { sealPacket, openPacket, openPacketAnySession, unpackContainer, bodyId, maxPacketBody, type OutgoingMessage, type SealOptions, type OpenedPacket, type InnerMessage } from './envelope.ts';
export { readRpcResult, type RpcResultMessage } from './rpc.ts';
export * from './ids.ts';
