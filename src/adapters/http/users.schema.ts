/** Request and response schemas of user administration (用户管理). */
import { userSchema } from './auth.schema.ts'
import { errorBodySchema } from './errors.ts'

const roleSchema = { type: 'string', enum: ['admin', 'supervisor', 'unit_liaison', 'leader', 'operator'] } as const
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, required: ['id'] } as const
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema } as const

export const listUsersSchema = {
  tags: ['users'],
  summary: 'All users (admin)',
  security: [{ bearer: [] }],
  response: { 200: { type: 'array', items: userSchema }, ...errors },
} as const

export const getUserSchema = {
  tags: ['users'],
  summary: 'One user (admin)',
  security: [{ bearer: [] }],
  params: idParams,
  response: { 200: userSchema, ...errors },
} as const

export const createUserSchema = {
  tags: ['users'],
  summary: 'Create a user (admin); liaisons and operators need a unit',
  security: [{ bearer: [] }],
  body: {
    type: 'object',
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.@-]+$' },
      displayName: { type: 'string', minLength: 1, maxLength: 100 },
      password: { type: 'string', minLength: 8, maxLength: 200 },
      role: roleSchema,
      unitId: { type: ['string', 'null'] },
    },
    required: ['username', 'displayName', 'password', 'role'],
    additionalProperties: false,
  },
  response: { 201: userSchema, ...errors },
} as const

export const updateUserSchema = {
  tags: ['users'],
  summary: 'Change a user (admin); a new password or deactivation ends its sessions',
  security: [{ bearer: [] }],
  params: idParams,
  body: {
    type: 'object',
    properties: {
      displayName: { type: 'string', minLength: 1, maxLength: 100 },
      password: { type: 'string', minLength: 8, maxLength: 200 },
      role: roleSchema,
      unitId: { type: ['string', 'null'] },
      active: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  response: { 200: userSchema, ...errors },
} as const
