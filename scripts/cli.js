#!/usr/bin/env node
// `npm run harden -- <command> ...`: runs the aoai-harden package (cli/) from a source checkout. The bundle is
// rebuilt first (cli/build.js, a fraction of a second), so it never runs stale sources, and then runs in this
// process: no child process, so a SIGTERM or SIGINT to this process reaches the command itself (run-task stops
// accepting, finishes its tasks and exits) and nothing is left behind.
// ESBUILD_WORKER_THREADS=0: esbuild's synchronous build then runs its binary as a plain child that is waited for
// and reaped, instead of a helper service that would stay beside the command (a zombie once stopped).
process.env.ESBUILD_WORKER_THREADS = '0';
const { join } = require('path');
const { build } = require('../cli/build');

const outfile = join(__dirname, '..', '.build', 'aoai-harden.js');
build(outfile);
require(outfile)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
