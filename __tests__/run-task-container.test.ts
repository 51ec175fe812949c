// The run task's container image (issue 26): cli/Dockerfile. There is no Docker here, so the image is held to what
// is run: this file reads the Dockerfile (a small Node 22 base, the packed tarball of this version, a non-root
// user, the entrypoint, the port it exposes and the run task's own default, the health check on the server's
// health route) and runs that entrypoint, with the image's environment, on loopback
// (scripts/run-task-container.js): a signed task answered and judged, the HEALTHCHECK command passing, SIGTERM
// ending it with no process left. scripts/tarball-smoke.js runs the same from the installed tarball.
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
/* eslint-disable @typescript-eslint/no-require-imports */
const { build } = require('../cli/build');
const { entrypointProblems, exerciseEntrypoint, readImage } = require('../scripts/run-task-container');
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = join(__dirname, '..');
const image = readImage();
const work = mkdtempSync(join(tmpdir(), 'aoai-container-'));
const bundle = join(work, 'aoai-harden'); // the bin's name on the image's PATH
beforeAll(() => build(bundle));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('a small Node 22 base, the packed tarball of this version installed globally, a non-root user', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8')).version;
  expect(image.from).toMatch(/^node:22-slim(@sha256:[0-9a-f]{64})?$/);
  expect(image.args.AOAI_HARDEN_VERSION).toBe(version);
  expect(image.copies).toEqual([['aoai-harden-${AOAI_HARDEN_VERSION}.tgz', '/tmp/aoai-harden.tgz']]);
  expect(image.runs.join('\n')).toMatch(/npm install --global --omit=dev [^&]*\/tmp\/aoai-harden\.tgz/);
  expect(image.user).toBe('node');
  // No key in the image: it comes at run time.
  expect(Object.keys(image.env).filter((k) => /HMAC/.test(k))).toEqual([]);
});

test('ENTRYPOINT aoai-harden run-task, on every interface of the container at the port it exposes: the default', () => {
  expect(image.entrypoint).toEqual(['aoai-harden', 'run-task']);
  expect(image.cmd).toBeUndefined();
  expect(image.env.AOAI_RUN_TASK_HOST).toBe('0.0.0.0');
  expect(image.expose).toEqual([image.env.AOAI_RUN_TASK_PORT]);
  // The run task's own default port (its --help), so the image and a plain `aoai-harden run-task` agree.
  const help = spawnSync(process.execPath, [bundle, 'run-task', '--help'], { encoding: 'utf8' }).stdout;
  expect(help).toMatch(new RegExp(`--port +AOAI_RUN_TASK_PORT +default ${image.env.AOAI_RUN_TASK_PORT}\\n`));
  expect(image.healthcheck.cmd[0]).toBe('node');
  expect(image.healthcheck.cmd.join(' ')).toContain("/healthz'");
});

test('the entrypoint with the image environment, on loopback: a signed task judged, healthy, SIGTERM ends it', async () => {
  const result = await exerciseEntrypoint(bundle, image);
  expect(entrypointProblems(result)).toEqual([]);
  expect(result).toEqual(
    expect.objectContaining({ answer: 200, status: 'failed', health: 0, exit: 0, groupLeft: false }),
  );
  expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
}, 30_000);
