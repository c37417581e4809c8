/**
 * The web app (网页端): serves the built Vue app from web/dist at `/`, with every other non-API path
 * falling back to index.html so the app's own router can show it (history mode). Without a build it
 * answers `/` with a short note saying how to make one, so `duban serve` still starts.
 */
import { existsSync, statSync } from 'node:fs'
import { dirname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'

/** Where `npm run build:web` writes the app. */
export const WEB_DIST_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../web/dist')

/** Options of the web plugin; tests may point it at another build. */
export interface WebPluginOptions {
  /** The built app (web/dist by default). */
  readonly root?: string
}

const NO_BUILD = `duban: the web app is not built yet.

Run  npm run build:web  (or npm start, which builds it when missing), then reload this page.
The API is served under /api and its documentation at /docs.
`

/** Paths that belong to the API and its docs: they keep their JSON 404 instead of the app's page. */
function isServerPath(url: string): boolean {
  return /^\/(api|docs)(\/|\?|$)/.test(url)
}

/** The built file a URL under /assets/ names, relative to the build, or null when the URL is not an asset's. */
function assetPath(url: string): string | null {
  const path = url.split('?')[0]!
  if (!path.startsWith('/assets/')) return null
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return null
  }
  const rel = normalize(decoded.slice(1))
  // normalize() resolves '..': a path that leaves assets/ (or holds a NUL) names no asset.
  return rel.startsWith(`assets${sep}`) && !rel.includes('\0') ? rel : null
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

const plugin: FastifyPluginAsync<WebPluginOptions> = async (app, opts) => {
  const root = opts.root ?? WEB_DIST_DIR
  const built = existsSync(join(root, 'index.html'))

  if (!built) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/plain; charset=utf-8').send(NO_BUILD))
    return
  }

  // wildcard:false registers one route per built file, leaving `/*` to the SPA fallback below.
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    // Hashed assets never change; index.html must be fetched fresh so a new build shows at once.
    setHeaders: (reply, path) => {
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache')
    },
  })

  const fallback = async (request: FastifyRequest, reply: FastifyReply) => {
    if (isServerPath(request.url)) return reply.callNotFound()
    // A build made while the server runs (npm run build:web) writes hashed files no route knows yet, since the
    // routes were registered at start: serve them from disk. A missing asset is a 404, never index.html — HTML
    // in place of a script left a blank page until the server restarted.
    const asset = assetPath(request.url)
    if (asset !== null) return isFile(join(root, asset)) ? reply.sendFile(asset) : reply.callNotFound()
    return reply.sendFile('index.html')
  }
  // `/` itself is index.html, registered by @fastify/static.
  app.get('/*', { schema: { hide: true } }, fallback)
}

export default plugin
