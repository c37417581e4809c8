/**
 * Authentication helpers for route plugins. CONTRACT:
 * - `requireActor(request)` returns the Actor of the request or throws DUBAN_ERR_UNAUTHENTICATED (401);
 * - `requireRole(request, ...roles)` also throws DUBAN_ERR_FORBIDDEN (403) when the role is not listed.
 * `request.actor` is set by auth.plugin.ts before any handler runs.
 */
import type { FastifyRequest } from 'fastify'
import type { Actor } from '../../app/deps.ts'
import { DubanError } from '../../domain/errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
}

/** The authenticated actor, or a 401. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new DubanError('DUBAN_ERR_UNAUTHENTICATED')
  return request.actor
}

/** The authenticated actor holding one of the roles, or a 401/403. */
export function requireRole(request: FastifyRequest, ...roles: Actor['role'][]): Actor {
  const a = requireActor(request)
  if (!roles.includes(a.role)) throw new DubanError('DUBAN_ERR_FORBIDDEN', `role ${a.role} is not one of ${roles.join(', ')}`)
  return a
}
