/**
 * Files through the API: authenticated downloads (a Bearer header cannot ride on a plain link, so
 * the bytes come through fetch and are handed to the browser as a download), the rendition PDF as
 * an object URL for the in-page preview, and uploads with progress (XMLHttpRequest: fetch reports
 * no upload progress).
 */
import { ApiError, NetworkError } from '../api/client';
import type { Schemas } from '../api/types';
import { accessToken, refreshSession } from '../auth/session';
import { reprDigestOf } from './digest';
import { filenameOf } from './filename';

async function authorizedFetch(url: string): Promise<Response> {
  const send = async () => {
    const token = await accessToken();
    return fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  };
  let res: Response;
  try {
    res = await send();
    if (res.status === 401 && (await refreshSession())) res = await send();
  } catch (err) {
    throw new NetworkError(String(err));
  }
  return res;
}

async function problemOf(res: Response): Promise<ApiError> {
  const body = await res.json().catch(() => ({}));
  return new ApiError(res.status, { type: '', title: '', detail: '', code: res.status >= 500 ? 'internal_error' : 'bad_request', status: res.status, ...body });
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Downloads an API file with the session's token. */
export async function downloadFile(url: string, fallbackName: string): Promise<void> {
  const res = await authorizedFetch(url);
  if (!res.ok) throw await problemOf(res);
  saveBlob(await res.blob(), filenameOf(res.headers.get('Content-Disposition'), fallbackName));
}

export type PdfResult = { status: 'ready'; url: string } | { status: 'pending'; retryAfterMs: number };

/** The rendition PDF: an object URL when ready, or when to ask again (202 + Retry-After). */
export async function fetchPdf(url: string): Promise<PdfResult> {
  const res = await authorizedFetch(url);
  if (res.status === 202) {
    const seconds = Number(res.headers.get('Retry-After') ?? 2);
    return { status: 'pending', retryAfterMs: Math.min(Math.max(seconds, 1), 10) * 1000 };
  }
  if (!res.ok) throw await problemOf(res);
  return { status: 'ready', url: URL.createObjectURL(await res.blob()) };
}

export type UploadedFile = Schemas['UploadedFileView'];

/** What an upload is doing: reading the file to hash it (`checking`), then sending it. */
export type UploadPhase = 'checking' | 'sending';

/**
 * Uploads one file as multipart `file`, reporting progress in percent. With `announceDigest` the
 * file is hashed first and its SHA-256 sent as `Repr-Digest` (see lib/digest.ts); when it cannot
 * be hashed here the upload goes without it (the API hashes what it receives either way).
 */
export async function uploadWithProgress<T = UploadedFile>(
  url: string,
  file: File,
  onProgress: (percent: number, phase: UploadPhase) => void,
  options: { announceDigest?: boolean } = {},
): Promise<T> {
  let digest: string | null = null;
  if (options.announceDigest) {
    onProgress(0, 'checking');
    digest = await reprDigestOf(file, (p) => onProgress(p, 'checking')).catch(() => null);
    onProgress(0, 'sending');
  }
  const send = (token: string | null) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      if (digest) xhr.setRequestHeader('Repr-Digest', digest);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100), 'sending');
      xhr.onload = () => {
        let body: unknown = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          /* not JSON */
        }
        resolve({ status: xhr.status, body });
      };
      xhr.onerror = () => reject(new NetworkError('upload failed'));
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  let res = await send(await accessToken());
  if (res.status === 401 && (await refreshSession())) res = await send(await accessToken());
  if (res.status >= 200 && res.status < 300) {
    onProgress(100, 'sending');
    return res.body as T;
  }
  throw new ApiError(res.status, { type: '', title: '', detail: '', code: res.status >= 500 ? 'internal_error' : 'bad_request', status: res.status, ...(res.body as object) });
}
