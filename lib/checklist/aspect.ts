import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Annotations, App, IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { runChecks } from './engine';
import { loadModel } from './model';
import { toJson, toMarkdown, toSarif } from './reporters';

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
}

/**
 * Runs the hardening checklist on each stack at synth, cdk-nag style: error-level findings are error
 * annotations and fail synth (through a stack validation); warnings are warning annotations.
 * `Aspects.of(stack).add(new HardeningChecks())`.
 */
export class HardeningChecks implements IAspect {
  private readonly stacks = new Set<TerraformStack>();

  constructor(private readonly props: HardeningChecksProps = {}) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack) || this.stacks.has(node)) return;
    this.stacks.add(node);
    const stack = node;
    stack.node.addValidation({ validate: () => this.check(stack) });
  }

  private check(stack: TerraformStack): string[] {
    const report = runChecks(loadModel(stack.toTerraform(), stack.node.id), { today: this.props.today });
    const byAddress = new Map<string, IConstruct>();
    for (const c of stack.node.findAll()) {
      if (c instanceof TerraformResource) {
        byAddress.set(`${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
      }
    }
    const errors: string[] = [];
    for (const f of report.findings.filter((x) => x.status === 'non-compliant')) {
      const target = (f.address && byAddress.get(f.address)) || stack;
      const message = `[${f.ruleId}] ${f.message}${f.value !== undefined ? ` (value: ${JSON.stringify(f.value)})` : ''}`;
      if (f.severity === 'error') {
        Annotations.of(target).addError(message);
        errors.push(`${f.address ?? stack.node.id}: ${message}`);
      } else {
        Annotations.of(target).addWarning(message);
      }
    }
    if (this.props.writeReports ?? true) {
      const dir = join(App.of(stack).outdir, 'stacks', stack.node.id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'hardening-report.json'), toJson(report));
      writeFileSync(join(dir, 'hardening-report.md'), toMarkdown(report));
      writeFileSync(join(dir, 'hardening-report.sarif'), toSarif(report));
    }
    return errors;
  }
}
