/**
 * The API client (接口): typed fetch under /api on the HttpOnly session cookie (no token in script), and one
 * way to show an API error: its Chinese message (`error.messageZh`) and the field it names (`field`, the server's
 * Chinese name of `where`: one table, src/domain/field-labels.ts, none here).
 */
import { ElMessage } from 'element-plus'
import { reactive } from 'vue'
import type { Unit, User } from './types.ts'

const TOKEN_KEY = 'duban.token'

/** An error the API answered with: `{ error: { code, message, messageZh, where, field } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageZh: string,
    readonly where: string | null,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** The Chinese name of the field `where` points at, as the API gave it; null when it names none. */
    readonly field: string | null = null,
  ) {
    super(message)
  }
}

/** Who is signed in; null before login. Screens read it to show the right menus. */
export const session = reactive<{ user: User | null; scopeUnitIds: readonly string[] | null }>({ user: null, scopeUnitIds: null })

/**
 * The web app keeps no token: the session is the HttpOnly `duban_session` cookie the server sets at sign-in,
 * which script cannot read (an injected script cannot steal it). Always null, so no bearer header is sent.
 */
export function token(): string | null {
  return null
}

/** Forgets any token an older version kept in localStorage; the cookie is the session. Null also drops the sign-in hint. */
export function setToken(t: string | null): void {
  localStorage.removeItem(TOKEN_KEY)
  if (t === null) document.cookie = `${SIGNED_IN_COOKIE}=; Max-Age=0; path=/`
}

/** A readable, non-secret cookie the server sets beside the session: whether asking GET /api/me is worth it. */
const SIGNED_IN_COOKIE = 'duban_signed_in'
function signedIn(): boolean {
  return document.cookie.split(/;\s*/).includes(`${SIGNED_IN_COOKIE}=1`)
}

/** Sent on every request: with a same-site Origin it lets the server accept cookie-authenticated changes (CSRF defence). */
const CSRF_HEADERS: Record<string, string> = { 'x-duban-request': '1' }

/** Called when the API says the session is gone (401); the router sends the user to 登录. */
let onUnauthenticated: () => void = () => undefined
export function whenUnauthenticated(f: () => void): void {
  onUnauthenticated = f
}

type Query = Record<string, string | number | boolean | undefined | null>

/** `path?query` with empty values left out. */
export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

/** Tries of one request the server shed (503 with Retry-After) before its refusal is shown. */
const SHED_TRIES = 4

/**
 * When to send again a request the server shed at admission (503 + Retry-After: refused before any work, so sending
 * it again is safe for a write too, as security.plugin.ts asks of clients): the Retry-After, capped at 5 s, with a
 * little jitter so a page's parallel requests do not come back at once; null when the answer is final. Before, the
 * page showed the refusal: a 503 on the 受理台 was seen under load, and CI's 知识库 browser test once waited in vain
 * for 直接办结 on a loaded machine (whether that was a shed request is not known).
 */
function shedRetryMs(res: Response, attempt: number): number | null {
  if (res.status !== 503 || attempt >= SHED_TRIES) return null
  const seconds = Number(res.headers.get('retry-after'))
  if (!Number.isFinite(seconds) || seconds <= 0) return null
  return Math.min(seconds * 1000, 5_000) + Math.floor(Math.random() * 250)
}

/** fetch, sent again while the server sheds it (shedRetryMs); a network failure throws as fetch's does. */
export async function fetchAdmitted(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, init)
    const wait = shedRetryMs(res, attempt)
    if (wait === null) return res
    await new Promise((r) => setTimeout(r, wait))
  }
}

/** Calls `/api{path}`; JSON in, JSON out (FormData is sent as multipart). Throws ApiError on an error answer. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...CSRF_HEADERS }
  const t = token()
  if (t) headers.authorization = `Bearer ${t}`
  let payload: BodyInit | undefined
  if (body instanceof FormData) payload = body
  else if (body instanceof Blob) {
    // A file sent as the raw body (a unit list: text/csv or .xlsx).
    headers['content-type'] = body.type || 'application/octet-stream'
    payload = body
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetchAdmitted(`/api${path}`, { method, headers, body: payload, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络或服务是否已启动', null, (e as Error).message)
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = null
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; messageZh?: string; where?: string | null; field?: string | null; details?: Record<string, unknown> } } | null)?.error
    if (res.status === 401 && path !== '/auth/login') {
      setToken(null)
      session.user = null
      onUnauthenticated()
    }
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.messageZh ?? `请求失败（${res.status}）`, err?.where ?? null, err?.message ?? text, err?.details ?? {}, err?.field ?? null)
  }
  return json as T
}

/**
 * The Chinese text of an error, with the field it names in words: `完成时间不能设在节假日或休息日（位置：申请完成时间）`.
 * The API's messageZh already ends in `（field）` (the Chinese name the server gives `where`); that bracket is
 * replaced by the 位置 one. A `where` with no name is shown only when it holds no Latin letters (a month, a line):
 * a path of English names helps no Chinese user (the English `message`, in the console, keeps it).
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const at = e.field ?? (e.where && !/[A-Za-z]/.test(e.where) ? e.where : null)
    const ends = [e.field, e.where].filter((x): x is string => !!x).map((x) => `（${x}）`).find((b) => e.messageZh.endsWith(b))
    const message = ends ? e.messageZh.slice(0, -ends.length) : e.messageZh
    // A refused condition (DUBAN_ERR_GUARD_FAILED) names its guard in details; say which condition in words.
    const guard = typeof e.details.guard === 'string' ? guardText[e.details.guard] : undefined
    const text = guard ? `${message}：${guard}` : message
    // A bracket that names the field among other things (a file's line: `（plan.xlsx 第12行，完成时间）`) stays as it is.
    return at && !message.includes(`${at}）`) ? `${text}（位置：${at}）` : text
  }
  return e instanceof Error ? e.message : String(e)
}

/** The workflow's guards (办理条件) in words, for refusals that name one. */
const guardText: Record<string, string> = {
  newDueIsLater: '申请的完成时间须晚于现完成时间',
  newDueAfterHandlingDue: '申请的办理期限须晚于现办理期限',
  hasDue: '须先确定完成时间',
  // Said of a task (牵头单位) and of a ticket (承办单位) alike.
  leadChanges: '改派须选择与当前单位不同的单位',
  validRating: '满意度须为满意、基本满意或不满意',
  ratingUnsatisfied: '仅不满意的诉求可重办',
  followUpWindowOpen: '已过申请重办的期限（答复后回访期限内可申请）',
  reopenAllowed: '重办次数已达上限',
}

/** Shows an error as a message box at the top of the page. */
export function showError(e: unknown): void {
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 6000 })
}

/** Signs in; keeps the token and the user. */
export async function login(username: string, password: string): Promise<User> {
  const r = await api<{ token: string; user: User }>('POST', '/auth/login', { username, password })
  setToken(r.token)
  session.user = r.user
  await loadMe()
  return r.user
}

/** Reads who is signed in (GET /api/me); false when no valid session. */
export async function loadMe(): Promise<boolean> {
  if (!signedIn()) return false
  try {
    const me = await api<{ user: User; scopeUnitIds: string[] | null }>('GET', '/me')
    session.user = me.user
    session.scopeUnitIds = me.scopeUnitIds
    return true
  } catch {
    return false
  }
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/auth/logout')
  } finally {
    setToken(null)
    session.user = null
  }
}

/** The largest attachment the API takes (MAX_ATTACHMENT_BYTES in src/app/items/take-event.ts): 5 MB. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

/** A size in words: 812 KB, 6.2 MB. */
export const sizeText = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`)

/**
 * Why a file cannot be attached, said before it is sent (a phone otherwise uploads megabytes to hear 请求内容超过大小限制),
 * or null when it can: 附件“现场.jpg”有 6.2 MB，超过 5 MB 的上限，请压缩后再上传.
 */
export function attachmentTooLarge(file: { name: string; size: number }, what = '附件'): string | null {
  return file.size > MAX_ATTACHMENT_BYTES ? `${what}“${file.name}”有 ${sizeText(file.size)}，超过 ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB 的上限，请压缩后再上传` : null
}

/** Reads a browser File as base64 (for attachments and plan uploads sent as JSON). */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''))
    r.onerror = () => reject(r.error)
    r.readAsDataURL(file)
  })
}

let unitList: Promise<Unit[]> | null = null
/** All active units (单位), fetched once per page load for pickers and names. */
export function allUnits(): Promise<Unit[]> {
  unitList ??= api<Unit[]>('GET', '/units').catch((e: unknown) => {
    unitList = null
    throw e
  })
  return unitList
}

/**
 * Downloads a file the API builds (通报 .docx, 台账 .xlsx) with the bearer token, so it works without
 * the session cookie too; the file name comes from the answer's content-disposition.
 */
export async function download(path: string, fallbackName: string): Promise<void> {
  const t = token()
  const res = await fetchAdmitted(`/api${path}`, { headers: t ? { authorization: `Bearer ${t}`, ...CSRF_HEADERS } : CSRF_HEADERS, credentials: 'same-origin' })
  if (!res.ok) {
    const err = ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string; messageZh?: string; where?: string | null; field?: string | null } } | null)?.error
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.messageZh ?? `下载失败（${res.status}）`, err?.where ?? null, err?.message ?? '', {}, err?.field ?? null)
  }
  const cd = res.headers.get('content-disposition') ?? ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)?.[1]
  const name = star ? decodeURIComponent(star) : fallbackName
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
