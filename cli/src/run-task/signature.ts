import { createHmac, timingSafeEqual } from 'crypto';

/**
 * X-TFC-Task-Signature: HMAC-SHA512 of the raw request body with the run task's HMAC key, lower-case hex
 * (docs/field-facts.md 3.2: HashiCorp's run-task scaffold compares against hex.EncodeToString; the HCP Terraform docs
 * give `openssl dgst -sha512 -hmac "$HMAC_KEY"`). Computed over the bytes received, never re-serialized JSON.
 */
export function signBody(rawBody: Buffer | string, hmacKey: string): string {
  return createHmac('sha512', hmacKey).update(rawBody).digest('hex');
}

/** `missing`: no or empty header (HCP Terraform sends it empty when the task has no key); `invalid`: wrong signature. */
export type SignatureCheck = 'valid' | 'missing' | 'invalid';

export function verifySignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  hmacKey: string,
): SignatureCheck {
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (!value) return 'missing';
  if (!/^[0-9a-fA-F]{128}$/.test(value)) return 'invalid';
  const expected = Buffer.from(signBody(rawBody, hmacKey), 'hex');
  // Constant-time comparison of equal-length buffers (64 bytes each).
  return timingSafeEqual(expected, Buffer.from(value, 'hex')) ? 'valid' : 'invalid';
}
