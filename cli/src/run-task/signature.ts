import { createHmac, timingSafeEqual } from 'crypto';

/**
 * X-TFC-Task-Signature: HMAC-SHA512 of the raw request body with the run task's HMAC key, lower-case hex
 * (docs/field-facts.md 3.2: HashiCorp's run-task scaffold compares against hex.EncodeToString; the HCP Terraform docs
 * give `openssl dgst -sha512 -hmac "$HMAC_KEY"`). Computed over the bytes received, never re-serialized JSON.
 */
export function signBody(rawBody: Buffer | string, hmacKey: string): string {
  return createHmac('sha512', hmacKey).update(rawBody).digest('hex');
}

/**
 * `missing`: no or empty header (HCP Terraform sends it empty when the task has no key); `malformed`: not one value
 * of 128 hex digits, so it cannot be an HMAC-SHA512; `invalid`: well-formed but wrong.
 */
export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'invalid';

/**
 * What the header alone says, before any byte of the body is read: `missing`, `malformed`, or undefined when it
 * could be a signature. The server answers the first two with 401 at once and never buffers their bodies.
 */
export function signatureHeaderProblem(
  header: string | string[] | undefined,
): 'missing' | 'malformed' | undefined {
  if (Array.isArray(header)) return header.length > 1 ? 'malformed' : signatureHeaderProblem(header[0]);
  const value = header?.trim() ?? '';
  if (!value) return 'missing';
  return /^[0-9a-fA-F]{128}$/.test(value) ? undefined : 'malformed';
}

export function verifySignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  hmacKey: string,
): SignatureCheck {
  const problem = signatureHeaderProblem(header);
  if (problem) return problem;
  const value = String(header).trim();
  const expected = Buffer.from(signBody(rawBody, hmacKey), 'hex');
  // Constant-time comparison of equal-length buffers (64 bytes each).
  return timingSafeEqual(expected, Buffer.from(value, 'hex')) ? 'valid' : 'invalid';
}
