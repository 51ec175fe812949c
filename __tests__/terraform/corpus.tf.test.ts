// Every stack the unit suite synthesizes goes through Terraform core: `npm test` records each distinct
// Testing.synth output (tools/tf-stub/corpus.js, .build/tf-corpus/), and this file mounts them all as modules of
// one root configuration, so that one `terraform plan` (which validates the configuration first) judges over a
// hundred stacks. Stacks a test
// weakens on purpose (helpers.ts synthRefused) are planned in a root of their own and must each be refused with
// the error their test named.
import { mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Scratch, TfResult, runTf } from './tf';

// tools/tf-stub is plain JavaScript (test infrastructure, no build).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const corpus = require('../../tools/tf-stub/corpus') as {
  DEFAULT_DIR: string;
  CORPUS_ENV: string;
  corpusDir(): string | undefined;
  readCorpus(): CorpusEntry[] | undefined;
  mountCorpus(entries: CorpusEntry[], dir: string): { modules: Map<string, CorpusEntry> };
};

interface CorpusEntry {
  readonly hash: string;
  readonly testPath?: string;
  readonly testName?: string;
  readonly expectRefusal?: { error: string; reason: string };
  readonly config: any;
}

const corpusDir = corpus.corpusDir() ?? corpus.DEFAULT_DIR;
const entries = corpus.readCorpus();
if (!entries) {
  throw new Error(
    `No Terraform corpus in ${corpusDir}: \`npm test\` records it (the unit suite with ${corpus.CORPUS_ENV} set ` +
      `records every stack it synthesizes). Run \`npm test\`, or \`${corpus.CORPUS_ENV}=.build/tf-corpus npx jest\` and then this file.`,
  );
}
// After the check: a file that fails while loading runs no afterAll, and its scratch folder would stay behind.
const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const valid = entries.filter((e) => !e.expectRefusal);
const refused = entries.filter((e) => e.expectRefusal);
const origin = (e: CorpusEntry) => `${e.testPath} > ${e.testName} (stack ${e.hash})`;
/** Each stack's resource blocks as module addresses, but a block with a literal `count = 0` (it creates nothing). */
const resourceBlocks = (es: CorpusEntry[]) =>
  es.flatMap((e) =>
    Object.entries<any>(e.config.resource ?? {}).flatMap(([type, instances]) =>
      Object.entries<any>(instances)
        .filter(([, body]) => body.count !== 0)
        .map(([name]) => `module.s_${e.hash}.${type}.${name}`),
    ),
  );

/** Terraform's error blocks by module (stack hash), whitespace collapsed (Terraform wraps its messages). */
function errorsByStack(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of output.split(/^(?=(?:│ )?Error: )/m).slice(1)) {
    const hash = /on stacks\/([0-9a-f]{16})\//.exec(block)?.[1] ?? '(root)';
    out.set(hash, [...(out.get(hash) ?? []), block.replace(/\s+/g, ' ')]);
  }
  return out;
}

describe('the stacks the unit suite synthesized', () => {
  const root = join(scratch.root, 'stacks', 'corpus');
  let plan: TfResult;

  beforeAll(async () => {
    mkdirSync(root, { recursive: true });
    corpus.mountCorpus(valid, root);
    plan = await runTf('plan', root, { workDir: scratch.workDir('corpus') });
    // One plan of every stack (about 40 s at a light load) took over 180 s twice at load 10-14 on the shared
    // machine; a hung Terraform still fails, after 10 minutes.
  }, 600_000);

  // A recorder that silently stopped recording would make every test below pass on nothing. A partial unit run
  // (`npm test -- <files>`) records only those files' stacks and fails here, saying so.
  test('the corpus holds stacks from across the unit suite', () => {
    const files = new Set(entries.map((e) => e.testPath));
    const expected = [
      '__tests__/inputs.test.ts',
      '__tests__/token-properties.test.ts',
      '__tests__/apply-graph.test.ts',
    ];
    const missing = expected.filter((f) => !files.has(f));
    if (valid.length <= 50 || files.size <= 10 || missing.length || refused.length === 0) {
      throw new Error(
        `the corpus in ${corpusDir} holds ${valid.length} stacks (${refused.length} refused) from ${files.size} test ` +
          `files${missing.length ? `, none from ${missing.join(', ')}` : ''}: it looks recorded by a partial unit run. ` +
          'Run the full `npm test`.',
      );
    }
    expect(files.size).toBeGreaterThan(10);
  });

  test('terraform plan validates and plans every one: no error, every resource created, conditions hold', () => {
    const byHash = new Map(valid.map((e) => [e.hash, e]));
    const errors = [...errorsByStack(plan.output)].map(
      ([hash, es]) => `${byHash.has(hash) ? origin(byHash.get(hash)!) : hash}: ${es.join(' | ')}`,
    );
    expect(errors).toEqual([]);
    expect(plan.code).toBe(0);
    // Every resource block of every stack is created (each instance of a counted or for_each one), plus the root's
    // terraform_data that stands for unknown variable values; the summary line counts the same.
    const creates = JSON.parse(readFileSync(plan.planJson!, 'utf8'))
      .resource_changes.filter((c: any) => c.change.actions.join() === 'create')
      .map((c: any) => c.address.replace(/\[[^\]]*\]$/, ''));
    const planned = new Set(creates);
    expect(resourceBlocks(valid).filter((a) => !planned.has(a))).toEqual([]);
    expect(planned.has('terraform_data.corpus_unknown')).toBe(true);
    expect(plan.output).toContain(`Plan: ${creates.length} to add, 0 to change, 0 to destroy.`);
    expect(creates.length).toBeGreaterThan(resourceBlocks(valid).length);
  });
});

describe('the stacks the unit suite weakened on purpose', () => {
  const root = join(scratch.root, 'stacks', 'refused');
  let plan: TfResult;

  beforeAll(async () => {
    mkdirSync(root, { recursive: true });
    corpus.mountCorpus(refused, root);
    plan = await runTf('plan', root, { workDir: scratch.workDir('refused') });
  });

  test('there are some, each with a reason', () => {
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(e.expectRefusal!.reason.length).toBeGreaterThan(10);
  });

  test('Terraform refuses each with the error its test named', () => {
    expect(plan.code).toBe(1);
    const errors = errorsByStack(plan.output);
    const notRefused = refused
      .filter((e) => !(errors.get(e.hash) ?? []).some((m) => m.includes(e.expectRefusal!.error)))
      .map(
        (e) =>
          `${origin(e)}: expected "${e.expectRefusal!.error}", got ${JSON.stringify(errors.get(e.hash) ?? [])}`,
      );
    expect(notRefused).toEqual([]);
  });
});
