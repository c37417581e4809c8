/**
 * Limits of document input, in a module of their own so that routes can size their uploads without loading the
 * readers (read-input.ts pulls in jszip, xlsx and the PDF reader, which the server parses in its workers).
 */

/** Default size limit: 20 MB. */
export const DEFAULT_MAX_SIZE = 20 * 1024 * 1024
