/**
 * The text cdktf 0.21 writes for a stack's JSON (StackSynthesizer.synthesize: json-stable-stringify with
 * `{ space: 2 }`): keys sorted by code unit, two-space indentation, an empty object or array still broken over
 * two lines. The synth-time reports are written before cdktf writes cdk.tf.json, and need its line numbers;
 * __tests__/reports.test.ts proves this text byte-identical to the written file.
 */
export function cdktfJsonText(value: unknown): string {
  return write(value, 0) ?? 'null';
}

function write(node: unknown, level: number): string | undefined {
  const indent = '\n' + '  '.repeat(level);
  if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') {
    node = (node as { toJSON: () => unknown }).toJSON();
  }
  if (node === undefined || typeof node === 'function' || typeof node === 'symbol') return undefined;
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  const out: string[] = [];
  if (Array.isArray(node)) {
    for (const item of node) out.push(indent + '  ' + (write(item, level + 1) ?? 'null'));
    return '[' + out.join(',') + indent + ']';
  }
  for (const key of Object.keys(node).sort()) {
    const v = write((node as Record<string, unknown>)[key], level + 1);
    if (v) out.push(indent + '  ' + JSON.stringify(key) + ': ' + v);
  }
  return '{' + out.join(',') + indent + '}';
}
