import { readFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

/**
 * Run the README's construct example as written (its package import pointed at lib/), synthesizing into
 * `outdir`; returns the folder of its stack (cdk.tf.json and the hardening reports). `edit` changes the source
 * first, as a user editing the example would (day-2 tests); it must change something.
 */
export function runReadmeExample(
  outdir: string,
  heading = '## Use the constructs in your own stack',
  stackName = 'aoai-prod-swedencentral',
  edit?: (source: string) => string,
): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  if (!readme.includes(heading)) throw new Error(`README has no section ${heading}`);
  const section = readme.slice(readme.indexOf(heading));
  const written = /```ts\n([\s\S]*?)```/
    .exec(section)![1]
    .replace("'cdktf-azure-openai-hardening'", `'${join(__dirname, '..', 'lib').replace(/\\/g, '/')}'`);
  const source = edit ? edit(written) : written;
  if (edit && source === written) {
    throw new Error(`the edit changed nothing in the README section ${heading}`);
  }
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    new Function('require', 'exports', js)(require, {});
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  return join(outdir, 'stacks', stackName);
}
