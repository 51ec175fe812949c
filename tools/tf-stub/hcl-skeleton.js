'use strict';
// The outline of an HCL configuration (*.tf) that the offline runner needs before Terraform runs: which providers
// it requires and configures, the resource and data source types it uses (to start the stubs that serve them), the
// local module calls, and where its backend or cloud block is (to drop it: the runner keeps state local). Not an HCL
// parser: Terraform parses and validates the files itself. Strings, heredocs and comments are masked first so that
// braces and keywords inside them are not read as structure.

/** The text with the inside of strings, heredoc bodies and comments replaced by spaces (same length, same lines). */
function mask(text) {
  const out = text.split('');
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"') {
      const start = i + 1;
      let depth = 0; // interpolation depth: a quote inside ${ ... } belongs to a nested string
      for (i = start; i < text.length; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '$' && text[i + 1] === '{') depth++, i++;
        else if (text[i] === '}' && depth > 0) depth--;
        else if (text[i] === '"' && depth === 0) break;
      }
      blank(start, i);
      i++;
    } else if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][\w-]*)\r?\n/.exec(text.slice(i));
      if (!m) {
        i += 2;
        continue;
      }
      const body = i + m[0].length;
      const close = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
      const rest = close.exec(text.slice(body));
      const stop = rest ? body + rest.index : text.length;
      blank(body, stop);
      i = stop;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** For each `{` in the masked text, the index just after its matching `}` (or the end of the text). */
function closers(masked) {
  const result = new Map();
  const open = [];
  for (let i = 0; i < masked.length; i++) {
    if (masked[i] === '{') open.push(i);
    else if (masked[i] === '}' && open.length) result.set(open.pop(), i + 1);
  }
  for (const i of open) result.set(i, masked.length);
  return result;
}

/**
 * The blocks of a body (masked[from, to)) at its own nesting level: `{ type, labels, open, end }` each, where
 * labels are the quoted labels read from the original text.
 */
function blocks(text, masked, ends, from, to) {
  const found = [];
  const header = /([A-Za-z_][\w-]*)((?:\s+"[^"\n]*")*)\s*\{/g;
  header.lastIndex = from;
  let m;
  while ((m = header.exec(masked)) && m.index < to) {
    const open = m.index + m[0].length - 1;
    const labelsAt = m.index + m[1].length;
    const labels = [...m[2].matchAll(/"([^"\n]*)"/g)].map((l) => {
      const start = labelsAt + l.index + 1;
      return text.slice(start, start + l[1].length);
    });
    // (An attribute whose value is an object, `x = {`, does not match: a block's `{` follows its name or labels.)
    const end = ends.get(open);
    found.push({ type: m[1], labels, open, end });
    header.lastIndex = end;
  }
  return found;
}

/** The string value of `name = "..."` directly in a block body (original text), or undefined. */
function attribute(text, masked, ends, block, name) {
  const inner = blocks(text, masked, ends, block.open + 1, block.end - 1);
  const re = new RegExp(`(^|\\n)[ \\t]*${name}[ \\t]*=[ \\t]*("[^"\\n]*"|[A-Za-z_][\\w.-]*)`, 'g');
  const body = masked.slice(block.open, block.end - 1);
  let m;
  while ((m = re.exec(body))) {
    const at = block.open + m.index + m[0].length - m[2].length;
    if (inner.some((b) => at > b.open && at < b.end)) continue;
    const raw = text.slice(at, at + m[2].length);
    return raw.startsWith('"') ? raw.slice(1, -1) : raw;
  }
  return undefined;
}

/**
 * The outline of one .tf file, shaped like the JSON configuration the runner reads from cdk.tf.json (terraform.
 * required_providers, provider, resource, data, module), and the [start, end) ranges of its backend and cloud blocks.
 */
function hclSkeleton(text) {
  const masked = mask(text);
  const ends = closers(masked);
  const config = { terraform: { required_providers: {} }, provider: {}, resource: {}, data: {}, module: {} };
  const backendRanges = [];
  for (const b of blocks(text, masked, ends, 0, masked.length)) {
    if (b.type === 'terraform') {
      for (const inner of blocks(text, masked, ends, b.open + 1, b.end - 1)) {
        if (inner.type === 'backend' || inner.type === 'cloud') {
          const lineStart = masked.lastIndexOf('\n', inner.open) + 1;
          backendRanges.push([lineStart, inner.end]);
        }
      }
      const required = /(^|\n)[ \t]*required_providers[ \t]*\{/.exec(masked.slice(b.open, b.end));
      if (required) {
        const open = b.open + required.index + required[0].length - 1;
        const body = { open, end: ends.get(open) };
        const entry = /([A-Za-z_][\w-]*)[ \t]*=[ \t]*\{/g;
        entry.lastIndex = open + 1;
        let m;
        while ((m = entry.exec(masked)) && m.index < body.end) {
          const entryOpen = m.index + m[0].length - 1;
          const source = attribute(text, masked, ends, { open: entryOpen, end: ends.get(entryOpen) }, 'source');
          config.terraform.required_providers[m[1]] = { source: source ?? m[1] };
          entry.lastIndex = ends.get(entryOpen);
        }
      }
    } else if (b.type === 'provider' && b.labels.length === 1) {
      config.provider[b.labels[0]] = config.provider[b.labels[0]] ?? [];
      config.provider[b.labels[0]].push({});
    } else if ((b.type === 'resource' || b.type === 'data') && b.labels.length === 2) {
      const provider = attribute(text, masked, ends, b, 'provider');
      const kind = b.type === 'resource' ? config.resource : config.data;
      kind[b.labels[0]] = { ...kind[b.labels[0]], [b.labels[1]]: provider ? { provider } : {} };
    } else if (b.type === 'module' && b.labels.length === 1) {
      config.module[b.labels[0]] = { source: attribute(text, masked, ends, b, 'source') };
    }
  }
  for (const key of ['provider', 'resource', 'data', 'module']) if (!Object.keys(config[key]).length) delete config[key];
  return { config, backendRanges };
}

/** The text without its backend and cloud blocks (the state stays local in the runner's work folder). */
function withoutBackend(text) {
  const { backendRanges } = hclSkeleton(text);
  let out = text;
  for (const [start, end] of [...backendRanges].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  return out;
}

/** The outlines of several files merged (Terraform reads every .tf file of a folder as one configuration). */
function mergeSkeletons(texts) {
  const merged = { terraform: { required_providers: {} }, provider: {}, resource: {}, data: {}, module: {} };
  for (const text of texts) {
    const { config } = hclSkeleton(text);
    Object.assign(merged.terraform.required_providers, config.terraform.required_providers);
    for (const key of ['provider', 'module']) Object.assign(merged[key], config[key]);
    for (const key of ['resource', 'data']) {
      for (const [type, instances] of Object.entries(config[key] ?? {})) merged[key][type] = { ...merged[key][type], ...instances };
    }
  }
  for (const key of ['provider', 'resource', 'data', 'module']) if (!Object.keys(merged[key]).length) delete merged[key];
  return merged;
}

module.exports = { hclSkeleton, withoutBackend, mergeSkeletons, mask };
