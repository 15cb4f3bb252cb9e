export type { Storage, StorageStats, StoreMutation } from './storage.types';
export { createFileStorage, type FileStorageOptions } from './file-storage';
