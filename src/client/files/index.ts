// File transfer for the client: a pool of connections sharing one auth key, uploadFile, downloadFile.
export { TransferPool } from './pool.ts';
export { uploadFile, DEFAULT_PART_SIZE, MAX_PARTS, type UploadOptions, type UploadState, type UploadedFile } from './upload.ts';
export { downloadFile, documentLocation, DEFAULT_DOWNLOAD_PART, type DownloadOptions, type DownloadResult, type DownloadSink, type DownloadTarget } from './download.ts';
export { BIG_FILE_THRESHOLD, type UploadSource } from './source.ts';
export { TransferError, UploadError, DownloadError } from './errors.ts';
