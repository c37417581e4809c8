/** 数据范围 (data scope) of each person, set by an admin: GET/PUT /users/:id/scope, GET /user-scopes. */
import { DATA_SCOPE_MODES } from '../../domain/users/data-scope.ts'
import { getUserScope, listUserScopes, setUserScope, type UserScopeInput } from '../../app/users/user-scope.ts'
import { requireRole } from './auth.ts'
import { errorBodySchema } from './errors.ts'
import type { RoutePlugin } from './routes.ts'

const sec = [{ bearer: [] }]
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const
const params = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['id'] } as const
const scopeProps = {
  userId: { type: 'string' },
  mode: { type: 'string', enum: DATA_SCOPE_MODES },
  label: { type: 'string' },
  unitIds: { type: 'array', items: { type: 'string' } },
  isDefault: { type: 'boolean' },
} as const
const scope = { type: 'object', properties: scopeProps, required: ['userId', 'mode', 'label', 'unitIds', 'isDefault'] } as const
const scopeWithUnits = {
  type: 'object',
  properties: { ...scopeProps, coveredUnitIds: { type: ['array', 'null'], items: { type: 'string' } } },
  required: [...scope.required, 'coveredUnitIds'],
} as const

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get('/user-scopes', { schema: { tags: ['users'], summary: 'Every person’s 数据范围 (admin)', security: sec, response: { 200: { type: 'array', items: scope }, ...errors } } }, async (request) => {
    requireRole(request, 'admin')
    return listUserScopes(deps)
  })

  app.get<{ Params: { id: string } }>(
    '/users/:id/scope',
    { schema: { tags: ['users'], summary: 'A person’s 数据范围 and the units it covers now (null = all) (admin)', security: sec, params, response: { 200: scopeWithUnits, ...errors } } },
    async (request) => {
      requireRole(request, 'admin')
      return getUserScope(deps, request.params.id)
    },
  )

  app.put<{ Params: { id: string }; Body: UserScopeInput }>(
    '/users/:id/scope',
    {
      schema: {
        tags: ['users'],
        summary: 'Set a person’s 数据范围: all 全部, unit 本部门, subtree 本部门及以下, custom 自定义 (unitIds), charge 分管 (unitIds, each with all below); default = the role’s (admin)',
        security: sec,
        params,
        body: {
          type: 'object',
          properties: {
            mode: { type: 'string', enum: [...DATA_SCOPE_MODES, 'default'] },
            unitIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 200 },
          },
          required: ['mode'],
          additionalProperties: false,
        },
        response: { 200: scopeWithUnits, ...errors },
      },
    },
    async (request) => setUserScope(deps, requireRole(request, 'admin'), request.params.id, request.body),
  )
}

export default plugin
