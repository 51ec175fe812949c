import { createHash } from 'crypto';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { AccountWriteStage, IOpenAIAccount } from './account';
import { azapiProviderFor } from './azapi/provider';
import { AzapiResource } from './azapi/resource';
import {
  COGNITIVE_API_VERSION,
  FILTER_SOURCES,
  MULTI_LEVEL_FILTERS,
  RAI_POLICY_MODES,
  SEVERITY_ORDER,
} from './azure-facts';
import { HardeningRecord } from './hardening-record';
import { OptOut, validateOptOut } from './opt-out';
import {
  AZURE_NAME_RULES,
  constructKey,
  fail,
  isListToken,
  isUnresolved,
  literalElements,
  rejectDuplicates,
  rethrowLocated,
  validateAzureName,
} from './validation';

/**
 * Longest blocklist item pattern accepted. Azure AI Content Safety / Azure OpenAI blocklists limit a term to
 * 1,000 characters (https://learn.microsoft.com/azure/ai-services/openai/how-to/use-blocklists; Content Safety
 * blocklist quotas).
 */
export const MAX_BLOCKLIST_PATTERN_LENGTH = 1000;

/** One content filter on one source, overriding the strict default. */
export interface ContentFilterSetting {
  /** Filter name, exact service spelling: Hate, Sexual, Violence, Selfharm, Profanity, Jailbreak, Indirect Attack, Protected Material Text, Protected Material Code. */
  readonly name: string;
  /** Prompt or Completion. */
  readonly source: string;
  /**
   * Severity threshold for the four harm categories: Low (strictest: blocks low and above), Medium or High.
   * Must be omitted for on/off filters.
   * @default "Low" for harm categories
   */
  readonly severityThreshold?: string;
  /**
   * Whether the filter runs.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Whether a hit blocks the request (false only annotates).
   * @default true
   */
  readonly blocking?: boolean;
  /**
   * Accept a setting weaker than the strict default, with a written reason.
   * @default - weaker settings are refused
   */
  readonly optOut?: OptOut;
}

/** A term or pattern in a custom blocklist. */
export interface BlocklistItem {
  /** The literal term, or a regular expression when isRegex is set. */
  readonly pattern: string;
  /**
   * Treat the pattern as a regular expression.
   * @default false
   */
  readonly isRegex?: boolean;
}

/** A custom blocklist attached to the policy. */
export interface BlocklistOptions {
  /** Blocklist name. */
  readonly name: string;
  /**
   * Description.
   * @default - none
   */
  readonly description?: string;
  /** The terms or patterns (at least one). */
  readonly items: BlocklistItem[];
  /**
   * Where the blocklist applies.
   * @default ["Prompt", "Completion"]
   */
  readonly sources?: string[];
}

/** Settings of the content filter policy. */
export interface ContentFilterPolicyProps {
  /** The account whose deployments the policy covers. */
  readonly account: IOpenAIAccount;
  /**
   * Policy name.
   * @default "strict-production-filter"
   */
  readonly policyName?: string;
  /**
   * Base policy.
   * @default "Microsoft.DefaultV2"
   */
  readonly basePolicyName?: string;
  /**
   * Filtering mode: Default or Blocking filter before content is returned; Deferred and Asynchronous_filter
   * stream content before filtering completes and need an opt-out.
   * @default "Default"
   */
  readonly mode?: string;
  /**
   * Reason for a streaming mode (Deferred, Asynchronous_filter).
   * @default - streaming modes refused
   */
  readonly modeOptOut?: OptOut;
  /**
   * Overrides of individual filters; every other filter keeps the strict default.
   * @default []
   */
  readonly filters?: ContentFilterSetting[];
  /**
   * Custom blocklists, created and attached to the policy.
   * @default []
   */
  readonly blocklists?: BlocklistOptions[];
  /**
   * Tags for the RAI policy, blocklists and blocklist items (all three accept `tags`: REST 2025-06-01
   * raiPolicies, raiBlocklists, raiBlocklistItems), so required-tag deny policies admit them.
   * @default - none (HardenedAzureOpenAI passes the account's tags)
   */
  readonly tags?: { [key: string]: string };
}

interface FilterRow {
  name: string;
  source: string;
  enabled: boolean;
  blocking: boolean;
  severityThreshold?: string;
}

/** The guide's strict policy: harm categories at Low on both sides, prompt shields, protected material. */
export const STRICT_CONTENT_FILTERS: ReadonlyArray<Readonly<FilterRow>> = [
  ...['Hate', 'Sexual', 'Violence', 'Selfharm'].flatMap((name) =>
    ['Prompt', 'Completion'].map((source) => ({
      name,
      source,
      enabled: true,
      blocking: true,
      severityThreshold: 'Low',
    })),
  ),
  { name: 'Jailbreak', source: 'Prompt', enabled: true, blocking: true },
  { name: 'Indirect Attack', source: 'Prompt', enabled: true, blocking: true },
  { name: 'Protected Material Text', source: 'Completion', enabled: true, blocking: true },
  { name: 'Protected Material Code', source: 'Completion', enabled: true, blocking: true },
];

const STRICT_MODES = ['Default', 'Blocking'];

/**
 * Phase 3, content safety: a custom RAI policy (azapi, `Microsoft.CognitiveServices/accounts/raiPolicies`)
 * at least as strict as the guide's, with jailbreak and indirect-attack shields and custom blocklists,
 * bound to every deployment on the account.
 *
 * @example
 * import { App, TerraformStack } from 'cdktf';
 * import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
 * import { ContentFilterPolicy, OpenAIAccount } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * const stack = new TerraformStack(app, 'aoai');
 * new AzurermProvider(stack, 'azurerm', { features: [{}] });
 * const account = new OpenAIAccount(stack, 'Account', {
 *   name: 'aoai-prod-swc', resourceGroupName: 'rg-aoai-prod', location: 'swedencentral',
 *   deployments: [{ name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
 * });
 * new ContentFilterPolicy(stack, 'ContentFilter', {
 *   account,
 *   blocklists: [{ name: 'corp', items: [{ pattern: 'Project Bluebird' }] }],
 * });
 */
export class ContentFilterPolicy extends Construct {
  /** The RAI policy resource. */
  public readonly policy: AzapiResource;
  /** The policy name deployments reference. @attribute */
  public readonly policyName: string;
  /** The blocklist resources, by name. */
  public readonly blocklists: Record<string, AzapiResource> = {};
  /** The effective content filters, as sent to Azure. */
  public readonly contentFilters: Array<{ [key: string]: any }>;

  constructor(scope: Construct, id: string, props: ContentFilterPolicyProps) {
    super(scope, id);
    try {
      const account = props.account;
      this.policyName = props.policyName ?? 'strict-production-filter';
      const { mode, modeOptOut } = validatePolicy(this.policyName, props);
      const record = HardeningRecord.of(this);
      const { filters, optOuts } = mergeFilters(props.filters ?? []);
      this.contentFilters = filters;
      azapiProviderFor(this);
      const blocklistConfigs = this.createBlocklists(account, props);
      this.policy = this.createPolicy(account, props, mode, blocklistConfigs);
      if (modeOptOut) record.recordOptOut(this.policy, ['AOAI-CFP-002'], 'modeOptOut', modeOptOut);
      for (const { field, optOut } of optOuts) {
        record.recordOptOut(this.policy, ['AOAI-CFP-002', 'AOAI-CFP-003', 'AOAI-CFP-004'], field, optOut);
      }
      account._bindContentFilterPolicy(this.policyName, this.policy);
    } catch (e) {
      rethrowLocated(e, this);
    }
  }

  /** The custom blocklists with their items; returns the policy's customBlocklists entries. */
  private createBlocklists(
    account: IOpenAIAccount,
    props: ContentFilterPolicyProps,
  ): Array<{ [key: string]: any }> {
    const blocklistConfigs: Array<{ [key: string]: any }> = [];
    const blocklistOptions = props.blocklists ?? [];
    blocklistOptions.forEach((b, i) =>
      validateAzureName(`blocklists[${i}].name`, b.name, AZURE_NAME_RULES.raiName),
    );
    rejectDuplicates('blocklists', blocklistOptions, (b) => b.name, 'Name each blocklist once.', true);
    blocklistOptions.forEach((b, i) => {
      const sources = validateBlocklist(`blocklists[${i}]`, b);
      // Construct ID contract: Blocklist-<name> for a literal name (unchanged), Blocklist-<index> for a reference.
      const key = constructKey(b.name, i);
      const blocklist = new AzapiResource(this, `Blocklist-${key}`, {
        type: `Microsoft.CognitiveServices/accounts/raiBlocklists@${COGNITIVE_API_VERSION}`,
        name: b.name,
        parentId: account.accountId,
        body: { properties: { description: b.description ?? `Custom blocklist ${b.name}` } },
        tags: props.tags,
        locks: [account.accountId],
      });
      account._addAccountWrite(blocklist, AccountWriteStage.BLOCKLISTS);
      this.blocklists[b.name] = blocklist;
      this.createBlocklistItems(account, blocklist, key, b.items, props.tags);
      if (isListToken(sources)) {
        // Sources from a reference: attach to both, blocking exactly where the list names the source.
        for (const source of ['Prompt', 'Completion']) {
          blocklistConfigs.push({ blocklistName: b.name, blocking: Fn.contains(sources, source), source });
        }
      } else {
        for (const source of sources) {
          blocklistConfigs.push({ blocklistName: b.name, blocking: true, source });
        }
      }
    });
    return blocklistConfigs;
  }

  /** One item per pattern, named by the pattern's hash (a pattern given by reference: by its position). */
  private createBlocklistItems(
    account: IOpenAIAccount,
    blocklist: AzapiResource,
    key: string,
    items: BlocklistItem[],
    tags: { [key: string]: string } | undefined,
  ): void {
    // One reference for every item: each read of `.id` creates a token, and cdktf captures a stack trace per token.
    const blocklistId = blocklist.id;
    items.forEach((item, j) => {
      // Item names derive from the pattern, so reordering the list does not replace items; a pattern given
      // as a reference is unknown here, so its item is named by position.
      const itemName = isUnresolved(item.pattern)
        ? `item-${j}`
        : `item-${createHash('sha256')
            .update(`${item.isRegex ? 're' : 'lit'}:${item.pattern}`)
            .digest('hex')
            .slice(0, 16)}`;
      const itemResource = new AzapiResource(this, `Blocklist-${key}-${itemName}`, {
        type: `Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems@${COGNITIVE_API_VERSION}`,
        name: itemName,
        parentId: blocklistId,
        body: { properties: { pattern: item.pattern, isRegex: item.isRegex ?? false } },
        tags,
        locks: [account.accountId],
      });
      // Items are writes on the account too: azapi locks do not order them against azurerm deployments.
      account._addAccountWrite(itemResource, AccountWriteStage.BLOCKLISTS);
    });
  }

  /** The RAI policy: the effective filters and the blocklists, after them and serialized with the account's writes. */
  private createPolicy(
    account: IOpenAIAccount,
    props: ContentFilterPolicyProps,
    mode: string,
    blocklistConfigs: Array<{ [key: string]: any }>,
  ): AzapiResource {
    return new AzapiResource(this, 'Resource', {
      type: `Microsoft.CognitiveServices/accounts/raiPolicies@${COGNITIVE_API_VERSION}`,
      name: this.policyName,
      parentId: account.accountId,
      body: {
        properties: {
          basePolicyName: props.basePolicyName ?? 'Microsoft.DefaultV2',
          mode,
          contentFilters: this.contentFilters,
          customBlocklists: blocklistConfigs,
        },
      },
      tags: props.tags,
      // Serialize with deployments and blocklists on the same account (409 RequestConflict otherwise).
      locks: [account.accountId],
      // Blocklists must exist before the policy names them, and outlive it on destroy.
      dependsOn: Object.values(this.blocklists),
    });
  }
}

/** The policy name and mode: streaming modes only with a recorded opt-out. */
function validatePolicy(
  policyName: string,
  props: ContentFilterPolicyProps,
): { mode: string; modeOptOut?: OptOut } {
  validateAzureName('policyName', policyName, AZURE_NAME_RULES.raiName);
  const mode = props.mode ?? 'Default';
  const modeIsToken = isUnresolved(mode);
  if (!modeIsToken && !RAI_POLICY_MODES.includes(mode)) {
    fail('mode', mode, `Use one of: ${RAI_POLICY_MODES.join(', ')}.`);
  }
  const modeOptOut = validateOptOut('modeOptOut', props.modeOptOut);
  if (!modeIsToken && !STRICT_MODES.includes(mode) && !modeOptOut) {
    fail(
      'mode',
      mode,
      'Streaming modes return content before filtering finishes; use "Default", or pass modeOptOut with a reason.',
    );
  }
  return { mode, modeOptOut };
}

/**
 * The strict defaults with the overrides applied: a weaker override needs its opt-out (recorded on the policy);
 * returns the filters as sent to Azure and the opt-outs to record.
 */
function mergeFilters(overrides: ContentFilterSetting[]): {
  filters: Array<{ [key: string]: any }>;
  optOuts: Array<{ field: string; optOut: OptOut }>;
} {
  const filters = STRICT_CONTENT_FILTERS.map((f) => ({ ...f }));
  rejectDuplicates(
    'filters',
    overrides,
    (f) => `${f.name}/${f.source}`,
    'Configure each filter and source once.',
  );
  const optOuts: Array<{ field: string; optOut: OptOut }> = [];
  overrides.forEach((o, i) => {
    const field = `filters[${i}]`;
    validateFilterVocabulary(field, o);
    const optOut = validateOptOut(`${field}.optOut`, o.optOut);
    const row: FilterRow = {
      name: o.name,
      source: o.source,
      enabled: o.enabled ?? true,
      blocking: o.blocking ?? true,
      severityThreshold: MULTI_LEVEL_FILTERS.includes(o.name) ? (o.severityThreshold ?? 'Low') : undefined,
    };
    const existing = filters.find((f) => f.name === o.name && f.source === o.source);
    const weaker = weakening(existing, row);
    if (weaker && !optOut) {
      fail(
        field,
        {
          name: o.name,
          source: o.source,
          ...(o.severityThreshold ? { severityThreshold: o.severityThreshold } : {}),
          enabled: row.enabled,
          blocking: row.blocking,
        },
        `This is weaker than the strict default (${weaker}); keep the default, or pass optOut with a reason.`,
      );
    }
    if (weaker && optOut) optOuts.push({ field: `filters[${o.name}/${o.source}]`, optOut });
    if (existing) Object.assign(existing, row);
    else filters.push(row);
  });
  return {
    filters: filters.map((f) => ({
      name: f.name,
      enabled: f.enabled,
      blocking: f.blocking,
      ...(f.severityThreshold ? { severityThreshold: f.severityThreshold } : {}),
      source: f.source,
    })),
    optOuts,
  };
}

/** A blocklist's items and sources; returns its sources (a literal list, or a list reference). */
function validateBlocklist(field: string, b: BlocklistOptions): string[] {
  if (!b.items || b.items.length === 0) {
    fail(`${field}.items`, b.items ?? [], 'Give the blocklist at least one item.');
  }
  const sources = b.sources ?? ['Prompt', 'Completion'];
  if (!isListToken(sources) && sources.length === 0) {
    fail(`${field}.sources`, sources, 'Attach the blocklist to Prompt, Completion or both.');
  }
  literalElements(sources).forEach((s, j) => {
    if (!isUnresolved(s) && s !== 'Prompt' && s !== 'Completion') {
      fail(`${field}.sources[${j}]`, s, 'Use "Prompt" or "Completion".');
    }
  });
  rejectDuplicates(`${field}.sources`, literalElements(sources), (s) => s, 'List each source once.');
  b.items.forEach((item, j) => validateBlocklistItem(`${field}.items[${j}]`, item));
  rejectDuplicates(
    `${field}.items`,
    b.items,
    (it) => (isUnresolved(it.pattern) ? it.pattern : `${it.isRegex ? 're' : 'lit'}:${it.pattern}`),
    'List each pattern once.',
  );
  return sources;
}

/** A literal pattern must be non-blank, bounded, and (for isRegex) a valid regular expression. */
function validateBlocklistItem(field: string, item: BlocklistItem): void {
  if (isUnresolved(item.pattern)) return;
  if (typeof item.pattern !== 'string' || item.pattern.trim() === '') {
    fail(`${field}.pattern`, item.pattern, 'Use a pattern with at least one non-blank character.');
  }
  if (item.pattern.length > MAX_BLOCKLIST_PATTERN_LENGTH) {
    fail(
      `${field}.pattern`,
      item.pattern,
      `Use at most ${MAX_BLOCKLIST_PATTERN_LENGTH} characters (got ${item.pattern.length}); split long terms into several items.`,
    );
  }
  if (item.isRegex) {
    try {
      new RegExp(item.pattern);
    } catch (e) {
      fail(
        `${field}.pattern`,
        item.pattern,
        `It is not a valid regular expression (${(e as Error).message.slice(0, 80)}); fix it or set isRegex to false.`,
      );
    }
  }
}

/** Canonical spellings for the legacy and lower-case names the guide and old API versions use. */
const SPELLING_HINTS: Record<string, string> = Object.fromEntries(
  Object.keys(FILTER_SOURCES).flatMap((name) => {
    const keys = [
      name.toLowerCase(),
      name.toLowerCase().replace(/ /g, '_'),
      name.replace(/ /g, ''),
      name.toLowerCase().replace(/ /g, ''),
    ];
    return keys.map((k) => [k, name]);
  }),
);

function validateFilterVocabulary(field: string, o: ContentFilterSetting): void {
  // References are checked on plan JSON by the checklist (AOAI-CFP rules read the policy body).
  if (isUnresolved(o.name) || isUnresolved(o.source)) return;
  const sources = FILTER_SOURCES[o.name];
  if (!sources) {
    const hint = SPELLING_HINTS[o.name] ?? SPELLING_HINTS[o.name.toLowerCase()];
    fail(
      `${field}.name`,
      o.name,
      hint ? `The service spells it "${hint}".` : `Use one of: ${Object.keys(FILTER_SOURCES).join(', ')}.`,
    );
  }
  if (o.source !== 'Prompt' && o.source !== 'Completion') {
    fail(`${field}.source`, o.source, 'Use "Prompt" or "Completion".');
  }
  if (!sources.includes(o.source)) {
    fail(`${field}.source`, o.source, `${o.name} only applies to ${sources.join(' and ')}.`);
  }
  if (o.severityThreshold !== undefined && !isUnresolved(o.severityThreshold)) {
    if (!MULTI_LEVEL_FILTERS.includes(o.name)) {
      fail(
        `${field}.severityThreshold`,
        o.severityThreshold,
        `${o.name} is an on/off filter; remove severityThreshold (only ${MULTI_LEVEL_FILTERS.join(', ')} take one).`,
      );
    }
    if (!SEVERITY_ORDER.includes(o.severityThreshold)) {
      fail(`${field}.severityThreshold`, o.severityThreshold, 'Use "Low", "Medium" or "High".');
    }
  }
}

/** Why `row` is weaker than `strict`, or undefined when it is at least as strict. */
function weakening(strict: FilterRow | undefined, row: FilterRow): string | undefined {
  if (!strict) return undefined;
  if (strict.enabled && !row.enabled) return 'disabled';
  if (strict.blocking && !row.blocking) return 'annotate-only';
  if (
    strict.severityThreshold &&
    row.severityThreshold &&
    SEVERITY_ORDER.indexOf(row.severityThreshold) > SEVERITY_ORDER.indexOf(strict.severityThreshold)
  ) {
    return `threshold ${row.severityThreshold} instead of ${strict.severityThreshold}`;
  }
  return undefined;
}
