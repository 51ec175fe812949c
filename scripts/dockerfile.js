// Reads the few Dockerfile instructions the run-task image uses (cli/Dockerfile), so a test and the tarball smoke
// can hold the image to what they exercise: FROM, ARG, COPY, RUN, USER, ENV, EXPOSE, HEALTHCHECK, ENTRYPOINT, CMD.
// Exec-form (JSON array) ENTRYPOINT, CMD and HEALTHCHECK CMD only: the shell form would run under /bin/sh -c, which
// does not pass SIGTERM on to the server. Comments and line continuations as Docker reads them.

/** Splits `k=v k2="v 2"` (ENV, ARG) into pairs. */
function pairs(text) {
  const out = {};
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    out[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  }
  return out;
}

function execForm(instruction, text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`Dockerfile: ${instruction} must be in exec form (a JSON array of strings), not ${text}`);
  }
  return value;
}

/** The image's settings, from the Dockerfile's text. */
function parseDockerfile(text) {
  const image = { args: {}, env: {}, copies: [], runs: [], expose: [] };
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  for (const line of logical) {
    const [, instruction, rest] = /^(\S+)\s+([\s\S]*)$/.exec(line) ?? [];
    switch (instruction?.toUpperCase()) {
      case 'FROM':
        image.from = rest.trim();
        break;
      case 'ARG':
        Object.assign(image.args, pairs(rest));
        break;
      case 'ENV':
        Object.assign(image.env, pairs(rest));
        break;
      case 'COPY':
        image.copies.push(rest.trim().split(/\s+/));
        break;
      case 'RUN':
        image.runs.push(rest.replace(/\s+/g, ' ').trim());
        break;
      case 'USER':
        image.user = rest.trim();
        break;
      case 'EXPOSE':
        image.expose.push(...rest.trim().split(/\s+/));
        break;
      case 'ENTRYPOINT':
        image.entrypoint = execForm('ENTRYPOINT', rest.trim());
        break;
      case 'CMD':
        image.cmd = execForm('CMD', rest.trim());
        break;
      case 'HEALTHCHECK': {
        const m = /^((?:--\S+\s+)*)CMD\s+([\s\S]*)$/.exec(rest.trim());
        if (!m) throw new Error(`Dockerfile: HEALTHCHECK without CMD: ${rest}`);
        image.healthcheck = { options: m[1].trim().split(/\s+/).filter(Boolean), cmd: execForm('HEALTHCHECK CMD', m[2].trim()) };
        break;
      }
      default:
        throw new Error(`Dockerfile: an instruction this reader does not know: ${line}`);
    }
  }
  return image;
}

module.exports = { parseDockerfile };
