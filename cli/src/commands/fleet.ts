import { parseArgs } from 'util';
import { FleetCollisions, InputError, NameCollision, StackDocument, detectFormat } from '../core';
import type { CliIo } from './check';
import { CheckUnit, checkUnits, readInput } from './inputs';

/** `aoai-harden fleet`: the names, singletons and DNS zones two resources of a fleet would both claim in Azure. */

export const FLEET_USAGE = `usage: aoai-harden fleet <input> [<input>...] [--format text|json]

Reads every stack of a synthesized app (cdktf.out, cdktf.out/stacks, stack folders or their cdk.tf.json files;
any Terraform JSON configuration) and reports what two resources would both claim in Azure, within one stack or
across stacks: a name in its scope (resource groups, accounts, VNets, subnets, DNS zones, deployments, alerts...),
a custom subdomain (global), and the singletons Azure keeps once per scope: the Defender plan of a subscription,
the NSG of a subnet, a role assignment of (scope, role, principal), one private DNS zone of a name per VNet.
A provider without subscription_id is taken as the subscription ARM_SUBSCRIPTION_ID names at plan time: stacks
that set none are judged as sharing one subscription. Exits 0 without a collision, 1 with one, 2 on bad input.

  --format FORMAT       text (default) or json: {stacks, identities, collisions: [{scope, type, name, claimedBy}]}`;

const FLEET_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  format: { type: 'string' },
} as const;

export async function fleetCommand(args: string[], io: CliIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args, options: FLEET_OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(`${FLEET_USAGE}\n`);
      return 0;
    }
    const format = values.format ?? 'text';
    if (!['text', 'json'].includes(format)) {
      throw new InputError(`--format must be text or json, not ${format}`);
    }
    if (positionals.length === 0) {
      throw new InputError('no input: name cdktf.out, its stacks folder or stack folders');
    }
    const stacks = checkUnits(positionals, (line) => io.err(`${line}\n`)).map(stackDocument);
    const collisions = FleetCollisions.find(stacks);
    const identities = FleetCollisions.identities(stacks).length;
    io.out(
      format === 'json'
        ? fleetJson(stacks, identities, collisions)
        : fleetText(stacks, identities, collisions),
    );
    return collisions.length ? 1 : 0;
  } catch (e) {
    io.err(
      `aoai-harden fleet: ${(e as Error).message}\n${e instanceof InputError ? 'see aoai-harden fleet --help\n' : ''}`,
    );
    return 2;
  }
}

/**
 * One stack's configuration as FleetCollisions reads it: its Terraform JSON, with the overrides of its folder
 * applied argument by argument (Terraform's override merge for the names and IDs it reads). Plans and states are
 * refused: the check reads configuration.
 */
function stackDocument(unit: CheckUnit): StackDocument {
  const inputs = unit.files.map(readInput);
  for (const input of inputs) {
    const format = detectFormat(input.document, `input ${input.file}`);
    if (format !== 'terraform-json') {
      throw new InputError(
        `input ${input.file}: a ${format === 'plan-json' ? 'plan' : 'state'}; fleet reads the Terraform JSON configuration (cdk.tf.json or cdktf.out)`,
      );
    }
  }
  const isOverride = (file: string) => /(^|[\\/])([^\\/]*_)?override\.tf\.json$/.test(file);
  const ordered = [...inputs.filter((i) => !isOverride(i.file)), ...inputs.filter((i) => isOverride(i.file))];
  const document: Record<string, any> = { provider: {}, resource: {}, data: {} };
  for (const { file, document: doc } of ordered) {
    const d = doc as Record<string, any>;
    for (const [name, config] of Object.entries<any>(d.provider ?? {})) document.provider[name] ??= config;
    for (const section of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries<any>(d[section] ?? {})) {
        for (const [name, body] of Object.entries<any>(byName ?? {})) {
          const merged = document[section];
          merged[type] ??= {};
          merged[type][name] = isOverride(file) ? { ...merged[type][name], ...body } : body;
        }
      }
    }
  }
  return { stackName: unit.name, document };
}

function fleetText(stacks: StackDocument[], identities: number, collisions: NameCollision[]): string {
  const names = stacks.map((s) => s.stackName).join(', ');
  return (
    [
      ...collisions.map(
        (c) => `COLLISION ${c.type} "${c.name}" in ${c.scope}: claimed by ${c.claimedBy.join('; ')}`,
      ),
      `${collisions.length} collision(s) among ${identities} named identities of ${stacks.length} stack(s) (${names}).`,
    ].join('\n') + '\n'
  );
}

function fleetJson(stacks: StackDocument[], identities: number, collisions: NameCollision[]): string {
  return `${JSON.stringify({ stacks: stacks.map((s) => s.stackName), identities, collisions }, null, 2)}\n`;
}
