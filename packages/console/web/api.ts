/** The services' public APIs as the console reaches them: health-monitor directly, the others through its /api gateway. */
export type Service = 'health' | 'anomaly' | 'emergence' | 'autoscaler' | 'incidents';

const BASE: Record<Service, string> = {
  health: '',
  anomaly: '/api/anomaly',
  emergence: '/api/emergence',
  autoscaler: '/api/autoscaler',
  incidents: '/api/incidents',
};

const KEY_STORAGE = 'swarmscope.apiKey';

/** The API key the user entered (kept in this browser only); sent as a bearer token on every call. */
export const apiKey = {
  get: (): string => localStorage.getItem(KEY_STORAGE) ?? '',
  set(value: string): void {
    if (value) localStorage.setItem(KEY_STORAGE, value);
    else localStorage.removeItem(KEY_STORAGE);
  },
};

/** An answer that was not 2xx, with the service's stable error code and message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One JSON call with the key as a bearer token; an answer that is not 2xx throws an ApiError. Takes the key as an
 * argument (not from localStorage) so the graph view's worker, which has no localStorage, calls the API the same way.
 */
export async function requestJson<T>(url: string, key: string, init: RequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { ...init, headers });
  const body: unknown = response.headers.get('content-type')?.includes('json')
    ? await response.json()
    : await response.text();
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return body as T;
}

/** A service's URL for a path of its API, as the page reaches it. */
export const serviceUrl = (service: Service, path: string): string => BASE[service] + path;

const call = <T>(service: Service, path: string, init: RequestInit = {}): Promise<T> =>
  requestJson<T>(serviceUrl(service, path), apiKey.get(), init);

export const getJson = <T>(service: Service, path: string): Promise<T> => call<T>(service, path);
export const postJson = <T>(service: Service, path: string, body: unknown): Promise<T> =>
  call<T>(service, path, { method: 'POST', body: JSON.stringify(body) });

/** `?a=1&b=x` from the defined entries. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
