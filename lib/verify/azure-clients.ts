/**
 * The Azure SDK clients `aoai-harden verify` uses, loaded only when verify needs them.
 *
 * They are not dependencies of this package: bundled, they made the npm tarball 32 MB unpacked (mostly
 * @azure/msal-browser) for every user of the constructs, who never run verify. They cannot be optional peer
 * dependencies either: jsii requires every peer dependency to be a jsii module (jsii's project-info.js loads an
 * assembly for each entry of peerDependencies and fails otherwise). So whoever runs verify installs them next
 * to this package, and a missing or incompatible one is reported with the command that fixes it.
 */

/** Each client with the release this package is tested against: the same major, at least this version. */
export const VERIFY_CLIENTS: Readonly<Record<string, string>> = {
  '@azure/identity': '4.14.0',
  '@azure/monitor-query-logs': '1.0.0',
};

/** A client verify needs is not installed, or is a release it does not support. */
export class MissingAzureClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingAzureClientError';
  }
}

/** How a module is loaded; tests replace it. */
export type ModuleLoader = (id: string) => any;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeRequire: ModuleLoader = (id) => require(id);

/**
 * Load one of VERIFY_CLIENTS. `purpose` says what verify needs it for; `alternative`, when given, how to run
 * without it (e.g. a pre-acquired token).
 */
export function loadAzureClient(
  name: string,
  purpose: string,
  alternative?: string,
  load: ModuleLoader = nodeRequire,
): any {
  const minimum = VERIFY_CLIENTS[name];
  if (minimum === undefined) throw new Error(`not a verify client: ${name}`);
  const install = `npm install ${name}@^${minimum}`;
  let version: string;
  try {
    version = load(`${name}/package.json`).version;
  } catch (e) {
    if (!isNotFound(e, name)) throw e;
    throw new MissingAzureClientError(
      `${name} is not installed. aoai-harden verify needs it ${purpose}; it is not a dependency of ` +
        `cdktf-azure-openai-hardening (only verify uses it). Install it next to the package: ${install}` +
        (alternative ? `, or ${alternative}` : '') +
        '.',
    );
  }
  if (!supported(version, minimum)) {
    throw new MissingAzureClientError(
      `${name} ${version} is installed; aoai-harden verify is tested with ^${minimum}. Install a supported release: ${install}.`,
    );
  }
  return load(name);
}

function isNotFound(e: unknown, name: string): boolean {
  const error = e as { code?: string; message?: string };
  // Only the client itself missing: a module missing inside an installed client is a broken install, not this.
  return (
    (error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ERR_MODULE_NOT_FOUND') &&
    String(error.message).includes(`'${name}`)
  );
}

/** Same major and not older than the minimum (what a caret range ^minimum accepts, for majors >= 1). */
function supported(version: string, minimum: string): boolean {
  const parse = (v: string) => v.split(/[.+-]/).slice(0, 3).map(Number);
  const [a, b, c] = parse(version);
  const [x, y, z] = parse(minimum);
  if ([a, b, c].some((n) => !Number.isInteger(n)) || a !== x) return false;
  return b > y || (b === y && c >= z);
}
