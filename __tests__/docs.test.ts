import { readdirSync } from 'fs';
import { join } from 'path';
import { RuleIds } from '../lib/checklist/rule-ids';
import { ALL_RULES } from '../lib/checklist/rules';

// docs/rules.md, RuleIds and the rule index are generated from the rule files by scripts/gen-rules.js; npm test
// runs its --check mode (rules:check) before jest, so a stale one fails CI.

test('one rule, one file: every rules/<phase>/<ID>.ts holds the rule of its name, and nothing else is a rule', () => {
  const dir = join(__dirname, '..', 'lib', 'checklist', 'rules');
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => /^AOAI-/.test(f)));
  expect(files.sort()).toEqual(ALL_RULES.map((r) => `${r.id}.ts`).sort());
  for (const r of ALL_RULES) {
    expect(jest.requireActual<{ rule: unknown }>(join(dir, phaseDir(r.phase), r.id)).rule).toBe(r);
  }
});

function phaseDir(phase: string): string {
  return {
    'Network Isolation': 'network',
    'Identity and Access': 'identity',
    'Content Safety': 'content',
    Monitoring: 'monitoring',
    'Checklist Integrity': 'integrity',
  }[phase]!;
}

test('every rule carries its metadata: constant, summary, title, rationale and how it fails closed', () => {
  for (const r of ALL_RULES) {
    expect(r.constant).toMatch(/^(NET|IAM|CFP|MON|CHK)_[A-Z_]+$/);
    expect(r.constant.slice(0, 3)).toBe(r.id.slice(5, 8));
    expect((RuleIds as any)[r.constant]).toBe(r.id);
    for (const text of [r.summary, r.title, r.rationale, r.failClosed]) {
      expect(text.length).toBeGreaterThan(10);
    }
    for (const url of r.sources ?? []) expect(url).toMatch(/^https:\/\/[a-z0-9.-]+\//);
  }
  expect(RuleIds.all()).toEqual(ALL_RULES.map((r) => r.id));
  expect(RuleIds.notExemptable()).toEqual(ALL_RULES.filter((r) => r.exemptable === false).map((r) => r.id));
});

test('every rule ID is unique and well-formed', () => {
  const ids = ALL_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^AOAI-(NET|IAM|CFP|MON|CHK)-\d{3}$/);
});
