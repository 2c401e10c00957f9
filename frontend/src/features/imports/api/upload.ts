/**
 * POST a file as the multipart field `file` (or, with `asBody`, as the body
 * itself), reporting the upload's progress (XMLHttpRequest rather than fetch:
 * fetch cannot). A 200 resolves with the body; a 422 that `isReport`
 * recognises (a commit refused with its report) resolves too; any other
 * failure rejects with an ApiError, as the typed client does.
 */
import { API_BASE, ApiError, formatDetail } from '@/api/client';
import { clearToken, getToken } from '@/lib/auth-token';

export interface UploadOptions {
  /** Called with the share of the file sent, 0 to 1. */
  onProgress?: (share: number) => void;
  signal?: AbortSignal;
  /**
   * Send the file as the body (`application/octet-stream`), not as a multipart
   * form: the server has nothing to parse (routes that accept both).
   */
  asBody?: boolean;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function uploadFile<T>(
  path: string,
  file: File,
  isReport: (body: object) => boolean,
  { onProgress, signal, asBody = false }: UploadOptions = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_BASE}${path}`);
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 200) {
        resolve(body as T);
        return;
      }
      if (xhr.status === 422 && body && typeof body === 'object' && isReport(body)) {
        resolve(body as T);
        return;
      }
      if (xhr.status === 401) clearToken('expired');
      const detail = body && typeof body === 'object' && 'detail' in body ? body.detail : body;
      reject(new ApiError(xhr.status, formatDetail(detail, `Upload failed (${xhr.status})`), detail));
    };
    xhr.onerror = () => reject(new ApiError(0, 'Cannot reach the server. Check your connection and try again.'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    if (asBody) {
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.send(file);
      return;
    }
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}
