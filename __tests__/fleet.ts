import { App, TerraformStack, Testing } from 'cdktf';
import { StackDocument } from '../lib/checklist/fleet-collisions';

/** Synthesize every stack of an app (Aspects included) into the documents FleetCollisions reads. */
export function synthFleet(app: App): StackDocument[] {
  return app.node.children
    .filter((c): c is TerraformStack => c instanceof TerraformStack)
    .map((stack) => ({ stackName: stack.node.id, document: JSON.parse(Testing.synth(stack)) }));
}
