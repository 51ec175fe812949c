import { deploymentsOf } from './shared';
import { Rule, accounts, bad, na, ok } from '../../rule';

export const rule: Rule = {
  id: 'AOAI-CFP-005',
  constant: 'CFP_PINNED_VERSION',
  summary: 'Deployments pin the model version.',
  severity: 'warning',
  phase: 'Content Safety',
  title: 'Deployments pin the model version and do not upgrade automatically',
  rationale: 'An automatic model change bypasses change control and re-validation of filters and prompts.',
  references: { azurePolicy: 'aafe3651-cb78-4f68-9f81-e7e41509110f (related)' },
  failClosed: 'An unpinned or unset version fails.',
  evaluate: (m) => {
    const results = accounts(m)
      .flatMap((a) => deploymentsOf(m, a))
      .map((d) =>
        !d.modelVersion
          ? bad(d.resource.address, 'model version not pinned', '(unset)')
          : d.upgradeOption === 'OnceCurrentVersionExpired'
            ? // Pinned until the version retires, then the default version rather than a stopped deployment
              // (Learn, model-versions): no upgrade outside retirement.
              ok(d.resource.address, `version ${d.modelVersion}, upgraded only when it retires`)
            : d.upgradeOption !== 'NoAutoUpgrade'
              ? bad(
                  d.resource.address,
                  'version_upgrade_option is not NoAutoUpgrade',
                  d.upgradeOption ?? '(unset: OnceNewDefaultVersionAvailable)',
                )
              : ok(d.resource.address, `version ${d.modelVersion}, NoAutoUpgrade`),
      );
    return results.length ? results : [na('no model deployments in this configuration')];
  },
};
