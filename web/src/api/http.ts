// The one place that talks HTTP: same-origin fetch with the session cookie, the CSRF header on
// every non-GET request, and server errors turned into ApiError (code + message from the body).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Called on a 401 (session missing or expired) and on 403 `password_change_required`. */
export interface AuthHooks {
  onUnauthorized(): void;
  onPasswordChangeRequired(): void;
}

let hooks: AuthHooks | null = null;
let language = 'zh-CN';

/** The UI language, sent as Accept-Language so that the server may answer in it. */
export function setRequestLanguage(lang: string): void {
  language = lang;
}

export function setAuthHooks(h: AuthHooks): void {
  hooks = h;
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export type Query = Record<string, string | number | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** Leave 401 to the caller (login and password forms show the message instead of redirecting). */
  expectUnauthorized?: boolean;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') {
      const b = body as { code?: unknown; message?: unknown };
      if (typeof b.code === 'string') code = b.code;
      if (typeof b.message === 'string' && b.message) message = b.message;
    }
  } catch {
    // Not JSON (a proxy error page, say): keep the status text.
  }
  return new ApiError(res.status, code, message);
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language };
  if (method !== 'GET') {
    const csrf = readCookie('lz_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (err.status === 401 && !opts.expectUnauthorized) hooks?.onUnauthorized();
    if (err.status === 403 && err.code === 'password_change_required') hooks?.onPasswordChangeRequired();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
