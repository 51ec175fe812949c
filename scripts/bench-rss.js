// Preloaded into benchmarked processes: reports peak resident memory (KiB) and CPU time (user + system, µs)
// of the process on exit.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nBENCH_MAXRSS_KB=${u.maxRSS} BENCH_CPU_US=${u.userCPUTime + u.systemCPUTime}\n`);
});
