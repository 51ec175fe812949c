import { App } from 'cdktf';
import { ConfigError } from './config';
import { addReferenceStacks } from './reference-app';
import { HardeningConfigError } from '../lib/validation';

const app = new App();
const configFile = process.env.AOAI_CONFIG ?? (app.node.tryGetContext('aoaiConfig') as string | undefined);
try {
  addReferenceStacks(app, configFile);
} catch (e) {
  // A configuration mistake is reported as its message (field, value, fix), not as a Node stack trace.
  if (e instanceof ConfigError || e instanceof HardeningConfigError) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
app.synth();
