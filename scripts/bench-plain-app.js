#!/usr/bin/env node
// The package-overhead yardstick: from a synthesized cdk.tf.json, write a plain cdktf app (JavaScript, deep
// imports, no code of this package) that creates exactly the same resources, data sources and outputs with the
// same arguments, the way a user writing them by hand would: one provider class per resource type
// (@cdktf/provider-azurerm/lib/<type>), every argument as written in the JSON (references stay `${...}`
// strings), meta-arguments included. Types without a prebuilt class (azapi_*, terraform_data) are plain
// TerraformResource / TerraformDataSource elements. Running it costs what cdktf itself must spend on these
// resources; the reference app minus that is what the package adds (validation, composition, Aspect, reports).
//
//   node scripts/bench-plain-app.js <cdk.tf.json> <out.js>      writes the app
//   verifySame(originalJson, plainJson)                         throws unless the two configurations match
const { readFileSync, writeFileSync } = require('fs');

const PROVIDER_PACKAGE = '@cdktf/provider-azurerm';

/** The deep-import module and class of a prebuilt azurerm binding for a resource or data source type. */
function bindingFor(type, isData) {
  if (!type.startsWith('azurerm_')) return undefined;
  const base = type.replace(/^azurerm_/, '').replace(/_/g, '-');
  const modulePath = `${PROVIDER_PACKAGE}/lib/${isData ? 'data-azurerm-' : ''}${base}`;
  let mod;
  try {
    mod = require(modulePath);
  } catch {
    return undefined;
  }
  const name = Object.keys(mod).find((k) => typeof mod[k] === 'function' && mod[k].tfResourceType === type);
  return name ? { modulePath, name } : undefined;
}

/**
 * JavaScript source of a plain app creating the configuration `json` describes, in a stack named `stackName`.
 * References to other elements (`${azurerm_x.y.attr}` inside a string) are written as a hand-written app has
 * them, as attribute tokens of the referenced element (`e3.getStringAttribute("attr")`), so the plain app pays
 * cdktf's reference tokens and their resolution as the real one does. Other expressions stay literal.
 */
function generatePlainApp(json, stackName = 'plain') {
  const imports = new Map([['cdktf', new Set(['App', 'TerraformStack'])]]);
  const use = (modulePath, name) => {
    if (!imports.has(modulePath)) imports.set(modulePath, new Set());
    imports.get(modulePath).add(name);
  };
  const create = [];
  const configure = [];
  const variables = new Map(); // "type.id" (resources) or "data.type.id" -> variable name
  const elements = [];
  const declare = (address, ctor, id, args) => {
    const name = `e${elements.length}`;
    variables.set(address, name);
    elements.push({ name, id, args });
    create.push(`const ${name} = ${ctor};`);
  };

  // Providers: the azurerm binding (as a plain app has it) and a generic provider for the rest.
  for (const [name, configs] of Object.entries(json.provider ?? {})) {
    const config = (Array.isArray(configs) ? configs : [configs])[0] ?? {};
    if (name === 'azurerm') {
      use(`${PROVIDER_PACKAGE}/lib/provider`, 'AzurermProvider');
      declare(`provider.${name}`, `new AzurermProvider(stack, 'azurerm', {})`, name, config);
    } else {
      use('cdktf', 'TerraformProvider');
      const source = json.terraform?.required_providers?.[name] ?? {};
      declare(
        `provider.${name}`,
        `new TerraformProvider(stack, ${JSON.stringify(name)}, { terraformResourceType: ${JSON.stringify(name)}, terraformGeneratorMetadata: { providerName: ${JSON.stringify(name)}, providerVersionConstraint: ${JSON.stringify(source.version)} }, terraformProviderSource: ${JSON.stringify(source.source)} })`,
        name,
        config,
      );
    }
  }
  if (json.terraform?.backend?.local) {
    use('cdktf', 'LocalBackend');
    create.push(`new LocalBackend(stack, ${JSON.stringify(json.terraform.backend.local)});`);
  }
  for (const [section, isData] of [
    ['resource', false],
    ['data', true],
  ]) {
    for (const [type, byId] of Object.entries(json[section] ?? {})) {
      const binding = bindingFor(type, isData);
      for (const [id, args] of Object.entries(byId)) {
        const address = `${isData ? 'data.' : ''}${type}.${id}`;
        if (binding) {
          use(binding.modulePath, binding.name);
          // Constructed empty, every argument set as the JSON has it: nothing is re-validated or defaulted.
          declare(address, `new ${binding.name}(stack, ${JSON.stringify(id)}, {})`, id, args);
        } else {
          const cls = isData ? 'TerraformDataSource' : 'TerraformResource';
          use('cdktf', cls);
          declare(address, `new ${cls}(stack, ${JSON.stringify(id)}, { terraformResourceType: ${JSON.stringify(type)} })`, id, args);
        }
      }
    }
  }
  const code = (value) => valueCode(value, variables);
  for (const { name, id, args } of elements) {
    configure.push(`${name}.overrideLogicalId(${JSON.stringify(id)});`);
    for (const [key, value] of Object.entries(args)) {
      if (key === '//') continue; // cdktf's own metadata, written again by the plain app
      configure.push(`${name}.addOverride(${JSON.stringify(key)}, ${code(value)});`);
    }
  }
  for (const [id, output] of Object.entries(json.output ?? {})) {
    use('cdktf', 'TerraformOutput');
    configure.push(`new TerraformOutput(stack, ${JSON.stringify(id)}, ${code(output)}).overrideLogicalId(${JSON.stringify(id)});`);
  }
  const header = [...imports].map(
    ([modulePath, names]) => `const { ${[...names].sort().join(', ')} } = require(${JSON.stringify(modulePath)});`,
  );
  return [
    '// Generated by scripts/bench-plain-app.js: the same resources as a plain cdktf app, for the benchmark.',
    ...header,
    'const app = new App();',
    `const stack = new TerraformStack(app, ${JSON.stringify(stackName)});`,
    ...create,
    ...configure,
    'app.synth();',
    '',
  ].join('\n');
}

const REFERENCE = /\$\{((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_.\[\]]+)\}/g;

/** JavaScript for a JSON value, with simple references to declared elements as attribute tokens. */
function valueCode(value, variables) {
  if (typeof value === 'string') {
    let last = 0;
    const parts = [];
    for (const m of value.matchAll(REFERENCE)) {
      const element = variables.get(m[1]);
      if (!element) continue;
      parts.push(JSON.stringify(value.slice(last, m.index)).slice(1, -1).replace(/`/g, '\\`').replace(/\$\{/g, '\\${'));
      parts.push(`\${${element}.getStringAttribute(${JSON.stringify(m[2])})}`);
      last = m.index + m[0].length;
    }
    if (parts.length === 0) return JSON.stringify(value);
    parts.push(JSON.stringify(value.slice(last)).slice(1, -1).replace(/`/g, '\\`').replace(/\$\{/g, '\\${'));
    return '`' + parts.join('') + '`';
  }
  if (Array.isArray(value)) return `[${value.map((v) => valueCode(v, variables)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${valueCode(v, variables)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** Drop cdktf's per-element metadata, which names construct paths and differs by design. */
function comparable(json) {
  const strip = (v) =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== '//').map(([k, x]) => [k, strip(x)]))
        : v;
  return strip({ resource: json.resource ?? {}, data: json.data ?? {}, output: json.output ?? {} });
}

/** Throws unless both configurations have the same resources, data sources and outputs with the same arguments. */
function verifySame(original, plain) {
  const a = JSON.stringify(sortKeys(comparable(original)));
  const b = JSON.stringify(sortKeys(comparable(plain)));
  if (a !== b) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    throw new Error(`plain app differs from the original at: ...${a.slice(Math.max(0, i - 120), i + 80)}\n vs ...${b.slice(Math.max(0, i - 120), i + 80)}`);
  }
  return Object.values(original.resource ?? {}).reduce((n, byId) => n + Object.keys(byId).length, 0);
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

module.exports = { generatePlainApp, verifySame };

if (require.main === module) {
  const [input, output] = process.argv.slice(2);
  writeFileSync(output, generatePlainApp(JSON.parse(readFileSync(input, 'utf8'))));
}
