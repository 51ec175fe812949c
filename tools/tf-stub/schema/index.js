'use strict';
// Which stub serves which provider, and the schema for the types a configuration uses (cached on disk:
// generating azurerm's means reading the 88 MB .jsii assembly, about 1 s).
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { flavour, resolveIn } = require('../../../flavours');

/** Stub providers by registry address (hostname/namespace/type, lower case as Terraform normalizes it). */
const STUBS = {
  'registry.terraform.io/hashicorp/azurerm': { prefix: 'azurerm', generator: () => require('./azurerm').azurermSchema },
  'registry.terraform.io/azure/azapi': { prefix: 'azapi', generator: () => require('./azapi').azapiSchema },
};

/** A `required_providers` source ("azurerm", "hashicorp/azurerm", "Azure/azapi") as a full registry address. */
function providerAddress(source) {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

/**
 * The providers a Terraform JSON configuration (and the state, if any) needs and, for each, the resource and
 * data source types used.
 * @returns {Array<{name: string, address: string, resources: string[], dataSources: string[]}>}
 */
function usedProviders(config, state) {
  const required = config.terraform?.required_providers ?? {};
  const names = new Set([...Object.keys(required), ...Object.keys(config.provider ?? {})]);
  const byName = new Map();
  for (const name of names) {
    const source = typeof required[name] === 'string' ? name : required[name]?.source ?? name;
    byName.set(name, { name, address: providerAddress(source), resources: new Set(), dataSources: new Set() });
  }
  const providerOf = (type, block) => {
    // The `provider` meta-argument ("azapi.second") wins; otherwise the type's prefix names the provider.
    const local = typeof block?.provider === 'string' ? block.provider.replace(/^\$\{|\}$/g, '').split('.')[0] : type.split('_')[0];
    if (!byName.has(local)) byName.set(local, { name: local, address: providerAddress(local), resources: new Set(), dataSources: new Set() });
    return byName.get(local);
  };
  for (const [type, instances] of Object.entries(config.resource ?? {})) {
    // terraform_data is built into Terraform (terraform.io/builtin/terraform): no provider to serve.
    if (type === 'terraform_data') continue;
    const first = Object.values(instances)[0];
    providerOf(type, first).resources.add(type);
  }
  // Resources only in the state (removed from the configuration) still need their schema to be destroyed.
  for (const r of state?.resources ?? []) {
    if (r.type === 'terraform_data' || r.type === 'terraform_remote_state') continue;
    const address = /provider\["([^"]+)"\]/.exec(r.provider ?? '')?.[1];
    const p = [...byName.values()].find((x) => x.address === address) ?? providerOf(r.type, undefined);
    p[r.mode === 'data' ? 'dataSources' : 'resources'].add(r.type);
  }
  for (const [type, instances] of Object.entries(config.data ?? {})) {
    if (type === 'terraform_remote_state') continue;
    providerOf(type, Object.values(instances)[0]).dataSources.add(type);
  }
  return [...byName.values()].map((p) => ({ ...p, resources: [...p.resources].sort(), dataSources: [...p.dataSources].sort() }));
}

function cacheKey(provider) {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify([provider.address, provider.resources, provider.dataSources]));
  // Invalidate when the generators, the azurerm bindings' version or our azapi bindings change.
  for (const f of fs.readdirSync(__dirname).sort()) h.update(fs.readFileSync(path.join(__dirname, f)));
  const f = flavour();
  h.update(`${f.name}:${require(resolveIn(f, `${f.providerAzurerm}/package.json`)).version}`);
  const azapiDir = path.resolve(__dirname, '..', '..', '..', 'lib', 'azapi');
  for (const f of fs.readdirSync(azapiDir).sort()) h.update(fs.readFileSync(path.join(azapiDir, f)));
  return h.digest('hex').slice(0, 16);
}

/** The schema document a stub serves for one provider of a configuration. */
function schemaFor(provider, cacheDir = path.join(os.tmpdir(), 'aoai-tf', 'schema-cache')) {
  const stub = STUBS[provider.address];
  if (!stub) {
    throw new Error(
      `no stub provider for ${provider.address} (provider "${provider.name}"): tools/tf-stub serves ${Object.keys(STUBS).join(' and ')}`,
    );
  }
  const file = path.join(cacheDir, `${stub.prefix}-${cacheKey(provider)}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const schema = stub.generator()({ resources: provider.resources, dataSources: provider.dataSources });
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(schema));
  fs.renameSync(tmp, file);
  return schema;
}

module.exports = { usedProviders, schemaFor, providerAddress, STUBS };
