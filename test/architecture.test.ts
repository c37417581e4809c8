/**
 * The folders are the architecture, and the import graph must say the same (README "Layout"):
 * domain ← persistence ← app ← adapters. Each arrow points down only; domain does no I/O.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  )
}

/** domain, persistence, app, or adapters/<name>. */
function layerOf(file: string): string {
  const [top, sub] = relative(SRC, file).split(sep)
  return top === 'adapters' ? `adapters/${sub}` : top!
}

interface Edge { from: string; spec: string; to: string; /** The file imported (relative imports), and whether only types: erased at run time. */ file?: string; typeOnly: boolean }

/** `import … from 'x'` / `export … from 'x'` (over several lines), `import 'x'`, and `import('x')`. */
const IMPORTS = /^\s*(?:import|export)\b(\s+type\b)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm

/** A package's name from a bare specifier (`@scope/name/sub` → `@scope/name`). */
const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')

/** The packages domain code may use: pure computation over values in memory, no I/O, no clock. */
const PURE_PACKAGES = ['package:iconv-lite', 'package:opencc-js']

function edges(): Edge[] {
  const out: Edge[] = []
  for (const file of sourceFiles(SRC)) {
    // Static, dynamic and type imports alike: a type import is an arrow too. Only import and export statements and
    // import() with a literal: a looser pattern also took words of comments and SQL ("from '…'") for packages.
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORTS)) {
      const spec = (m[2] ?? m[3] ?? m[4])!
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : undefined
      const to = target ? layerOf(target) : spec.startsWith('node:') ? 'node' : `package:${packageOf(spec)}`
      out.push({ from: relative(SRC, file), spec, to, ...(target ? { file: relative(SRC, target) } : {}), typeOnly: m[1] !== undefined })
    }
  }
  return out
}

const all = edges()

/** The import cycles among source files at run time (type-only imports are erased), one path each. */
function cycles(): string[][] {
  const next = new Map<string, string[]>()
  for (const e of all) if (e.file && !e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.file])
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (f: string, path: string[]): void => {
    state.set(f, 'open')
    for (const g of next.get(f) ?? []) {
      const here = [...path, f]
      if (state.get(g) === 'open') found.push([...here.slice(here.indexOf(g)), g])
      else if (!state.has(g)) visit(g, here)
    }
    state.set(f, 'done')
  }
  for (const f of next.keys()) if (!state.has(f)) visit(f, [])
  return found
}
const offending = (from: (l: string) => boolean, allowed: readonly string[]) =>
  all.filter((e) => from(layerOf(join(SRC, e.from))) && !allowed.includes(e.to) && !(allowed.includes('package') && e.to.startsWith('package:'))).map((e) => `${e.from} → ${e.spec}`)

describe('the import graph tells the folders’ story', () => {
  it('reads a real graph (a broken scan would pass every rule)', () => {
    expect(all.filter((e) => e.to === 'persistence' && e.from.startsWith('app')).length).toBeGreaterThan(20)
    expect(all.filter((e) => e.to === 'domain').length).toBeGreaterThan(100)
    expect(all.filter((e) => e.from.startsWith('domain') && PURE_PACKAGES.includes(e.to)).length).toBeGreaterThan(0)
  })

  it('domain imports only domain and pure packages: no node:*, no persistence, app or adapters', () => {
    expect(offending((l) => l === 'domain', ['domain', ...PURE_PACKAGES])).toEqual([])
  })

  it('persistence (the database layer) imports only domain and itself, never app or adapters', () => {
    expect(offending((l) => l === 'persistence', ['domain', 'persistence', 'node', 'package'])).toEqual([])
  })

  it('app (use-cases) imports domain and persistence, never an adapter', () => {
    expect(offending((l) => l === 'app', ['domain', 'persistence', 'app', 'node', 'package'])).toEqual([])
  })

  it('no source file imports itself back through others at run time (type-only imports aside)', () => {
    expect(cycles().map((c) => c.join(' → '))).toEqual([])
  })

  it('no lower layer imports HTTP or the CLI, and HTTP does not import the CLI', () => {
    expect(offending((l) => l !== 'adapters/cli', ['domain', 'persistence', 'app', 'node', 'package', 'adapters/http', 'adapters/input', 'adapters/text', 'adapters/workers', 'adapters/channels', 'adapters/nats'])).toEqual([])
    expect(offending((l) => l !== 'adapters/cli' && l !== 'adapters/http', ['domain', 'persistence', 'app', 'node', 'package', 'adapters/input', 'adapters/text', 'adapters/workers', 'adapters/channels', 'adapters/nats'])).toEqual([])
  })
})
