import { IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { HardeningScope } from './scope';
import { registerChecks, StackCheck } from './stack-checks';

/** Settings of a HardeningChecks Aspect; every one has a default that keeps the checks in force. */
export interface HardeningChecksProps {
  /**
   * Write hardening-report.{json,md,sarif} next to the synthesized stack (cdktf.out/stacks/<stack>/).
   * @default true
   */
  readonly writeReports?: boolean;
  /**
   * Date used to expire suppressions (YYYY-MM-DD).
   * @default - today (UTC)
   */
  readonly today?: string;
  /**
   * Print a one-line summary per stack to stdout (and, when the synth fails, every warning, which would otherwise
   * be lost with the manifest).
   * @default - printed when the app runs under the cdktf CLI (CDKTF_OUTDIR is set), so `cdktf synth` shows it
   */
  readonly printSummary?: boolean;
  /**
   * What the checks judge: every phase, or only some with the others declared managed elsewhere (each with its
   * reason, recorded in the report). `HardeningScope.only([HardeningPhase.CONTENT_SAFETY], reason)` for a stack that
   * applies one phase to an account it does not own. A resource written here that weakens a phase managed
   * elsewhere still fails.
   * @default HardeningScope.all(): every phase is judged
   */
  readonly scope?: HardeningScope;
}

/**
 * Runs the hardening checklist on each stack at synth, cdk-nag style: error-level findings are error
 * annotations and fail synth (through a stack validation); warnings are warning annotations.
 *
 * `Aspects.of(stack).add(new HardeningChecks())`, or on the App: cdktf 0.21 does not run App-level Aspects, so
 * an App-level HardeningChecks is applied by every stack that has the checks (HardenedAzureOpenAI adds them) and
 * judges the written JSON of every other stack of that app. In an app without any HardenedAzureOpenAI, add it to
 * each stack: cdktf itself never runs an Aspect that is only on the App.
 * However many instances reach a stack, it is judged once, from the stack's own `toTerraform()`.
 *
 * @example
 * import { App, Aspects, TerraformStack } from 'cdktf';
 * import { HardeningChecks } from 'cdktf-azure-openai-hardening';
 *
 * const app = new App();
 * const stack = new TerraformStack(app, 'my-own-stack'); // a stack written without HardenedAzureOpenAI
 * Aspects.of(stack).add(new HardeningChecks({ today: '2026-06-01' }));
 * app.synth(); // reports in cdktf.out/stacks/my-own-stack/hardening-report.{md,json,sarif,junit.xml}
 */
export class HardeningChecks implements IAspect {
  /**
   * The checks HardenedAzureOpenAI adds to its stack by default (once per stack).
   * @internal
   */
  public static _addDefault(scope: IConstruct): void {
    const checks = new HardeningChecks();
    registerChecks(checks, {}, true);
    StackCheck.of(TerraformStack.of(scope)).add(checks);
  }

  constructor(props: HardeningChecksProps = {}) {
    registerChecks(
      this,
      {
        writeReports: props.writeReports,
        today: props.today,
        printSummary: props.printSummary,
        managedElsewhere: props.scope?.excluded.map((e) => ({ phase: e.phase.name, reason: e.reason })),
      },
      false,
    );
  }

  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) StackCheck.of(node).add(this);
  }
}
