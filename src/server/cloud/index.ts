// The cloud: server state and the API methods over it.
export { Cloud, type CloudOptions, type Deliver } from './cloud.ts';
export type { CloudStore, StoredUser, StoredMessage, UserState, ReadState, LoggedUpdate, LoggedQtsUpdate, LoggedSeqUpdate, StoredEncryptedChat, StoredEncryptedFile, StoredAuthKey } from './store.ts';
export { MemoryCloudStore, type MemoryCloudStoreOptions } from './memory-store.ts';
export { DiskCloudStore } from './disk-store.ts';
export type { PostMessage } from './messages.ts';
