/**
 * What a secret looks like in test output: the secrets the suite plants in inputs, and generic credential shapes.
 * Used by __tests__/secrets.test.ts (synthesized JSON, reports) and by the suite-wide error scan
 * (__tests__/secret-scan.setup.ts).
 */
import { MAX_ECHOED_LENGTH } from '../lib/validation';

/** Secrets the tests plant in inputs (webhook sig=, Functions code=, URL passwords, SAS and storage keys). */
export const PLANTED_SECRETS: readonly string[] = [
  'SeCrEtSiG0123456789',
  'FuncC0deSecret42',
  'p4ssw0rdInUrl',
];

/** Credential shapes that must never appear un-redacted. */
export const SECRET_SHAPES: readonly RegExp[] = [
  /[?&]sig=(?!<redacted>)[^&"\s]+/i,
  /[?&]code=(?!<redacted>)[^&"\s]+/i,
  /SharedAccessSignature|AccountKey=/i,
  /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // a JWT (Entra ID token)
  /:\/\/[^/\s"@]+:[^/\s"@]+@/, // user:password@ in a URL
];

/** Extra shapes for error messages: a URL query string and key=value credentials are redacted there too. */
export const ERROR_MESSAGE_SHAPES: readonly RegExp[] = [
  ...SECRET_SHAPES,
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'?#]*\?(?!<redacted>)/i, // a URL query string (sig=, sv=, code= ...)
  /\b(sig|signature|code|key|apikey|api-key|api_key|token|access_token|secret|password|pwd)=(?!<redacted>)[^\s"'&,;]+/i,
];

/**
 * Why an error message may leak, or undefined: a planted secret, a credential shape, or an echoed value longer than
 * the truncation limit (a whitespace-free run longer than MAX_ECHOED_LENGTH plus its "…" mark).
 */
export function errorMessageLeak(message: string): string | undefined {
  const planted = PLANTED_SECRETS.find((s) => message.includes(s));
  if (planted) return `planted secret ${planted}`;
  for (const shape of ERROR_MESSAGE_SHAPES) {
    const m = shape.exec(message);
    if (m) return `secret-looking ${JSON.stringify(m[0])}`;
  }
  const long = message.split(/\s+/).find((run) => run.length > MAX_ECHOED_LENGTH + 1);
  if (long) return `a ${long.length}-character value (limit ${MAX_ECHOED_LENGTH})`;
  return undefined;
}
