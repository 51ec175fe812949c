/**
 * The Log Analytics schema the detections are checked against, derived from the sample records in
 * fixtures/log-records/ and the documented column mapping only: no column is declared for the sake of a test.
 * Raw field -> AzureDiagnostics column: docs/field-facts.md §1.2 (LEARN-AZDIAG base columns, LEARN-MON sample KQL).
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const dir = join(__dirname, 'fixtures', 'log-records');

export interface DiagnosticSample {
  readonly label: string;
  readonly auth: 'entra' | 'key';
  readonly confirmed: boolean;
  readonly source: string;
  readonly raw: Record<string, unknown>;
}

export const DIAGNOSTIC_SAMPLES: DiagnosticSample[] = JSON.parse(
  readFileSync(join(dir, 'azure-diagnostics.json'), 'utf8'),
).records;
export const ACTIVITY_SAMPLES: Array<Record<string, string>> = JSON.parse(
  readFileSync(join(dir, 'azure-activity.json'), 'utf8'),
).records;

/** Raw diagnostic field -> the AzureDiagnostics columns it fills, with their Kusto types (field-facts §1.2). */
const RAW_TO_COLUMNS: Record<string, Array<[string, string]>> = {
  time: [['TimeGenerated', 'datetime']],
  resourceId: [
    ['_ResourceId', 'string'],
    ['SubscriptionId', 'string'],
    ['ResourceGroup', 'string'],
    ['ResourceProvider', 'string'],
    ['ResourceType', 'string'],
    ['Resource', 'string'],
  ],
  category: [['Category', 'string']],
  operationName: [['OperationName', 'string']],
  resultSignature: [['ResultSignature', 'string']],
  durationMs: [['DurationMs', 'long']],
  callerIpAddress: [['CallerIPAddress', 'string']],
  correlationId: [['CorrelationId', 'string']],
  event: [['event_s', 'string']],
  Tenant: [['Tenant_s', 'string']],
  location: [['Location', 'string']],
  properties: [['properties_s', 'string']],
  AssetIdentity: [['AssetIdentity_g', 'string']],
};

function diagnosticsColumns(): Array<[string, string]> {
  const out = new Map<string, string>();
  for (const sample of DIAGNOSTIC_SAMPLES) {
    for (const field of Object.keys(sample.raw)) {
      const columns = RAW_TO_COLUMNS[field];
      if (!columns) throw new Error(`sample ${sample.label}: no documented column for raw field ${field}`);
      for (const [name, type] of columns) out.set(name, type);
    }
  }
  return [...out];
}

function activityColumns(): Array<[string, string]> {
  const out = new Map<string, string>();
  for (const row of ACTIVITY_SAMPLES) {
    for (const column of Object.keys(row)) {
      if (column === 'label') continue;
      out.set(column, column === 'TimeGenerated' ? 'datetime' : 'string');
    }
  }
  return [...out];
}

/** AzureMetrics columns of the LEARN-MON sample query (field-facts §2, azure-facts §7.3), plus _ResourceId. */
const AZURE_METRICS: Array<[string, string]> = [
  ['TimeGenerated', 'datetime'],
  ['MetricName', 'string'],
  ['Total', 'real'],
  ['Count', 'real'],
  ['Maximum', 'real'],
  ['Minimum', 'real'],
  ['Average', 'real'],
  ['TimeGrain', 'string'],
  ['UnitName', 'string'],
  ['_ResourceId', 'string'],
];

const schema = (columns: Array<[string, string]>) => `(${columns.map(([n, t]) => `${n}:${t}`).join(', ')})`;

/** Table name -> Kusto schema string, e.g. "(TimeGenerated:datetime, ...)". */
export const TABLE_SCHEMAS: Record<string, string> = {
  AzureDiagnostics: schema(diagnosticsColumns()),
  AzureActivity: schema(activityColumns()),
  AzureMetrics: schema(AZURE_METRICS),
};

/** The keys of properties_s seen in the samples of one category (or all). */
export function propertiesKeys(category?: string): Set<string> {
  const keys = new Set<string>();
  for (const s of DIAGNOSTIC_SAMPLES) {
    if (category && s.raw.category !== category) continue;
    if (typeof s.raw.properties === 'string') {
      Object.keys(JSON.parse(s.raw.properties)).forEach((k) => keys.add(k));
    }
  }
  return keys;
}
