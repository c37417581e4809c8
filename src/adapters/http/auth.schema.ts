/** Request and response schemas of the auth routes (登录). */
import { errorBodySchema } from './errors.ts'

/** A user as the API shows it (never the password hash). */
export const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'supervisor', 'unit_liaison', 'leader', 'operator'] },
    unitId: { type: ['string', 'null'] },
    active: { type: 'boolean' },
  },
  required: ['id', 'username', 'displayName', 'role', 'unitId', 'active'],
} as const

export const loginSchema = {
  tags: ['auth'],
  summary: 'Sign in with user name and password; returns a bearer token and sets the duban_session cookie',
  body: {
    type: 'object',
    properties: { username: { type: 'string', minLength: 1, maxLength: 100 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
    required: ['username', 'password'],
    additionalProperties: false,
  },
  response: {
    200: {
      type: 'object',
      properties: { token: { type: 'string' }, expiresAt: { type: 'string' }, user: userSchema },
      required: ['token', 'expiresAt', 'user'],
    },
    401: errorBodySchema,
    429: errorBodySchema,
  },
} as const

export const logoutSchema = {
  tags: ['auth'],
  summary: 'End the current session',
  response: { 204: { type: 'null' } },
} as const

export const meSchema = {
  tags: ['auth'],
  summary: 'The signed-in user and the units it may see',
  security: [{ bearer: [] }],
  response: {
    200: {
      type: 'object',
      properties: {
        user: userSchema,
        scopeUnitIds: { type: ['array', 'null'], items: { type: 'string' } },
        // 数据范围 in effect: the mode (all, unit, subtree, custom, charge), its label and the units listed.
        dataScope: { type: 'object', properties: { mode: { type: 'string' }, label: { type: 'string' }, unitIds: { type: 'array', items: { type: 'string' } } } },
      },
      required: ['user', 'scopeUnitIds'],
    },
    401: errorBodySchema,
  },
} as const

export const unlockSchema = {
  tags: ['auth'],
  summary: 'Lift a sign-in lock-out (admin): an account, a client address, or both',
  body: {
    type: 'object',
    properties: { username: { type: 'string', minLength: 1, maxLength: 100 }, address: { type: 'string', minLength: 1, maxLength: 100 } },
    additionalProperties: false,
    minProperties: 1,
  },
  response: {
    200: { type: 'object', properties: { account: { type: 'boolean' }, address: { type: 'boolean' } }, required: ['account', 'address'] },
    400: errorBodySchema,
    403: errorBodySchema,
  },
} as const
