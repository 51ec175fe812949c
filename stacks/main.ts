import { App } from 'cdktf';
import { loadStackConfigs } from './config';
import { HardenedOpenAIStack } from './hardened-openai-stack';

const app = new App();
const configFile = process.env.AOAI_CONFIG ?? (app.node.tryGetContext('aoaiConfig') as string | undefined);
for (const config of loadStackConfigs(configFile)) {
  new HardenedOpenAIStack(app, config);
}
app.synth();
