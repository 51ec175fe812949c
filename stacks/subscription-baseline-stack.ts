import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Aspects, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { HardeningChecks, SubscriptionBaseline } from '../lib';
import { SubscriptionEntryConfig } from './config';
import { ConfiguredStack } from './configured-stack';
import { AUDIT_RETENTION_DAYS } from '../lib/azure-facts';
import { NAME_LIMITS, fitName } from '../lib/naming';

/**
 * The reference app's stack for a `subscription` entry: what exists once per subscription (the Activity Log export
 * and the Defender for AI plan), deployed before the account stacks that declare `byBaselineStack(<this stack>)`.
 * Without an existing workspace it creates one for the Activity Log, with the audit retention and no shared keys.
 */
export class SubscriptionBaselineStack extends ConfiguredStack {
  public readonly baseline: SubscriptionBaseline;

  constructor(scope: Construct, config: SubscriptionEntryConfig) {
    super(scope, config);
    this.baseline = new SubscriptionBaseline(this, 'Baseline', {
      namePrefix: config.namePrefix,
      activityLogWorkspaceId: config.activityLogWorkspaceId ?? this.createWorkspace(config).id,
      activityLogExportManagedBy: config.activityLogExportManagedBy,
      defenderExtensions: config.defenderExtensions,
    });
    Aspects.of(this).add(new HardeningChecks());
    new TerraformOutput(this, 'subscription_scope', { value: this.baseline.subscriptionScope });
  }

  private createWorkspace(config: SubscriptionEntryConfig): LogAnalyticsWorkspace {
    const rg = new ResourceGroup(this, 'ResourceGroup', {
      name: config.resourceGroupName,
      location: config.location,
      tags: config.tags,
    });
    return new LogAnalyticsWorkspace(this, 'ActivityLogWorkspace', {
      name: fitName(`log-${config.namePrefix}`, NAME_LIMITS.LOG_ANALYTICS_WORKSPACE),
      resourceGroupName: rg.name,
      location: config.location,
      sku: 'PerGB2018',
      // The Activity Log is audit evidence: the same retention the account stacks keep for their logs.
      retentionInDays: AUDIT_RETENTION_DAYS,
      localAuthenticationEnabled: false,
      tags: config.tags,
    });
  }
}
