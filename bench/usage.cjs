// Preloaded into the aijourney process by bench/run.mjs (`node -r bench/usage.cjs ...`): at exit,
// writes its own peak RSS and CPU time to the file named by AIJOURNEY_BENCH_USAGE. The wire server
// runs in the bench process, so none of its work is counted here.
'use strict';
const { writeFileSync } = require('node:fs');

const out = process.env.AIJOURNEY_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }));
  });
}
