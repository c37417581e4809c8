/**
 * A phone's camera makes 3–8 MB photos; a citizen should not be told to compress one by hand. A photo over
 * SHRINK_OVER is redrawn in the browser (longest side at most 1920 px, JPEG) before it is sent: the picture stays
 * readable for the unit and the upload is a few hundred KB on a mobile connection.
 */
export const SHRINK_OVER = 1024 * 1024
const MAX_SIDE = 1920
const QUALITY = 0.85

/**
 * The photo redrawn smaller, as a JPEG named like it (IMG_2041.png → IMG_2041.jpg), or null when the browser cannot
 * decode it (not a real picture) or the redrawn one is no smaller. createImageBitmap turns it upright by its EXIF
 * orientation first, as phones store portraits sideways.
 */
export async function shrinkPhoto(file: File): Promise<File | null> {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height))
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, Math.round(bitmap.width * scale))
    canvas.height = Math.max(1, Math.round(bitmap.height * scale))
    const g = canvas.getContext('2d')
    if (!g) return null
    // JPEG has no transparency: a PNG's transparent parts become white, not black.
    g.fillStyle = '#fff'
    g.fillRect(0, 0, canvas.width, canvas.height)
    g.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
    bitmap.close()
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY))
    if (!blob || blob.size >= file.size) return null
    return new File([blob], `${file.name.replace(/\.[^.]*$/, '')}.jpg`, { type: 'image/jpeg' })
  } catch {
    return null
  }
}
