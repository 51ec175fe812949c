// The validators the report tests share: the OASIS SARIF 2.1.0 JSON schema (ajv, draft-04) and the Surefire JUnit
// XSD (libxml2 compiled to WebAssembly), both vendored in fixtures/report-schemas (its README names their sources
// and licences), and the check that a result's file location points into its resource.
import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { validateXML } from 'xmllint-wasm';

const SCHEMAS = join(__dirname, 'fixtures', 'report-schemas');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const sarifSchema = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')));
const junitXsd = readFileSync(join(SCHEMAS, 'junit-10.xsd'), 'utf8');

/** Parse a SARIF log and expect it to validate against the 2.1.0 schema (the schema's errors are the diff). */
export function expectValidSarif(text: string): any {
  const log = JSON.parse(text);
  const valid = sarifSchema(log);
  expect(valid ? [] : sarifSchema.errors).toEqual([]);
  return log;
}

/** libxml2's messages for a JUnit report checked against junit-10.xsd; none when it validates. */
export async function junitErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'junit-10.xsd', contents: junitXsd }],
  });
  return result.errors.map((e) => e.rawMessage);
}

/** The text of a file from a 1-based line and column on. */
export function textAt(fileText: string, region: { startLine: number; startColumn: number }): string {
  return fileText.split('\n')[region.startLine - 1].slice(region.startColumn - 1);
}

/**
 * The text at a result's location, from the file it names, must be inside the block of the finding's resource:
 * in Terraform JSON the key of `resource.<type>.<name>` (the line names the resource), in plan JSON the entry's
 * `"address"` key holding the address.
 */
export function expectPointsIntoResource(fileText: string, result: any): void {
  const address: string = result.locations[0].logicalLocations[0].fullyQualifiedName;
  const at = textAt(fileText, result.locations[0].physicalLocation.region);
  if (JSON.parse(fileText).resource) {
    const [type, name] = address.replace(/^data\./, '').split('.');
    // The line is the block's key; the JSON path above it is resource|data -> type -> name.
    expect(at.startsWith(`${JSON.stringify(name)}: {`)).toBe(true);
    const before = fileText.split('\n').slice(0, result.locations[0].physicalLocation.region.startLine - 1);
    const typeLine = [...before].reverse().find((l) => /^ {4}"[^"]+": \{$/.test(l));
    expect(typeLine?.trim()).toBe(`${JSON.stringify(type)}: {`);
  } else {
    expect(at).toMatch(new RegExp(`^"address":\\s*${JSON.stringify(JSON.stringify(address)).slice(1, -1)}`));
  }
}
