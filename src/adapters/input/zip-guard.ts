/**
 * Zip bombs (压缩炸弹): an .xlsx or .docx is a zip archive, and a small one can expand to
 * gigabytes. Before any library opens it, the central directory is read and every entry is
 * inflated with a hard cap on its output (zlib's maxOutputLength), so a lying header cannot
 * make it expand further than the limits below. Nothing else is kept from this pass.
 */
import { inflateRawSync } from 'node:zlib'
import { DubanError } from '../../domain/errors.ts'

/** Total expanded size of all entries. */
export const MAX_EXPANDED = 200 * 1024 * 1024
/** Expansion ratio refused for an entry over 1 MB. */
export const MAX_RATIO = 200
/** Entries in one archive. */
export const MAX_ENTRIES = 10_000

/** Throws DubanError when the zip in `bytes` would expand beyond the limits; returns the entry names. */
export function checkZip(bytes: Buffer, file: string): string[] {
  const eocd = findEocd(bytes)
  if (eocd < 0) throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: not a readable zip archive (no end of central directory)`, { where: file })
  const count = bytes.readUInt16LE(eocd + 10)
  let at = bytes.readUInt32LE(eocd + 16)
  if (count > MAX_ENTRIES) throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: a zip of ${count} entries (limit ${MAX_ENTRIES})`, { where: file })
  const names: string[] = []
  let total = 0
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) {
      throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: a damaged zip archive (central directory entry ${k + 1})`, { where: file })
    }
    const method = bytes.readUInt16LE(at + 10)
    const compressed = bytes.readUInt32LE(at + 20)
    const declared = bytes.readUInt32LE(at + 24)
    const nameLen = bytes.readUInt16LE(at + 28)
    const extraLen = bytes.readUInt16LE(at + 30)
    const commentLen = bytes.readUInt16LE(at + 32)
    const local = bytes.readUInt32LE(at + 42)
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLen)
    names.push(name)
    at += 46 + nameLen + extraLen + commentLen
    const refuse = (why: string) => new DubanError('DUBAN_ERR_INPUT_FORMAT', `${file}: refused before expanding: ${name} ${why}`, { where: file })
    if (declared > MAX_EXPANDED || total + declared > MAX_EXPANDED) throw refuse(`would expand to more than ${MAX_EXPANDED / 1024 / 1024} MB in all`)
    if (declared > 1024 * 1024 && declared > MAX_RATIO * Math.max(1, compressed)) throw refuse(`expands ${Math.round(declared / Math.max(1, compressed))}:1 (limit ${MAX_RATIO}:1)`)
    // The sizes above are what the archive claims; inflate with a cap to hold it to them.
    if (method === 8 && local + 30 <= bytes.length && bytes.readUInt32LE(local) === 0x04034b50) {
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28)
      try {
        inflateRawSync(bytes.subarray(start, start + compressed), { maxOutputLength: Math.max(declared, 1) })
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'ERR_BUFFER_TOO_LARGE') throw refuse('expands beyond the size its header declares')
        throw refuse(`cannot be inflated (${(e as Error).message.slice(0, 80)})`)
      }
    }
    total += declared
  }
  return names
}

function findEocd(b: Buffer): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) if (b.readUInt32LE(i) === 0x06054b50) return i
  return -1
}
