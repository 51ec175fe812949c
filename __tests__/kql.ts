/**
 * Parses and analyses KQL with the Kusto language service against the table schemas derived from the sample
 * records (log-schema.ts), so a query that
 * names a column the table does not have fails here instead of when Azure first evaluates the alert.
 */
import { join } from 'path';
import { TABLE_SCHEMAS } from './log-schema';

const root = join(require.resolve('@kusto/language-service-next/package.json'), '..');
// The bridge scripts are not modules: loading them defines a global `Kusto` namespace.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(root, 'bridge.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(root, 'Kusto.Language.Bridge.js'));
const K = (globalThis as any).Kusto;

const database = new K.Language.Symbols.DatabaseSymbol.ctor(
  'workspace',
  Object.entries(TABLE_SCHEMAS).map(([name, schema]) =>
    K.Language.Symbols.TableSymbol.From(schema).WithName(name),
  ),
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
