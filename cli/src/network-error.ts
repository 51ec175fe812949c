/**
 * What a failed fetch says, with its cause: Node's fetch (undici) reports every network failure as "fetch failed"
 * and keeps the reason in `cause` (an Error with a code, e.g. ECONNREFUSED, ENOTFOUND, UND_ERR_CONNECT_TIMEOUT, or
 * an AggregateError of one per address tried). "fetch failed (connect ECONNREFUSED 127.0.0.1:8443)".
 */
export function networkErrorText(error: unknown): string {
  const err = error as { message?: string; cause?: any };
  const message = err?.message ?? String(error);
  const cause = err?.cause;
  if (!cause) return message;
  const inner: string[] = [
    cause.message,
    ...(Array.isArray(cause.errors) ? cause.errors.map((e: any) => e?.message) : []),
  ].filter((m): m is string => typeof m === 'string' && m !== '');
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  const detail = [...new Set(inner)].join('; ');
  const parts = [code && !detail.includes(code) ? code : undefined, detail || undefined].filter(Boolean);
  return parts.length ? `${message} (${parts.join(': ')})` : message;
}
