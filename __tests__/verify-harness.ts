import {
  Behaviour,
  fakeToken,
  Fakes,
  Faults,
  startFakes,
  Weaknesses,
  ACCOUNT_ID,
  BLOCKLIST_TERM,
  DNS_NAME,
  INVOKE_ONLY_CLIENT_ID,
  WORKLOAD_CLIENT_ID,
  WORKSPACE_ID,
} from './fake-azure';
import { runVerifyCli } from '../cli/src/commands/verify';

/**
 * `aoai-harden verify` run against the fakes on loopback, in virtual time: the fakes' clock is the command's clock
 * and its sleep, so a 20-minute alert wait costs no real time. Every fake started here is closed after each test.
 */
export interface Run {
  code: number;
  out: string;
  err: string;
  report: any;
  status: Record<string, string>;
  detail: Record<string, string>;
  fakes: Fakes;
  /** Each line printed on stderr, with how many requests the fakes had received when it was printed. */
  printed: Array<{ text: string; requestsBefore: number }>;
}

export const open: Fakes[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

export function baseArgs(f: Fakes, from: 'vnet' | 'outside'): string[] {
  return [
    '--from',
    from,
    '--endpoint',
    `${f.dataPlane}/`,
    '--dns-name',
    DNS_NAME,
    '--account-id',
    ACCOUNT_ID,
    '--deployments',
    'gpt-4o,gpt-4o-mini',
    '--workspace-id',
    WORKSPACE_ID,
    '--arm-endpoint',
    f.arm,
    '--logs-endpoint',
    f.logs,
    '--invoke-only-client-id',
    INVOKE_ONLY_CLIENT_ID,
    '--workload-client-id',
    WORKLOAD_CLIENT_ID,
    '--blocklist-term',
    BLOCKLIST_TERM,
    // Real seconds per request: generous, so a loaded machine never turns an answer into a timeout (the
    // timeout tests set their own).
    '--timeout',
    '20',
    '--format',
    'json',
  ];
}

export interface VerifyOptions {
  from?: 'vnet' | 'outside';
  weak?: Weaknesses;
  faults?: Faults;
  behaviour?: Behaviour;
  extra?: string[];
  env?: NodeJS.ProcessEnv;
  getToken?: (audience: string, identity: string) => Promise<string>;
  /** Flags of baseArgs to leave out, with their value (e.g. --blocklist-term). */
  drop?: string[];
}

export async function verify(options: VerifyOptions = {}): Promise<Run> {
  const from = options.from ?? 'vnet';
  const fakes = await startFakes({
    outside: from === 'outside',
    weak: options.weak,
    faults: options.faults,
    behaviour: options.behaviour,
  });
  open.push(fakes);
  let out = '';
  let err = '';
  const printed: Run['printed'] = [];
  const args = baseArgs(fakes, from);
  for (const flag of options.drop ?? []) args.splice(args.indexOf(flag), 2);
  const code = await runVerifyCli(
    [...args, ...(options.extra ?? [])],
    {
      out: (s) => (out += s),
      err: (s) => {
        err += s;
        printed.push({ text: s, requestsBefore: fakes.seen.length });
      },
    },
    {
      dns: fakes.dns,
      now: fakes.clock.now,
      sleep: fakes.clock.sleep,
      // Each fake accepts only its own audience's token, so a token sent to the wrong host fails the call.
      getToken: options.getToken ?? (async (audience, identity) => fakeToken(audience, identity)),
      env: options.env ?? {},
    },
  );
  const report = out ? JSON.parse(out) : undefined;
  const status: Record<string, string> = {};
  const detail: Record<string, string> = {};
  for (const r of report?.results ?? []) {
    status[r.id] = r.status;
    detail[r.id] = r.detail;
  }
  return { code, out, err, report, status, detail, fakes, printed };
}

export const failing = (run: Run) =>
  Object.keys(run.status)
    .filter((id) => run.status[id] === 'fail')
    .sort();
export const erroring = (run: Run) =>
  Object.keys(run.status)
    .filter((id) => run.status[id] === 'error')
    .sort();
