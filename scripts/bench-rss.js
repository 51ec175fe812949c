// Preloaded into benchmarked processes: reports peak resident memory (KiB) on exit.
process.on('exit', () => process.stderr.write(`\nBENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`));
