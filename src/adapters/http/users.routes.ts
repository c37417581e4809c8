/** User administration (用户管理): admins list, create, change and deactivate users. */
import type { RoutePlugin } from './routes.ts'
import { allUsers, changeUser, createUser, getUser, type NewUser, type UserRole } from '../../app/users/manage-users.ts'
import { requireRole } from './auth.ts'
import { createUserSchema, getUserSchema, listUsersSchema, updateUserSchema } from './users.schema.ts'

type Patch = { displayName?: string; password?: string; role?: UserRole; unitId?: string | null; active?: boolean }

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get('/users', { schema: listUsersSchema }, async (request) => {
    requireRole(request, 'admin')
    return allUsers(deps)
  })

  app.get<{ Params: { id: string } }>('/users/:id', { schema: getUserSchema }, async (request) => {
    requireRole(request, 'admin')
    return getUser(deps, request.params.id)
  })

  app.post<{ Body: NewUser }>('/users', { schema: createUserSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin')
    return reply.status(201).send(await createUser(deps, actor, request.body))
  })

  app.patch<{ Params: { id: string }; Body: Patch }>('/users/:id', { schema: updateUserSchema }, async (request) => {
    const actor = requireRole(request, 'admin')
    return changeUser(deps, actor, request.params.id, request.body)
  })
}

export default plugin
