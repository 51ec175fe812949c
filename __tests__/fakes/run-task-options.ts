import { FakeHcpTerraform } from './hcp-terraform';
import { LogEntry, RunTaskOptions } from '../../cli/src/run-task';

/**
 * Options for the real run-task server against a fake HCP Terraform: the fake's API is the one host that may get
 * the token, its object store the one redirect host; retries back off in milliseconds; logs go to `log`.
 */
export function fakeServerOptions(
  fake: FakeHcpTerraform,
  hmacKey: string,
  log: (entry: LogEntry) => void,
  overrides: Partial<RunTaskOptions> = {},
): RunTaskOptions {
  return {
    hmacKey,
    port: 0,
    allowedHosts: [fake.host],
    redirectHosts: [fake.archivistHost],
    backoffMs: 1,
    maxBackoffMs: 5,
    planTimeoutMs: 2000,
    callbackTimeoutMs: 2000,
    shutdownTimeoutMs: 5000,
    log,
    ...overrides,
  };
}
