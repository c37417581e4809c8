// Types for the part of `word-extractor` (no bundled types) that duban uses: .doc body text.
declare module 'word-extractor' {
  interface WordDocument {
    getBody(): string
  }
  export default class WordExtractor {
    extract(source: string | Buffer): Promise<WordDocument>
  }
}
