// docs/estate-constraints.md lists every rule of the estate model (tools/tf-stub/estate/constraints.js) with its
// public sources, word for word: a rule added, changed or removed in the code without the docs fails here.
import { readFileSync } from 'fs';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const model = require('../tools/tf-stub/estate/constraints') as Record<
  'CONSTRAINTS' | 'POLICIES' | 'BEHAVIOURS',
  Record<string, { rule: string; sources: string[] }>
>;
const doc = readFileSync(join(__dirname, '..', 'docs', 'estate-constraints.md'), 'utf8');

/** The table row the docs carry for one rule: name, rule text, sources (URLs in angle brackets). */
function row(name: string, entry: { rule: string; sources: string[] }): string {
  const link = (s: string) => s.replace(/(https:\/\/\S+)/g, '<$1>');
  return `| \`${name}\` | ${entry.rule.replace(/\|/g, '\\|')} | ${entry.sources.map(link).join('<br>')} |`;
}

describe.each(['CONSTRAINTS', 'POLICIES', 'BEHAVIOURS'] as const)('%s', (table) => {
  test.each(Object.keys(model[table]))('%s is documented with its rule and sources', (name) => {
    const entry = model[table][name];
    expect(entry.sources.length).toBeGreaterThan(0);
    for (const source of entry.sources) {
      expect(source).toMatch(/^https:\/\/(learn\.microsoft\.com|github\.com)\//);
    }
    expect(doc).toContain(row(name, entry));
  });
});

test('the docs list no rule the model does not have', () => {
  const documented = [...doc.matchAll(/^\| `([\w-]+)` \|/gm)].map((m) => m[1]);
  const known = Object.values(model).flatMap((t) => Object.keys(t));
  expect(documented.sort()).toEqual(known.sort());
});
