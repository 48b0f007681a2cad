/**
 * A view's state in its URL, after the route: `#/agents?status=failing&cursor=a-49`. Reloading the page (or sharing
 * the URL) shows the same view in the same state.
 */
export function hashRoute(hash: string): { parts: string[]; params: URLSearchParams } {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

/** `#/<parts>?<params>` from the non-empty params (the route kept, the order given). */
export function hashOf(parts: readonly string[], params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${text ? `?${text}` : ''}`;
}
