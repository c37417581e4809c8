// A parse worker thread: registers tsx (the sources are TypeScript) and runs parse-task.ts.
import { register } from 'tsx/esm/api'

register()
const { default: parse } = await import('./parse-task.ts')
export default parse
