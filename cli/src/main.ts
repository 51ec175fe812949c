import type { CliIo } from './commands/check';

/**
 * `aoai-harden`: the hardening checklist for any Terraform user. One module per subcommand (./commands), each
 * parsing its own flags with util.parseArgs; this file only picks the subcommand.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACKAGE: { version: string; dependencies: Record<string, string> } = require('../package.json');
const VERSION = PACKAGE.version;

export const USAGE = `usage: aoai-harden <command> [options]

commands:
  check <input>...    judge Terraform JSON, plan JSON or state JSON (cdktf or hand-written HCL) with the checklist;
                      an input is a file, a stack folder or a synthesized app (cdktf.out), each stack judged apart
  fleet <input>...    the names, singletons and DNS zones two resources of a synthesized app would both claim
  verify              post-deploy checks against the live deployment (--from vnet|outside; verify --help lists them)
  run-task            serve the HCP Terraform run-task API (HMAC key in AOAI_RUN_TASK_HMAC_KEY; run-task --help)

aoai-harden <command> --help shows a command's options; aoai-harden --version prints the version.`;

export type { CliIo };

// Each command's module is required when it runs (esbuild keeps a bundled module's body, and its require() of
// the Azure SDK, until then), so `check` never loads the run-task server or @azure/identity.
/* eslint-disable @typescript-eslint/no-require-imports */
const commands = {
  check: (): typeof import('./commands/check') => require('./commands/check'),
  fleet: (): typeof import('./commands/fleet') => require('./commands/fleet'),
  verify: (): typeof import('./commands/verify') => require('./commands/verify'),
  runTask: (): typeof import('./commands/run-task') => require('./commands/run-task'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const defaultIo: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Runs one command line; resolves to the exit code (0 pass, 1 findings or failed checks, 2 bad input). */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return commands.check().checkCommand(rest, io);
    case 'fleet':
      return commands.fleet().fleetCommand(rest, io);
    case 'verify': {
      // verify's Azure SDK clients are aoai-harden's dependencies; an install without them (--omit, a copied
      // bundle) is said once, with the install command, before any check runs.
      const missing = missingDependencies(Object.keys(PACKAGE.dependencies));
      if (missing.length) {
        io.err(
          `aoai-harden verify: needs ${missing.join(' and ')}, not installed here: npm install ${missing.map((name) => `${name}@${PACKAGE.dependencies[name]}`).join(' ')}\n`,
        );
        return 2;
      }
      return commands.verify().runVerifyCli(rest, io);
    }
    case 'run-task':
      return commands
        .runTask()
        .runTaskCommand(rest, { ...io, parseSuppressions: commands.check().parseSuppressions });
    case 'verify-content-filter':
      io.err(
        'aoai-harden: verify-content-filter is now part of verify: aoai-harden verify --only VERIFY-CS-001 --from vnet --endpoint <url> --account-id <id> --deployments <name> runs the same content-filter suite (see verify --help).\n',
      );
      return 2;
    case '--version':
    case '-V':
      io.out(`${VERSION}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      io.out(`${USAGE}\n`);
      return 0;
    default:
      // One line and where to look; the usage is for --help.
      io.err(
        `aoai-harden: ${command ? `unknown command ${JSON.stringify(command)}` : 'no command'}: use check, fleet, verify or run-task\nsee aoai-harden --help\n`,
      );
      return 2;
  }
}

/** The packages among `names` that cannot be resolved from this file (the installed bundle). */
function missingDependencies(names: string[]): string[] {
  return names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Exits once stdout and stderr have handed their data to the OS: process.exit() at once drops what a pipe has not
 * taken yet (a SARIF report piped to jq was cut at 64 KiB).
 */
function exitFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(exitFlushed);
}
