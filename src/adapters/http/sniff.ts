/**
 * The content type of a stored file, sniffed from its bytes (内容识别), never taken from the uploader:
 * an HTML file is served as text/plain (or octet-stream), so a download can never run script in our origin.
 */

const OOXML: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
}

const starts = (b: Buffer, sig: readonly number[], at = 0): boolean => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x)

/** The MIME type of the bytes; a zip named .docx/.xlsx/.pptx gets its Office type, text is text/plain. */
export function sniffContentType(content: Buffer, name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''
  if (starts(content, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'
  if (starts(content, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (starts(content, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (starts(content, [0x47, 0x49, 0x46, 0x38])) return 'image/gif'
  if (starts(content, [0x52, 0x49, 0x46, 0x46]) && starts(content, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'
  if (starts(content, [0x50, 0x4b, 0x03, 0x04]) || starts(content, [0x50, 0x4b, 0x05, 0x06])) return OOXML[ext] ?? 'application/zip'
  if (starts(content, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return ext === 'xls' || ext === 'et' ? 'application/vnd.ms-excel' : ext === 'ppt' ? 'application/vnd.ms-powerpoint' : 'application/msword'
  }
  // Text: valid UTF-8 without NUL or other control bytes except tab, CR, LF, FF. Anything else is opaque.
  const head = content.subarray(0, 64 * 1024)
  if (!head.some((x) => x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d && x !== 0x0c)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(content.length <= head.length ? head : head.subarray(0, head.length - 4))
      return 'text/plain; charset=utf-8'
    } catch {
      // not UTF-8 (GBK text and the like are downloaded as bytes)
    }
  }
  return 'application/octet-stream'
}
