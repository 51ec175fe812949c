/**
 * The detections against the real record shape: sample records (fixtures/log-records/, shaped like the captures
 * cited in docs/field-facts.md) and the schema derived from them. Nothing here can run KQL; the Kusto language service
 * parses and analyses each query, and these tests check what each query reads exists in the records.
 */
import { kqlDiagnostics } from './kql';
import { ACTIVITY_SAMPLES, DIAGNOSTIC_SAMPLES, TABLE_SCHEMAS, propertiesKeys } from './log-schema';
import { CHANGE_ALERT_RESOURCE_TYPES, CHANGE_OPERATIONS, DETECTIONS, METRIC_ALERTS } from '../lib/detections';

const byKey = (key: string) => DETECTIONS.find((d) => d.key === key)!;

/** The properties_s keys a query reads: `p.<key>` after `p = parse_json(properties_s)`. */
function propertiesKeysRead(query: string): string[] {
  if (!/extend p = parse_json\(properties_s\)/.test(query)) return [];
  return [...query.matchAll(/\bp\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
}

describe('schema derived from the sample records and the documented mapping', () => {
  test('AzureDiagnostics has no identity_claim_* column (Cognitive Services rows carry none, field-facts §1.5)', () => {
    expect(TABLE_SCHEMAS.AzureDiagnostics).not.toMatch(/identity_claim/);
    expect(TABLE_SCHEMAS.AzureDiagnostics).toMatch(/CallerIPAddress:string/);
    expect(TABLE_SCHEMAS.AzureDiagnostics).toMatch(/properties_s:string/);
  });
  test('the old api-key-auth columns no longer pass the language service', () => {
    expect(kqlDiagnostics('AzureDiagnostics | project identity_claim_appid_g').join('\n')).toMatch(
      /identity_claim_appid_g/,
    );
  });
  test('the validator catches a misspelled column', () => {
    expect(kqlDiagnostics('AzureDiagnostics | where CallerIpAdress == "1.2.3.4"').join('\n')).toMatch(
      /CallerIpAdress/,
    );
  });
  test('the corrected request-rate query no longer sums toint(properties_s), which is not a token count', () => {
    expect(DETECTIONS.find((d) => d.key === 'high-request-rate')!.query).not.toMatch(/properties_s/);
  });
  test('the samples carry no prompt or completion text and no content-filter outcome (field-facts §1.3, §1.6)', () => {
    const text = JSON.stringify(DIAGNOSTIC_SAMPLES.map((s) => s.raw));
    expect(text).not.toMatch(/content_filter|ResponsibleAIPolicyViolation|"messages"|"prompt"/);
  });
  test('masked caller IPs: three octets and a mask (field-facts §1.2)', () => {
    for (const s of DIAGNOSTIC_SAMPLES) {
      if (s.raw.callerIpAddress !== undefined) expect(s.raw.callerIpAddress).toMatch(/^\d+\.\d+\.\d+\.\*+$/);
    }
  });
});

describe.each(DETECTIONS.map((d) => [d.key, d] as const))('detection %s', (_key, d) => {
  test('parses and names only columns of the derived schema', () => {
    expect(kqlDiagnostics(d.query)).toEqual([]);
  });
  test('every properties_s key it reads exists in the sample records', () => {
    const known = propertiesKeys();
    for (const key of propertiesKeysRead(d.query)) expect(known).toContain(key);
  });
  test('states the fields it relies on (each appears in the query) and what it cannot see', () => {
    expect(d.reliesOn.length).toBeGreaterThan(0);
    for (const field of d.reliesOn) {
      const name = field.replace(/^properties_s\./, '');
      expect(d.query).toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(d.cannotSee.length).toBeGreaterThan(40);
  });
});

describe('api-key-auth reads the field Entra records fill', () => {
  const d = byKey('api-key-auth');
  test('it filters on an empty objectId / callerObjectId, not on identity_claim columns', () => {
    expect(propertiesKeysRead(d.query).sort()).toEqual(['callerObjectId', 'objectId']);
    expect(d.query).toMatch(/where isempty\(CallerObjectId\)/);
    expect(d.query).not.toMatch(/identity_claim/);
  });
  test('every Entra call in the samples fills objectId or callerObjectId in at least one row of the call', () => {
    const oid = (raw: any) => {
      const p = JSON.parse(String(raw.properties));
      return p.objectId || p.callerObjectId || '';
    };
    const calls = new Map<string, { auth: string; oids: string[] }>();
    for (const s of DIAGNOSTIC_SAMPLES.filter((x) => x.raw.category === 'RequestResponse')) {
      const id = String(s.raw.correlationId);
      const call = calls.get(id) ?? { auth: s.auth, oids: [] };
      call.oids.push(oid(s.raw));
      calls.set(id, call);
    }
    expect([...calls.values()].filter((c) => c.auth === 'entra').length).toBeGreaterThanOrEqual(3);
    for (const c of calls.values()) {
      // The query keeps a call when no row of it has an object ID: true exactly for the key calls.
      expect(c.oids.every((o) => o === '')).toBe(c.auth === 'key');
    }
  });
  test('it reads per call (CorrelationId), so the near-empty second row of an Entra call does not match', () => {
    expect(d.query).toMatch(/by CorrelationId/);
    const secondRow = DIAGNOSTIC_SAMPLES.find((s) => s.label === 'chat-entra-newer-shape-second-row')!;
    expect(JSON.parse(String(secondRow.raw.properties)).callerObjectId).toBeUndefined();
  });
});

describe('Activity Log detections', () => {
  test('rbac-denied accepts both Failure and Failed, and each denial sample has one of them', () => {
    const q = byKey('rbac-denied').query;
    expect(q).toMatch(/ActivityStatusValue in~ \("Failure", "Failed"\)/);
    const statuses = ACTIVITY_SAMPLES.filter((r) => /denied/.test(r.label)).map((r) => r.ActivityStatusValue);
    expect(statuses.sort()).toEqual(['Failed', 'Failure']);
  });
  test('deployment-change covers blocklist items, accounts/write, the Defender setting and role assignments', () => {
    const q = byKey('deployment-change').query.toUpperCase();
    for (const op of [
      'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/WRITE',
      'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/RAIBLOCKLISTITEMS/WRITE',
      'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/RAIBLOCKLISTS/RAIBLOCKLISTITEMS/DELETE',
      'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/DEFENDERFORAISETTINGS/WRITE',
      'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE',
      'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/DELETE',
    ]) {
      expect(q).toContain(`"${op}"`);
    }
  });
  test('every change sample matches the change query filters (operation, status, account scope)', () => {
    const statuses = /ActivityStatusValue in~ \(([^)]*)\)/.exec(byKey('deployment-change').query)![1];
    for (const r of ACTIVITY_SAMPLES.filter((x) => !/denied/.test(x.label))) {
      expect(CHANGE_OPERATIONS).toContain(r.OperationNameValue.toUpperCase());
      // One row per completed change: the Start row of the same operation is not a second notice.
      if (/^start/i.test(r.ActivityStatusValue)) {
        expect(statuses.toLowerCase()).not.toContain(`"${r.ActivityStatusValue.toLowerCase()}"`);
      } else {
        expect(statuses.toLowerCase()).toContain(`"${r.ActivityStatusValue.toLowerCase()}"`);
      }
      expect(r._ResourceId.toLowerCase()).toContain('/providers/microsoft.cognitiveservices/accounts/');
    }
    expect(ACTIVITY_SAMPLES.some((r) => r.ActivityStatusValue === 'Start')).toBe(true);
  });
  test('the immediate change alert covers the same resource types', () => {
    expect(CHANGE_ALERT_RESOURCE_TYPES).toEqual(
      expect.arrayContaining([
        'Microsoft.CognitiveServices/accounts',
        'Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems',
        'Microsoft.CognitiveServices/accounts/defenderForAISettings',
        'Microsoft.Authorization/roleAssignments',
      ]),
    );
  });
});

describe('metric alerts use the Azure OpenAI metrics (field-facts §2)', () => {
  test('content filtering is RAIRejectedRequests and RAIHarmfulRequests, never BlockedCalls', () => {
    const metrics = METRIC_ALERTS.map((m) => m.metricName);
    expect(metrics).toEqual(
      expect.arrayContaining(['RAIRejectedRequests', 'RAIHarmfulRequests', 'TokenTransaction']),
    );
    for (const legacy of ['BlockedCalls', 'TotalCalls', 'ClientErrors', 'Requests']) {
      expect(metrics).not.toContain(legacy);
    }
  });
  test('no log detection searches for content-filter strings that no record holds', () => {
    for (const d of DETECTIONS) expect(d.query).not.toMatch(/content_filter|ResponsibleAIPolicyViolation/);
  });
});
