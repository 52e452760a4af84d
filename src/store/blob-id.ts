/** SHA-256 of the content, lower-case hex: the blob's name (re-exported by store/types.ts). */
export type BlobId = string;
