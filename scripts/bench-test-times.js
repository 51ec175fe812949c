// The two budgets inside `npm test` (issue 15 and the developers' guide): the jest suite under 60 s and the
// Terraform-core task under 5 minutes. `npm test` runs both (and the type-check and lint around them); each jest
// run prints its own "Time:" line in its summary, the unit suite's first and the Terraform task's last, so both are
// read from the output of the one real `npm test` run the bench times.
const TIME_LINE = /^Time:\s+([\d.]+) s\b/gm;

/** Seconds of the unit jest suite and of the Terraform-core task, from `npm test`'s output. */
function testTimes(output) {
  const times = [...output.matchAll(TIME_LINE)].map((m) => Number(m[1]));
  if (times.length !== 2) {
    throw new Error(
      `expected two jest summaries in the npm test output (the unit suite, then the Terraform task), found ${times.length}`,
    );
  }
  return { jestSeconds: times[0], terraformSeconds: times[1] };
}

module.exports = { testTimes };
