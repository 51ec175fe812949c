import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CHECKLIST } from '../lib/checklist/checklist-items';
import { ALL_RULES } from '../lib/checklist/rules';

/** docs/rules.md is generated from the rule table; this test keeps it true (UPDATE_DOCS=1 rewrites it). */
function rulesDoc(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '# Hardening checklist rules',
    '',
    'Generated from `lib/checklist/rules/` by `__tests__/docs.test.ts`. IDs are stable: never reused or renumbered.',
    '',
    '| ID | Severity | Phase | Control | Checklist items | checkov | Azure Policy | MCSB |',
    '|---|---|---|---|---|---|---|---|',
    ...ALL_RULES.map(
      (r) =>
        `| ${r.id} | ${r.severity} | ${r.phase} | ${cell(r.title)}. ${cell(r.rationale)} | ${CHECKLIST.filter(
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

test('every rule ID is unique and well-formed', () => {
  const ids = ALL_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^AOAI-(NET|IAM|CFP|MON|CHK)-\d{3}$/);
});
