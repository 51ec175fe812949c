/**
 * Parses and analyses KQL with the Kusto language service against declared table schemas, so a query that
 * names a column the table does not have fails here instead of when Azure first evaluates the alert.
 */
import { join } from 'path';

const root = join(require.resolve('@kusto/language-service-next/package.json'), '..');
// The bridge scripts are not modules: loading them defines a global `Kusto` namespace.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(root, 'bridge.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(root, 'Kusto.Language.Bridge.js'));
const K = (globalThis as any).Kusto;

/** Columns the detections may use (AzureDiagnostics is sparse: identity columns appear once logged). */
const SCHEMAS: Record<string, string> = {
  AzureDiagnostics:
    '(TimeGenerated:datetime, ResourceProvider:string, Category:string, OperationName:string, ResultSignature:string, ResultType:string, DurationMs:real, CallerIPAddress:string, CorrelationId:string, Resource:string, ResourceGroup:string, ResourceType:string, properties_s:string, identity_claim_appid_g:string, identity_claim_oid_g:string, _ResourceId:string)',
  AzureActivity:
    '(TimeGenerated:datetime, ResourceProviderValue:string, OperationNameValue:string, ActivityStatusValue:string, ActivitySubstatusValue:string, Caller:string, CallerIpAddress:string, Properties_d:dynamic, _ResourceId:string)',
  AzureMetrics:
    '(TimeGenerated:datetime, MetricName:string, Total:real, Count:real, Maximum:real, Minimum:real, Average:real, TimeGrain:string, UnitName:string, _ResourceId:string)',
};

const database = new K.Language.Symbols.DatabaseSymbol.ctor(
  'workspace',
  Object.entries(SCHEMAS).map(([name, schema]) => K.Language.Symbols.TableSymbol.From(schema).WithName(name)),
);
const globals = K.Language.GlobalState.Default.WithDatabase(database);

/** Every diagnostic (syntax or semantic) the language service reports for a query. */
export function kqlDiagnostics(query: string): string[] {
  const diagnostics = K.Language.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  const out: string[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    out.push(`${d.Severity} at ${d.Start}: ${d.Message}`);
  }
  return out;
}
