// JSON API client for /api/v1 (docs/api.md). Responsibilities:
//  - same-origin credentials, JSON bodies with Content-Type: application/json;
//  - CSRF: fetch the token once from GET /auth/csrf, cache it, send it as X-CSRF-Token on every
//    unsafe method; on 403 `code: csrf` fetch a fresh token and retry exactly once;
//  - errors: RFC 9457 problem+json becomes an ApiError carrying `detail` (already in the user's
//    language, because the kyoso_lang cookie is set) and `field` for the form to point at.
import { t } from './i18n';

export const API_BASE = '/api/v1';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly field: string | undefined;
  readonly problem: Problem | undefined;

  constructor(status: number, message: string, problem?: Problem) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code;
    this.field = problem?.field;
    this.problem = problem;
  }
}

export interface Role {
  id: number;
  role: string;
  tenant_slug: string | null;
  tenant_kind: string | null;
  organization_id: number | null;
}

export interface User {
  id: number;
  email: string;
  email_verified: boolean;
  display_name: string;
  lang: 'ja' | 'en';
  created_at: number;
  roles: Role[];
  platform_admin: boolean;
}

export interface RegionSummary {
  slug: string;
  name: string;
  name_en: string;
}

export interface MunicipalitySummary {
  slug: string;
  name: string;
  name_en: string;
  kind: string;
  description?: string | null;
  description_en?: string | null;
  population?: number | null;
}

export interface Region extends RegionSummary {
  description?: string | null;
  description_en?: string | null;
  municipalities: MunicipalitySummary[];
}

export interface Municipality {
  slug: string;
  name: string;
  name_en: string;
  region_slug: string;
  description: string | null;
  description_en: string | null;
  population: number | null;
}

export interface MunicipalitySettings {
  name?: string;
  name_en?: string;
  description?: string | null;
  description_en?: string | null;
  contact_email?: string | null;
  proposal_answer_days?: number | null;
  [key: string]: unknown;
}

export interface Member {
  grant_id: number;
  user_id: number;
  display_name: string;
  role: string;
  granted_at: number;
}

export interface Session {
  id: number | string;
  created_at: number;
  last_seen_at: number;
  user_agent: string | null;
  current: boolean;
}

export interface AuditEntry {
  seq: number;
  at: number;
  action: string;
  tenant_slug: string | null;
  actor: string | null;
  target: string | null;
  detail: unknown;
  hash: string;
  prev_hash: string;
}

export interface AuditVerify {
  ok: boolean;
  entries: number;
  head: string | null;
  first_broken: null | { seq: number; reason: string };
}

export interface OutboxMail {
  id: number;
  to: string;
  subject: string;
  body: string;
  created_at: number;
}

export interface Page<T> {
  items: T[];
  next_after?: number | string | null;
}

let csrfToken: string | null = null;
let csrfPending: Promise<string> | null = null;

async function fetchCsrf(): Promise<string> {
  if (!csrfPending) {
    csrfPending = (async () => {
      const res = await rawFetch('GET', '/auth/csrf');
      const body = (await readJson(res)) as { csrf_token?: string } | undefined;
      if (!res.ok || !body?.csrf_token) throw await toError(res, body);
      csrfToken = body.csrf_token;
      return csrfToken;
    })().finally(() => {
      csrfPending = null;
    });
  }
  return csrfPending;
}

/** Forgets the cached CSRF token (after logout the server may issue a new cookie). */
export function resetCsrf() {
  csrfToken = null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function rawFetch(method: string, path: string, body?: unknown, csrf?: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let payload: string | undefined;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (csrf) headers['X-CSRF-Token'] = csrf;
  try {
    return await fetch(API_BASE + path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, t('error.network'));
  }
}

async function readJson(res: Response): Promise<unknown> {
  const type = res.headers.get('Content-Type') ?? '';
  if (!/json/i.test(type)) return undefined;
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

async function toError(res: Response, parsed?: unknown): Promise<ApiError> {
  const problem = (parsed ?? (await readJson(res))) as Problem | undefined;
  let message: string;
  if (problem && typeof problem === 'object' && (problem.detail || problem.title)) {
    message = problem.detail || problem.title || '';
  } else if (res.status === 429) {
    message = t('error.rateLimited', { seconds: res.headers.get('Retry-After') ?? '60' });
  } else {
    message = t('error.generic', { status: res.status });
  }
  return new ApiError(res.status, message, problem && typeof problem === 'object' ? problem : undefined);
}

/** Performs a request and returns the raw Response on success (2xx); throws ApiError otherwise. */
export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const unsafe = UNSAFE.has(method);
  let token: string | undefined;
  if (unsafe) token = csrfToken ?? (await fetchCsrf());
  let res = await rawFetch(method, path, body, token);
  if (unsafe && res.status === 403) {
    const parsed = await readJson(res);
    if ((parsed as Problem | undefined)?.code === 'csrf') {
      csrfToken = null;
      token = await fetchCsrf();
      res = await rawFetch(method, path, body, token);
    } else {
      throw await toError(res, parsed);
    }
  }
  if (!res.ok) throw await toError(res);
  return res;
}

/** Performs a request and parses the JSON answer (undefined for 204/empty bodies). */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  if (res.status === 204) return undefined as T;
  return (await readJson(res)) as T;
}

/** Builds a query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
