/**
 * Every checklist rule ID, for programs that embed the checklist (filter a report, suppress a rule).
 * IDs are stable: never reused or renumbered. docs/rules.md describes each.
 */
export class RuleIds {
  /** Public network access is disabled on the account. */
  public static readonly NET_PUBLIC_ACCESS = 'AOAI-NET-001';
  /** The network ACL denies by default, with no IP or VNet rules. */
  public static readonly NET_ACL_DENY = 'AOAI-NET-002';
  /** Trusted-service bypass is explicitly None. */
  public static readonly NET_BYPASS_NONE = 'AOAI-NET-003';
  /** Outbound network access is restricted. */
  public static readonly NET_OUTBOUND_RESTRICTED = 'AOAI-NET-004';
  /** The account has a custom subdomain. */
  public static readonly NET_CUSTOM_SUBDOMAIN = 'AOAI-NET-005';
  /** A private endpoint with the account sub-resource and a DNS zone group. */
  public static readonly NET_PRIVATE_ENDPOINT = 'AOAI-NET-006';
  /** The DNS zones the kind needs, linked without auto-registration. */
  public static readonly NET_PRIVATE_DNS = 'AOAI-NET-007';
  /** The endpoint subnet has network policies and an NSG. */
  public static readonly NET_SUBNET_POLICIES = 'AOAI-NET-008';
  /** The endpoint NSG admits only named sources on TCP 443 and denies the rest. */
  public static readonly NET_NSG_RULES = 'AOAI-NET-009';
  /** Key (local) authentication is disabled. */
  public static readonly IAM_LOCAL_AUTH = 'AOAI-IAM-001';
  /** The account has a managed identity. */
  public static readonly IAM_MANAGED_IDENTITY = 'AOAI-IAM-002';
  /** No privileged role on the account or a scope that contains it. */
  public static readonly IAM_PRIVILEGED_ROLES = 'AOAI-IAM-003';
  /** No contributor-level role for individual users. */
  public static readonly IAM_USER_CONTRIBUTOR = 'AOAI-IAM-004';
  /** Scoped role definition IDs and explicit principal types. */
  public static readonly IAM_ASSIGNMENT_FORM = 'AOAI-IAM-005';
  /** Every deployment is bound to a custom content filter policy it depends on. */
  public static readonly CFP_BOUND_POLICY = 'AOAI-CFP-001';
  /** Harm filters block at Low on prompts and completions, synchronously. */
  public static readonly CFP_HARM_FILTERS = 'AOAI-CFP-002';
  /** Prompt shields are enabled and blocking. */
  public static readonly CFP_PROMPT_SHIELDS = 'AOAI-CFP-003';
  /** Protected material is blocked on completions. */
  public static readonly CFP_PROTECTED_MATERIAL = 'AOAI-CFP-004';
  /** Deployments pin the model version. */
  public static readonly CFP_PINNED_VERSION = 'AOAI-CFP-005';
  /** A blocking custom blocklist with items is attached. */
  public static readonly CFP_BLOCKLIST = 'AOAI-CFP-006';
  /** Every attached custom blocklist blocks. */
  public static readonly CFP_BLOCKLIST_BLOCKING = 'AOAI-CFP-007';
  /** Diagnostics send the required logs and metrics to Log Analytics. */
  public static readonly MON_DIAGNOSTICS = 'AOAI-MON-001';
  /** Log retention meets 365 days. */
  public static readonly MON_RETENTION = 'AOAI-MON-002';
  /** The Activity Log is exported. */
  public static readonly MON_ACTIVITY_LOG = 'AOAI-MON-003';
  /** Detection: request rate per caller. */
  public static readonly MON_REQUEST_RATE = 'AOAI-MON-004';
  /** Alert: content filter rate. */
  public static readonly MON_CONTENT_FILTER_ALERT = 'AOAI-MON-005';
  /** Alert: API key use. */
  public static readonly MON_KEY_AUTH_ALERT = 'AOAI-MON-006';
  /** Alert: deployment configuration change. */
  public static readonly MON_CHANGE_ALERT = 'AOAI-MON-007';
  /** Alert: token consumption. */
  public static readonly MON_TOKEN_ALERT = 'AOAI-MON-008';
  /** Alert: first-seen caller IP. */
  public static readonly MON_NEW_IP_ALERT = 'AOAI-MON-009';
  /** Alerts notify an action group. */
  public static readonly MON_ACTION_GROUPS = 'AOAI-MON-010';
  /** Defender for AI plan and account setting. */
  public static readonly MON_DEFENDER = 'AOAI-MON-011';
  /** Alert rules and action groups are enabled and notify over HTTPS. */
  public static readonly MON_ENABLED = 'AOAI-MON-012';
  /** Deployed log alert queries are the package's detections, unchanged. */
  public static readonly MON_KNOWN_DETECTIONS = 'AOAI-MON-013';
  /** Every action group has at least one receiver. */
  public static readonly MON_RECEIVERS = 'AOAI-MON-014';
  /** The input has an Azure OpenAI account to judge. */
  public static readonly CHK_NO_ACCOUNT = 'AOAI-CHK-001';
  /** Every account and value the rules need can be judged. */
  public static readonly CHK_CANNOT_JUDGE = 'AOAI-CHK-002';
  /** Exemption records are well-formed. */
  public static readonly CHK_EXEMPTION_RECORD = 'AOAI-CHK-003';
  /** No lifecycle setting hides or disarms a hardened attribute. */
  public static readonly CHK_LIFECYCLE = 'AOAI-CHK-004';

  /** Every rule ID, in report order. */
  public static all(): string[] {
    return Object.values(RuleIds).filter((v): v is string => typeof v === 'string');
  }

  /** Rules no exemption can silence: they say the checklist itself could not do its work. */
  public static notExemptable(): string[] {
    return [RuleIds.CHK_NO_ACCOUNT, RuleIds.CHK_EXEMPTION_RECORD];
  }
}
