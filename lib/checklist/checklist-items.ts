/**
 * Every item of the guide's Hardening Validation Checklist, mapped to the rules that prove it at synth time
 * and, where only a running deployment can prove it, the exact step to run after deploy.
 * Placeholders: <sub> custom subdomain, <deployment>, <ip> private endpoint IP, <rg>, <account>, <workspace-id>.
 */
export type ProofLevel = 'proven at synth' | 'partly proven at synth' | 'post-deploy';

export interface ChecklistItem {
  readonly id: string;
  readonly phase: string;
  readonly item: string;
  readonly rules: readonly string[];
  readonly proof: ProofLevel;
  readonly postDeploy?: string;
  /** The `aoai-harden verify` checks (IDs or ID families) that prove this item against the live deployment. */
  readonly verifiedBy?: readonly string[];
  /** Why `aoai-harden verify` cannot prove this post-deploy item, so it stays a manual step. */
  readonly manualReason?: string;
}

export const CHECKLIST: readonly ChecklistItem[] = [
  {
    id: 'NI-1',
    phase: 'Network Isolation',
    item: 'Private endpoint resolves correctly from within the VNet',
    rules: ['AOAI-NET-005', 'AOAI-NET-006', 'AOAI-NET-007'],
    proof: 'partly proven at synth',
    postDeploy:
      'From a VM in the VNet: `nslookup <sub>.openai.azure.com` must answer <ip> (via <sub>.privatelink.openai.azure.com), not a public address.',
    verifiedBy: ['VERIFY-NET-001', 'VERIFY-NET-002'],
  },
  {
    id: 'NI-2',
    phase: 'Network Isolation',
    item: 'Public access is refused from outside the VNet',
    rules: ['AOAI-NET-001', 'AOAI-NET-002', 'AOAI-NET-003'],
    proof: 'partly proven at synth',
    postDeploy:
      'From outside: `curl -s -o /dev/null -w "%{http_code}\\n" -H "Authorization: Bearer $(az account get-access-token --resource https://cognitiveservices.azure.com --query accessToken -o tsv)" "https://<sub>.openai.azure.com/openai/deployments?api-version=2024-10-21"` must print 403 (public network access disabled).',
    verifiedBy: ['VERIFY-NET-003'],
  },
  {
    id: 'NI-3',
    phase: 'Network Isolation',
    item: 'NSG rules block traffic from unauthorized subnets',
    rules: ['AOAI-NET-008', 'AOAI-NET-009'],
    proof: 'partly proven at synth',
    postDeploy:
      'From a VM in a subnet not in the allowed sources: `nc -vz -w 5 <ip> 443` must time out; from an app subnet it must connect. Or `az network watcher test-ip-flow --direction Inbound --protocol TCP --local <ip>:443 --remote <source-ip>:50000 --vm <vm>`.',
    manualReason:
      'needs probes from a subnet outside the allowed sources and from an app subnet; verify runs from one place',
  },
  {
    id: 'NI-4',
    phase: 'Network Isolation',
    item: 'DNS resolution works across peered VNets and from on-premises',
    rules: ['AOAI-NET-007'],
    proof: 'partly proven at synth',
    postDeploy:
      'From a peered VNet and from on-premises (through the DNS resolver): `nslookup <sub>.openai.azure.com` must answer <ip>. Every resolving VNet must be in additionalDnsLinkedVirtualNetworkIds.',
    manualReason:
      'needs a resolver in every peered VNet and on-premises network: run `aoai-harden verify --from vnet --only VERIFY-NET` from each',
  },
  {
    id: 'IA-1',
    phase: 'Identity and Access',
    item: 'API keys return 401 when disableLocalAuth is true',
    rules: ['AOAI-IAM-001'],
    proof: 'partly proven at synth',
    postDeploy:
      '`az cognitiveservices account keys list -g <rg> -n <account>` must fail (BadRequest: local auth disabled); a call with an `api-key` header must return 403 AuthenticationTypeDisabled (a 401 means the key was checked, so key auth is still on).',
    verifiedBy: ['VERIFY-IAM-001', 'VERIFY-IAM-005'],
  },
  {
    id: 'IA-2',
    phase: 'Identity and Access',
    item: 'Managed identity authentication succeeds from authorized workloads',
    rules: ['AOAI-IAM-002', 'AOAI-IAM-005'],
    proof: 'partly proven at synth',
    postDeploy:
      'From inside the VNet: `npx aoai-harden verify --from vnet --workload-client-id <client ID> ...` calls each deployment as that identity (its token is checked to carry the client ID); the benign call must return 200.',
    verifiedBy: ['VERIFY-IAM-002'],
  },
  {
    id: 'IA-3',
    phase: 'Identity and Access',
    item: 'Cognitive Services OpenAI User cannot create or modify deployments',
    rules: ['AOAI-IAM-003', 'AOAI-IAM-004'],
    proof: 'partly proven at synth',
    postDeploy:
      'Signed in as the workload identity: `az cognitiveservices account deployment create -g <rg> -n <account> --deployment-name probe --model-name gpt-4o --model-version 2024-08-06 --model-format OpenAI --sku-name Standard --sku-capacity 1` must fail with AuthorizationFailed.',
    verifiedBy: ['VERIFY-IAM-003'],
  },
  {
    id: 'IA-4',
    phase: 'Identity and Access',
    item: 'RBAC denials are logged in the Activity Log',
    rules: ['AOAI-MON-003'],
    proof: 'partly proven at synth',
    postDeploy:
      'After IA-3, in the workspace: `AzureActivity | where ResourceProviderValue =~ "MICROSOFT.COGNITIVESERVICES" and ActivityStatusValue =~ "Failed" | where TimeGenerated > ago(1h)` must list the denied write (the rbac-denied detection fires).',
    verifiedBy: ['VERIFY-IAM-004'],
  },
  {
    id: 'CS-1',
    phase: 'Content Safety',
    item: 'Run the content filter test suite against each deployment',
    rules: ['AOAI-CFP-001', 'AOAI-CFP-002'],
    proof: 'partly proven at synth',
    postDeploy:
      'For each deployment, from inside the VNet: `npx aoai-harden verify --from vnet --blocklist-term <term> --only VERIFY-CS-001 ...`; benign and borderline prompts must be allowed and annotated, and the blocklist term filtered (a harmful prompt is no test: the model refuses it with a 200, which is not a filter result).',
    verifiedBy: ['VERIFY-CS-001'],
  },
  {
    id: 'CS-2',
    phase: 'Content Safety',
    item: 'Jailbreak detection and indirect attack filters are enabled',
    rules: ['AOAI-CFP-003'],
    proof: 'proven at synth',
    verifiedBy: ['VERIFY-CS-002'],
  },
  {
    id: 'CS-3',
    phase: 'Content Safety',
    item: 'Custom blocklists function correctly',
    rules: ['AOAI-CFP-006'],
    proof: 'partly proven at synth',
    postDeploy:
      'Ask the model to repeat a blocklist item: a prompt-side list answers HTTP 400 content_filter with `custom_blocklists` filtered in the inner error, a completion-side list HTTP 200 with finish_reason content_filter; a new item can take about 5 minutes to apply.',
    verifiedBy: ['VERIFY-CS-003'],
  },
  {
    id: 'CS-4',
    phase: 'Content Safety',
    item: 'Content filter annotations are present in API responses',
    rules: [],
    proof: 'post-deploy',
    postDeploy:
      '`npx aoai-harden verify --from vnet ...` (VERIFY-CS-004) checks that an allowed response carries prompt_filter_results and choices[].content_filter_results.',
    verifiedBy: ['VERIFY-CS-004'],
  },
  {
    id: 'MO-1',
    phase: 'Monitoring',
    item: 'Diagnostic logs appear in Log Analytics within 5 minutes of API calls',
    rules: ['AOAI-MON-001'],
    proof: 'partly proven at synth',
    postDeploy:
      '`az monitor log-analytics query -w <workspace-id> --analytics-query "AzureDiagnostics | where ResourceProvider == \'MICROSOFT.COGNITIVESERVICES\' | where TimeGenerated > ago(10m) | summarize count() by Category"` five minutes after a test call must show RequestResponse rows.',
    verifiedBy: ['VERIFY-MON-001'],
  },
  {
    id: 'MO-2',
    phase: 'Monitoring',
    item: 'Each KQL detection query is tested with synthetic events',
    rules: ['AOAI-MON-004', 'AOAI-MON-005', 'AOAI-MON-006', 'AOAI-MON-007', 'AOAI-MON-009'],
    proof: 'partly proven at synth',
    postDeploy:
      "Every query is parsed and analysed against the table schemas by the test suite. After deploy: generate 60 calls in 5 minutes (request rate), 25 filtered prompts (content filter), one api-key call (key auth), and one deployment write (change), then run each rule's query in the workspace.",
    verifiedBy: ['VERIFY-MON-002'],
  },
  {
    id: 'MO-3',
    phase: 'Monitoring',
    item: 'Alert rules fire correctly for test scenarios',
    rules: ['AOAI-MON-005', 'AOAI-MON-006', 'AOAI-MON-007', 'AOAI-MON-008', 'AOAI-MON-010', 'AOAI-MON-014'],
    proof: 'partly proven at synth',
    postDeploy:
      "After MO-2's scenarios: `az monitor alert list` (or Alerts in the portal) must show the fired alerts and the action groups' receivers must get the notifications.",
    verifiedBy: ['VERIFY-MON-003', 'VERIFY-MON-004'],
  },
  {
    id: 'MO-4',
    phase: 'Monitoring',
    item: 'Log retention policies meet compliance requirements',
    rules: ['AOAI-MON-002'],
    proof: 'proven at synth',
    postDeploy:
      'Only for an existing workspace: `az monitor log-analytics workspace show --ids <workspace-id> --query retentionInDays` must be at least 365.',
    verifiedBy: ['VERIFY-MON-005'],
  },
];
