/**
 * Office documents (Word .docx/.doc, PDF) to plain text, one paragraph per line. Each reader
 * turns its library's failure into DUBAN_ERR_INPUT_FORMAT so a damaged or mislabelled file is
 * one clear error, not a stack trace.
 */
import JSZip from 'jszip'
import { DubanError } from '../../domain/errors.ts'

// The readers are loaded on first use, not with this module: the server imports it (through read-input) at
// start, and pdf-parse's pdf.js alone replaces dozens of globals (Array.prototype.push among them, measured
// 5× slower) for the whole process. A server that never reads a PDF now never pays for one; the parse
// workers load them in their own isolates.
const mammothLib = once(async () => (await import('mammoth')).default)
const pdfParseLib = once(async () => (await import('pdf-parse')).PDFParse)
const wordExtractorLib = once(async () => (await import('word-extractor')).default)

/** A loader that runs once; a failed load is tried again next time. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null
  return () => (p ??= load().catch((e: unknown) => {
    p = null
    throw e
  }))
}

/** The text of a .docx (Office Open XML) file; refuses a zip that holds no Word document. */
export async function docxToText(bytes: Buffer): Promise<string> {
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(bytes)
  } catch (e) {
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `not a readable zip archive (${reason(e)})`)
  }
  if (!zip.file('word/document.xml')) {
    const names = Object.keys(zip.files).slice(0, 3).join(', ')
    const kind = zip.file('xl/workbook.xml') ? 'an Excel workbook' : zip.file('ppt/presentation.xml') ? 'a PowerPoint file' : `a zip of ${names || 'nothing'}`
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `a zip archive without word/document.xml (${kind}), not a Word document`)
  }
  try {
    const mammoth = await mammothLib()
    const { value } = await mammoth.extractRawText({ buffer: bytes })
    // mammoth ends every paragraph with a blank line; one paragraph per line reads like the
    // plain-text plans, and empty paragraphs stay as blank lines.
    return value.replace(/\n\n/g, '\n').trimEnd()
  } catch (e) {
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `the Word document cannot be read (${reason(e)})`)
  }
}

/** The word/document.xml of a .docx (the archive was checked by zip-guard first). */
export async function documentXml(bytes: Buffer): Promise<string> {
  try {
    const zip = await JSZip.loadAsync(bytes)
    const xml = await zip.file('word/document.xml')?.async('string')
    if (xml === undefined) throw new Error('no word/document.xml')
    return xml
  } catch (e) {
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `the Word document cannot be read (${reason(e)})`)
  }
}

/** The body text of a legacy .doc (OLE compound) file. */
export async function docToText(bytes: Buffer): Promise<string> {
  try {
    const WordExtractor = await wordExtractorLib()
    const doc = await new WordExtractor().extract(bytes)
    return doc.getBody().replace(/\r\n?/g, '\n').trimEnd()
  } catch (e) {
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `not a readable Word 97–2003 document (${reason(e)})`)
  }
}

/** The text of a PDF's text layer, pages joined by line breaks; a scanned PDF has none. */
export async function pdfToText(bytes: Buffer): Promise<string> {
  return (await pdfContent(bytes)).text
}

/**
 * A PDF's text layer and the tables pdf-parse finds on its pages (from the ruled lines and the
 * positions of the text), each as rows of cells; a cell's line breaks are layout and are removed.
 */
export async function pdfContent(bytes: Buffer): Promise<{ text: string; tables: string[][][] }> {
  const PDFParse = await pdfParseLib()
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 })
  try {
    const result = await parser.getText({ pageJoiner: '' })
    const text = result.text.replace(/\r\n?/g, '\n').trimEnd()
    let tables: string[][][] = []
    try {
      const found = await parser.getTable()
      tables = found.pages.flatMap((p) => p.tables.map((t) => t.map((row) => row.map((c) => String(c ?? '').replace(/\s+/g, '')))))
    } catch {
      tables = [] // a PDF whose tables cannot be told is still read as text
    }
    return { text, tables }
  } catch (e) {
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `the PDF cannot be read (${reason(e)})`)
  } finally {
    await parser.destroy().catch(() => undefined)
  }
}

function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e)
  return msg.split('\n')[0]!.slice(0, 160)
}
