/**
 * The typed API client (openapi-fetch over the generated `paths`): every screen calls the REST API
 * through `api`, never with hand-written request types. The middleware adds the access token,
 * refreshing it first when it is about to expire, and on a 401 refreshes once and replays the
 * request; when the refresh is refused the session ends (auth/session.ts).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { accessToken, refreshSession, sessionStore } from '../auth/session';
import type { paths, Problem } from './types';
import { m } from '../i18n';

// The browser's HTTP cache revalidates with If-None-Match: ETags change with what they tag (a
// revision's version moves with its files; /current's tag covers the document, revision and copy).
export const api = createClient<paths>({ baseUrl: '', cache: 'no-cache' });

const replays = new WeakMap<Request, Request>();

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await accessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    replays.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || !request.headers.has('Authorization')) return response;
    const replay = replays.get(request);
    if (!replay || !(await refreshSession())) return response;
    replay.headers.set('Authorization', `Bearer ${sessionStore.get()!.accessToken}`);
    return fetch(replay);
  },
};
api.use(auth);

/** An API answer that is not 2xx, with its problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem & { rules?: { rule: string; field: string; message: string }[]; [k: string]: unknown },
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
  get code(): string {
    return this.problem.code;
  }
  /** The message for one field (`errors[].field`), in the user's language where known. */
  field(name: string): string | undefined {
    const rule = this.problem.rules?.find((r) => r.field === name);
    if (rule) return m.rules[rule.rule] ?? rule.message;
    return this.problem.errors?.find((e) => e.field === name)?.message;
  }
  /** Messages of the fields under a prefix, e.g. `content.steps[2]`. */
  fieldsUnder(prefix: string): { field: string; message: string }[] {
    return (this.problem.errors ?? []).filter((e) => e.field === prefix || e.field.startsWith(`${prefix}.`) || e.field.startsWith(`${prefix}[`));
  }
}

/** Thrown when the server could not be reached at all. */
export class NetworkError extends Error {}

type Answer = { data?: unknown; error?: unknown; response: Response };

/** Awaits an openapi-fetch call: its data, or an ApiError / NetworkError. */
export async function call<R extends Answer>(request: Promise<R>): Promise<NonNullable<R['data']>> {
  let res: R;
  try {
    res = await request;
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
  if (res.response.ok) return res.data as NonNullable<R['data']>;
  const body = (res.error && typeof res.error === 'object' ? res.error : {}) as ApiError['problem'];
  throw new ApiError(res.response.status, Object.assign({ status: res.response.status, title: '', detail: '', code: `http_${res.response.status}`, type: '' }, body));
}

/** A sentence for any error, in the user's language. */
export function errorMessage(err: unknown): string {
  if (err instanceof NetworkError) return m.errors.network;
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : m.errors.generic;
  const known = m.errors.codes[err.code];
  if (known) return known;
  switch (err.status) {
    case 400:
      return err.problem.errors?.length ? m.errors.fieldsInvalid : err.message;
    case 403:
      return m.errors.forbidden;
    case 404:
      return m.errors.notFound;
    case 412:
      return m.errors.codes.precondition_failed;
    case 413:
      return m.errors.tooLarge;
    case 415:
      return m.errors.unsupported;
    case 503:
      return m.errors.unavailable;
    default:
      return err.message || m.errors.generic;
  }
}
