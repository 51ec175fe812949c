// The estate model for Terraform-core tests (tools/tf-stub/README.md, "Estate model"): estates (shared fake ARMs),
// the landing-zone fixture applied into one, and stacks applied and destroyed into them through the offline
// runner. Each estate is a folder under the test file's Scratch, removed with it.
import { copyFileSync, mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Scratch, TfOptions, TfResult, runTf } from './tf';

// tools/tf-stub/estate is plain JavaScript (the stubs need no build); these are the parts tests use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const model = require('../../tools/tf-stub/estate') as {
  CONSTRAINTS: Record<string, { rule: string; sources: string[] }>;
  POLICIES: Record<string, { rule: string; sources: string[] }>;
  BEHAVIOURS: Record<string, { rule: string; sources: string[] }>;
  createEstate(
    dir: string,
    options?: { subscription?: string; policies?: string[]; clock?: string | number | null },
  ): string;
  setClock(dir: string, clock: string | number | null): void;
  readEstate(dir: string): EstateDocument;
  armResource(dir: string, id: string): ArmRecord | undefined;
};
export const { CONSTRAINTS, POLICIES, BEHAVIOURS } = model;

export interface ArmRecord {
  readonly id: string;
  readonly type: string;
  readonly location: string | null;
  readonly properties: any;
  /** The Terraform type that wrote it last. */
  readonly via: string | null;
}

export interface EstateDocument {
  readonly subscription: string;
  readonly policies: Array<{ set: string; scope: string }>;
  readonly clock: number | null;
  readonly resources: Record<string, ArmRecord>;
  readonly softDeleted: Record<string, { id: string; location: string; deletedAt: number }>;
}

/** The landing zone's subscription (the spoke; policies are assigned here) and the hub's (central DNS). */
export const SPOKE_SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
export const HUB_SUBSCRIPTION = '22222222-2222-2222-2222-222222222222';
export const LANDING_ZONE_DIR = join(__dirname, '..', 'fixtures', 'estate', 'landing-zone');
const SPOKE_RG = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups`;
const HUB_RG = `/subscriptions/${HUB_SUBSCRIPTION}/resourceGroups/rg-hub`;

/** The IDs the landing-zone fixture creates (the README example's IDs). */
export const LZ = {
  vnet: `${SPOKE_RG}/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke`,
  peSubnet: `${SPOKE_RG}/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-pe`,
  appSubnet: `${SPOKE_RG}/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-app`,
  peNsg: `${SPOKE_RG}/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-snet-pe`,
  appNsg: `${SPOKE_RG}/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-snet-app`,
  workspace: `${SPOKE_RG}/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform`,
  activityLogSetting: `/subscriptions/${SPOKE_SUBSCRIPTION}/providers/Microsoft.Insights/diagnosticSettings/activity-log-to-central`,
  defenderForAi: `/subscriptions/${SPOKE_SUBSCRIPTION}/providers/Microsoft.Security/pricings/AI`,
  zone: (name: string) => `${HUB_RG}/providers/Microsoft.Network/privateDnsZones/${name}`,
  link: (zone: string) =>
    `${HUB_RG}/providers/Microsoft.Network/privateDnsZones/${zone}/virtualNetworkLinks/link-vnet-spoke`,
  zones: [
    'privatelink.openai.azure.com',
    'privatelink.cognitiveservices.azure.com',
    'privatelink.services.ai.azure.com',
  ],
};

/** One estate folder: apply and destroy stacks into it, read its ARM resources. */
export class Estate {
  /** A new empty estate (subscription 0000..., no policies unless given). */
  public static create(
    scratch: Scratch,
    name: string,
    options: { subscription?: string; policies?: string[]; clock?: string } = {},
  ): Estate {
    const dir = join(scratch.root, 'estates', name);
    model.createEstate(dir, options);
    return new Estate(scratch, dir);
  }

  /**
   * The landing zone: an estate in the spoke subscription with the landing-zone policy set assigned, and the
   * fixture applied into it. Apply it once per test file with this, then give each scenario its own copy
   * (`copy`): the copy shares nothing with the original.
   */
  public static async landingZone(scratch: Scratch, name = 'landing-zone'): Promise<Estate> {
    const estate = Estate.create(scratch, name, {
      subscription: SPOKE_SUBSCRIPTION,
      policies: ['landing-zone'],
    });
    const r = await runTf('apply', LANDING_ZONE_DIR, {
      ...estate.options(),
      workDir: join(scratch.root, 'work', `${name}-fixture`),
    });
    if (r.code !== 0) throw new Error(`the landing-zone fixture did not apply:\n${r.output}`);
    return estate;
  }

  private constructor(
    private readonly scratch: Scratch,
    public readonly dir: string,
  ) {}

  /** An independent copy of this estate (its ARM resources, policies, clock; no Terraform state). */
  public copy(name: string): Estate {
    const dir = join(this.scratch.root, 'estates', name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(this.dir, 'estate.json'), join(dir, 'estate.json'));
    return new Estate(this.scratch, dir);
  }

  public options(): TfOptions {
    return { estate: this.dir };
  }

  /** Apply a configuration as stack `name` (its work folder, and so its state, is kept per name). */
  public apply(name: string, config: unknown, options: TfOptions = {}): Promise<TfResult> {
    return this.run('apply', name, config, options);
  }

  /** Destroy stack `name` (the configuration given, or the one last applied under that name). */
  public destroy(name: string, config?: unknown, options: TfOptions = {}): Promise<TfResult> {
    return this.run('destroy', name, config, options);
  }

  private run(command: string, name: string, config: unknown, options: TfOptions): Promise<TfResult> {
    const stackDir =
      config === undefined
        ? join(this.scratch.root, 'stacks', this.stackName(name))
        : this.scratch.stack(this.stackName(name), config);
    return runTf(command, stackDir, {
      ...options,
      estate: this.dir,
      workDir: this.scratch.workDir(this.stackName(name)),
    });
  }

  private stackName(name: string): string {
    return `${this.dir.split('/').pop()}--${name}`;
  }

  public setClock(clock: string | number | null): void {
    model.setClock(this.dir, clock);
  }

  public document(): EstateDocument {
    return JSON.parse(readFileSync(join(this.dir, 'estate.json'), 'utf8'));
  }

  /** The ARM resource with this ID (any case), or undefined. */
  public resource(id: string): ArmRecord | undefined {
    return model.armResource(this.dir, id);
  }
}

/** Terraform's output with its line wrapping collapsed, for `toContain`. */
export function flat(r: TfResult): string {
  return r.output.replace(/\s+/g, ' ');
}
