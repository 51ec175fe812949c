// The app command of cdktf.json (scripts/build-app.js): bundle reuse by content hash, and no process left behind.
// Runs against a throwaway copy of the project so the worktree's own .build/ is never touched.
import { spawnSync } from 'child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';

const ROOT = join(__dirname, '..');
const APP_COMMAND: string = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')).app;

let project: string;
let outdir: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'aoai-runner-'));
  for (const entry of ['lib', 'stacks', 'scripts', 'cdktf.json', 'package.json', 'tsconfig.json']) {
    cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  outdir = join(project, 'cdktf.out');
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Runs the app command exactly as cdktf.json has it, in its own process group; returns that group's id. */
function runApp(env: Record<string, string> = {}): {
  status: number | null;
  stdout: string;
  stderr: string;
  pgid: number;
} {
  // setsid: the app and anything it starts share a new process group, whose id is the pid printed first.
  const r = spawnSync('sh', ['-c', 'setsid sh -c "$APP" & echo $!; wait $!'], {
    cwd: project,
    env: { ...process.env, CDKTF_OUTDIR: outdir, APP: APP_COMMAND, ...env },
    encoding: 'utf8',
  });
  const [pid, ...rest] = r.stdout.split('\n');
  return { status: r.status, stdout: rest.join('\n'), stderr: r.stderr, pgid: Number(pid) };
}

/** Processes (zombies included) still in a process group: /proc/<pid>/stat field 5 is the group id. */
function processesInGroup(pgid: number): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid ? [stat.slice(0, stat.lastIndexOf(')') + 1)] : [];
      } catch {
        return []; // exited while we looked
      }
    });
}

const bundle = () => join(project, '.build', 'main.js');
const bundleStamp = () => statSync(bundle()).mtimeMs;

describe('the app command (cdktf.json)', () => {
  test('is the single-process runner', () => {
    expect(APP_COMMAND).toBe('node --max-semi-space-size=4 scripts/build-app.js --run');
  });

  test('builds on first run, synthesizes, and leaves no process behind (esbuild included)', () => {
    const r = runApp();
    expect(r.status).toBe(0);
    expect(existsSync(bundle())).toBe(true);
    expect(existsSync(join(outdir, 'stacks', 'aoai-hardened-dev', 'cdk.tf.json'))).toBe(true);
    // A child that outlived the app (the unref'd `esbuild --service` of buildSync's worker thread, alive or a
    // zombie) is still in the app's process group.
    expect(processesInGroup(r.pgid)).toEqual([]);
  });

  test('a no-op second synth reuses the bundle; touching a file without changing it does too', () => {
    const before = bundleStamp();
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(project, 'lib', 'account.ts'), future, future);
    const r = runApp();
    expect(r.status).toBe(0);
    expect(bundleStamp()).toBe(before);
    expect(processesInGroup(r.pgid)).toEqual([]);
  });

  test.each([
    ['lib', join('lib', 'account.ts')],
    ['stacks', join('stacks', 'config.ts')],
  ])('a change under %s rebuilds the bundle with the change in it', (_where, file) => {
    const before = bundleStamp();
    const stampBefore = readFileSync(join(project, '.build', 'main.js.inputs-sha256'), 'utf8');
    const marker = `aoai-runner-marker-${file.replace(/\W/g, '-')}`;
    appendFileSync(
      join(project, file),
      `\nexport const RUNNER_MARKER_${marker.replace(/-/g, '_')} = '${marker}';\n`,
    );
    const r = runApp();
    expect(r.status).toBe(0);
    expect(bundleStamp()).not.toBe(before);
    // The stamp now names the changed inputs.
    expect(readFileSync(join(project, '.build', 'main.js.inputs-sha256'), 'utf8')).not.toBe(stampBefore);
  });

  test('the compile cache is written once and changes nothing in the output', () => {
    const [cacheName] = readdirSync(join(project, '.build')).filter((f) =>
      /^compile-cache-\w+\.bin$/.test(f),
    );
    const cache = join(project, '.build', cacheName);
    expect(existsSync(cache)).toBe(true);
    const written = statSync(cache).mtimeMs;
    const stackJson = join(outdir, 'stacks', 'aoai-hardened-dev', 'cdk.tf.json');
    expect(runApp().status).toBe(0);
    const withCache = readFileSync(stackJson, 'utf8');
    // Nothing new compiled or resolved: the cache is not rewritten.
    expect(statSync(cache).mtimeMs).toBe(written);
    expect(runApp({ AOAI_COMPILE_CACHE: '0' }).status).toBe(0);
    expect(readFileSync(stackJson, 'utf8')).toBe(withCache);
  });

  test('a broken source fails the synth and the next run rebuilds instead of reusing a stale bundle', () => {
    const file = join(project, 'stacks', 'main.ts');
    const good = readFileSync(file, 'utf8');
    appendFileSync(file, '\nconst = ;\n');
    const broken = runApp();
    expect(broken.status).not.toBe(0);
    expect(existsSync(join(project, '.build', 'main.js.inputs-sha256'))).toBe(false);
    writeFileSync(file, good);
    const fixed = runApp();
    expect(fixed.status).toBe(0);
    expect(existsSync(join(project, '.build', 'main.js.inputs-sha256'))).toBe(true);
  });
});

describe("cdktf's token creation stacks (skipped by the runner unless AOAI_CREATION_STACKS=1)", () => {
  /** Every file the synth wrote (manifest, cdk.tf.json, the three reports), by path under the outdir. */
  function synthesizedFiles(dir: string): Record<string, string> {
    return Object.fromEntries(
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
          const file = join(e.parentPath ?? e.path, e.name);
          return [file.slice(dir.length + 1), readFileSync(file, 'utf8')];
        }),
    );
  }

  test.each([
    ['the reference app', undefined],
    ['three stacks of the bench shape', 3],
  ])('%s synthesizes byte for byte the same with and without them', (_name, stacks) => {
    const env: Record<string, string> = {};
    if (stacks) {
      const config = join(project, 'stacks.json');
      writeFileSync(
        config,
        JSON.stringify(
          Array.from({ length: stacks }, (_, i) => ({
            environment: `scale${i}`,
            subscriptionCoverage: { managedElsewhere: 'test: the subscription baseline is not under test' },
            deployments: [{ name: 'd0', modelName: 'gpt-4o', modelVersion: '2024-08-06' }],
            workloadIdentities: [`id-${i}-0`, `id-${i}-1`],
          })),
        ),
      );
      env.AOAI_CONFIG = config;
    }
    const outputs = ['0', '1'].map((keep) => {
      const dir = mkdtempSync(join(project, 'out-'));
      const r = runApp({ ...env, CDKTF_OUTDIR: dir, AOAI_CREATION_STACKS: keep });
      expect(r.status).toBe(0);
      return { files: synthesizedFiles(dir), stdout: r.stdout.split(basename(dir)).join('<outdir>') };
    });
    const [skipped, kept] = outputs;
    expect(Object.keys(skipped.files).filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(stacks ?? 1);
    expect(Object.keys(skipped.files).filter((f) => f.endsWith('hardening-report.sarif'))).toHaveLength(
      stacks ?? 1,
    );
    expect(skipped.files).toEqual(kept.files);
    expect(skipped.stdout).toBe(kept.stdout);
  });

  /** A token's creation stack in a Node process prepared like the runner's (or not). */
  function creationStackLength(skip: boolean): number {
    const r = spawnSync(
      'node',
      [
        '-e',
        `const { skipCreationStacks } = require(${JSON.stringify(join(project, 'scripts', 'build-app.js'))});
         const applied = ${skip} ? skipCreationStacks(${JSON.stringify(project)}) : false;
         const { Lazy } = require('cdktf');
         const token = Lazy.stringValue({ produce: () => 'x' });
         const { Tokenization } = require('cdktf');
         const [resolvable] = Tokenization.reverseString(token).tokens;
         process.stdout.write(JSON.stringify({ applied, length: resolvable.creationStack.length }));`,
      ],
      { cwd: project, encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const { applied, length } = JSON.parse(r.stdout);
    expect(applied).toBe(skip);
    return length;
  }

  test('the runner leaves them empty; without it cdktf records the full stack', () => {
    expect(creationStackLength(false)).toBeGreaterThan(3);
    expect(creationStackLength(true)).toBe(0);
  });

  test('only for the cdktf release it was read against', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { skipCreationStacks } = require(join(project, 'scripts', 'build-app.js'));
    const other = mkdtempSync(join(tmpdir(), 'aoai-cdktf-other-'));
    try {
      cpSync(
        join(ROOT, 'node_modules', 'cdktf', 'lib', 'tokens', 'private'),
        join(other, 'node_modules', 'cdktf', 'lib', 'tokens', 'private'),
        { recursive: true },
      );
      writeFileSync(
        join(other, 'node_modules', 'cdktf', 'package.json'),
        JSON.stringify({ name: 'cdktf', version: '0.22.0' }),
      );
      expect(skipCreationStacks(other)).toBe(false);
      expect(skipCreationStacks(mkdtempSync(join(other, 'no-cdktf-')))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
