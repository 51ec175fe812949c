// The app command of cdktf.json (scripts/build-app.js): a plain esbuild bundle run with node, rebuilt when its
// sources change (by content hash), leaving no process behind.
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
import { join } from 'path';

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
  test('is the bundle runner, under plain node', () => {
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
