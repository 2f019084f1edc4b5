// Constructor ids of the MTProto service messages the session layer reads or writes by hand
// (core.telegram.org/schema/mtproto). Everything else goes through the generated codec.
export const MSG_CONTAINER = 0x73f1f8dc;
export const RPC_RESULT = 0xf35c6d01;
export const RPC_ERROR = 0x2144ca19;
export const GZIP_PACKED = 0x3072cfa1;
export const MSGS_ACK = 0x62d6b459;
export const VECTOR = 0x1cb5c415;

/** Most messages per container (core.telegram.org/mtproto/service_messages#simple-container). */
export const MAX_CONTAINER_MESSAGES = 1024;
/** Most msg_ids in one msgs_ack, msgs_state_req or msg_resend_req. */
export const MAX_IDS_PER_ACK = 8192;
