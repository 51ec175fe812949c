import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CHECKLIST } from '../lib/checklist/checklist-items';
import { ALL_RULES } from '../lib/checklist/rules';
import { FAIL_CLOSED } from '../lib/checklist/rules/fail-closed';

/** docs/rules.md is generated from the rule table; this test keeps it true (UPDATE_DOCS=1 rewrites it). */
function rulesDoc(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '# Hardening checklist rules',
    '',
    'Generated from `lib/checklist/rules/` by `__tests__/docs.test.ts`. IDs are stable: never reused or renumbered.',
    '',
    'Each rule: what it proves (control and rationale), how it fails closed on a value it cannot know, and the',
    'checklist items it proves. An error-level finding fails synth (HardeningChecks), the CLI (exit 1) and the run task.',
    '',
    '| ID | Severity | Phase | What it proves | Fails closed | Checklist items | checkov | Azure Policy | MCSB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...ALL_RULES.map(
      (r) =>
        `| ${r.id} | ${r.severity} | ${r.phase} | ${cell(r.title)}. ${cell(r.rationale)} | ${cell(FAIL_CLOSED[r.id] ?? '')} | ${CHECKLIST.filter(
          (c) => c.rules.includes(r.id),
        )
          .map((c) => c.id)
          .join(
            ', ',
          )} | ${r.references.checkov ?? ''} | ${r.references.azurePolicy ?? ''} | ${r.references.mcsb ?? ''} |`,
    ),
    '',
    '## Checklist items',
    '',
    '| Item | Phase | Checklist item | Proof | Rules | After deploy |',
    '|---|---|---|---|---|---|',
    ...CHECKLIST.map(
      (c) =>
        `| ${c.id} | ${c.phase} | ${cell(c.item)} | ${c.proof} | ${c.rules.join(', ')} | ${cell(c.postDeploy ?? '')} |`,
    ),
    '',
  ].join('\n');
}

test('docs/rules.md lists every rule and checklist item as the code defines them', () => {
  const file = join(__dirname, '..', 'docs', 'rules.md');
  if (process.env.UPDATE_DOCS) writeFileSync(file, rulesDoc());
  expect(readFileSync(file, 'utf8')).toBe(rulesDoc());
});

test('every rule says how it fails closed, and nothing else is described', () => {
  expect(Object.keys(FAIL_CLOSED).sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  for (const id of Object.keys(FAIL_CLOSED)) expect(FAIL_CLOSED[id].length).toBeGreaterThan(10);
});

test('every rule ID is unique and well-formed', () => {
  const ids = ALL_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^AOAI-(NET|IAM|CFP|MON|CHK)-\d{3}$/);
});
