/** The largest conversation export the app reads. Checked against the file's size before a byte of it is read. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export const TOO_LARGE_TO_IMPORT = `This file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB, too large to be a conversation export. Nothing was changed.`;
