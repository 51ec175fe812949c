// The suppressions file's format as a JSON schema, shipped in the aoai-harden package (cli/suppressions.schema.json,
// issue 26): it names every rule that can be suppressed, and it agrees with what `check --suppressions` accepts,
// entry by entry (ajv, draft-07). The tool checks more than a schema can say (a calendar day, a two-word reason).
import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import { parseSuppressions } from '../cli/src/commands/check';
import { RuleIds } from '../lib/checklist/rule-ids';

const ROOT = join(__dirname, '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'cli', 'suppressions.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const accepted = (entries: unknown[]) => {
  try {
    parseSuppressions(entries);
    return true;
  } catch {
    return false;
  }
};

const GOOD = {
  ruleId: 'AOAI-NET-004',
  address: 'azurerm_cognitive_account.aoai',
  reason: 'On Your Data to the partner search service during the pilot',
  expiresOn: '2027-03-31',
};

test('the schema lists exactly the rules a suppression may name', () => {
  const exemptable = RuleIds.all().filter((id) => !RuleIds.notExemptable().includes(id));
  expect(schema.items.properties.ruleId.enum).toEqual(exemptable);
  for (const id of RuleIds.notExemptable()) expect(schema.items.properties.ruleId.description).toContain(id);
});

test.each([
  ['a complete entry', GOOD, true],
  ['without expiresOn', { ...GOOD, expiresOn: undefined }, true],
  [
    'an indexed module address',
    { ...GOOD, address: 'module.aoai["prod"].azurerm_cognitive_account.this[0]' },
    true,
  ],
  ['an unknown rule', { ...GOOD, ruleId: 'AOAI-NET-999' }, false],
  ['a rule that cannot be suppressed', { ...GOOD, ruleId: 'AOAI-CHK-001' }, false],
  ['a wildcard address', { ...GOOD, address: 'azurerm_cognitive_account.*' }, false],
  ['no reason', { ...GOOD, reason: undefined }, false],
  ['a short reason', { ...GOOD, reason: 'pilot' }, false],
  ['a misspelt key (it would never expire)', { ...GOOD, expiresOne: '2027-03-31' }, false],
  ['a date that is not YYYY-MM-DD', { ...GOOD, expiresOn: '31.03.2027' }, false],
])('%s: the schema and check --suppressions agree (%#)', (_label, entry, ok) => {
  const entries = [JSON.parse(JSON.stringify(entry))];
  expect([validate(entries), accepted(entries)]).toEqual([ok, ok]);
});

test('what only the tool can refuse: a day that is not in the calendar, a reason without two words', () => {
  for (const entry of [
    { ...GOOD, expiresOn: '2027-02-30' },
    { ...GOOD, reason: 'xxxxxxxxxxxxxxx' },
  ]) {
    expect([validate([entry]), accepted([entry])]).toEqual([true, false]);
  }
});

test('the example in cli/README.md validates and is accepted', () => {
  const readme = readFileSync(join(ROOT, 'cli', 'README.md'), 'utf8');
  const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)![1]);
  expect(validate(example)).toBe(true);
  expect(parseSuppressions(example)).toHaveLength(example.length);
  expect(readme).toContain('suppressions.schema.json');
});
