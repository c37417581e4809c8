/** Reads back what a generated .docx says, for tests of the bulletin (通报) export. */
import JSZip from 'jszip'

/** The visible text of a .docx: every w:t run, paragraphs joined by newlines. */
export async function docxText(buf: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buf)
  const xml = await zip.file('word/document.xml')!.async('string')
  return xml
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .filter((s) => s !== '')
    .join('\n')
}
