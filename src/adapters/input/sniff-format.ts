/**
 * Input format sniffing (格式识别): decides what kind of document a file is from its first
 * bytes, so a Word file saved as `.txt` or a web page saved as `.doc` is still read right.
 * The extension only breaks ties and names what the user expected.
 */
import { extname } from 'node:path'

/** The kinds of file `duban extract` reads. */
export type InputFormat = 'text' | 'html' | 'docx' | 'doc' | 'pdf' | 'xlsx' | 'xls' | 'csv'

/** What the first bytes say: a container signature, HTML, or plain text (still to be decoded). */
export type Sniffed = 'zip' | 'ole' | 'pdf' | 'html' | 'text'

const ZIP = [0x50, 0x4b, 0x03, 0x04]
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06]
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  return sig.every((b, i) => bytes[at + i] === b)
}

/** Looks at the magic bytes (and, for HTML, the first kilobytes of markup). */
export function sniff(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, ZIP) || startsWith(bytes, ZIP_EMPTY)) return 'zip'
  if (startsWith(bytes, OLE)) return 'ole'
  // %PDF- may follow a little junk (some generators prepend a header); the spec allows 1024 bytes.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096)).toString('latin1')
  const pdfAt = head.indexOf('%PDF-')
  if (pdfAt >= 0 && pdfAt < 1024) return 'pdf'
  if (looksLikeHtml(head)) return 'html'
  return 'text'
}

/** True when the start of the text is markup of a web page (doctype, <html>, or <head>/<body>/<meta>). */
export function looksLikeHtml(head: string): boolean {
  // Skip a BOM, UTF-16 NULs are not handled here: such files never start like markup.
  const start = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().slice(0, 2048).toLowerCase()
  if (/^<!doctype\s+html/.test(start) || /^<html[\s>]/.test(start)) return true
  if (/^<\?xml[^>]*>\s*<!doctype\s+html/.test(start)) return true
  // A page fragment saved without <html>: starts with a tag and has <head>/<body>/<meta charset>.
  return start.startsWith('<') && /<(head|body|meta\s[^>]*charset)[\s>]/.test(start)
}

/** The format the file name claims, if its extension is one duban knows. */
export function claimedFormat(name: string): InputFormat | null {
  switch (extname(name).toLowerCase()) {
    case '.docx':
      return 'docx'
    case '.doc':
      return 'doc'
    case '.pdf':
      return 'pdf'
    case '.html':
    case '.htm':
    case '.xhtml':
      return 'html'
    case '.xlsx':
    case '.xlsm':
    case '.ods':
      return 'xlsx'
    case '.xls':
    case '.et':
      return 'xls'
    case '.csv':
      return 'csv'
    case '.txt':
    case '.text':
    case '.md':
      return 'text'
    default:
      return null
  }
}
