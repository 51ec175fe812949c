#!/usr/bin/env node
'use strict';
// A schema-serving stub Terraform provider: plugin protocol 6 over gRPC with go-plugin's AutoMTLS handshake.
// Usage (Terraform starts it; see README.md): node provider.js <schema.json>
// Environment: TF_STUB_TLS_DIR (shared certificate cache), TF_STUB_APPLY_LOG (JSON lines, one "start" and one
// "end" per ApplyResourceChange), TF_STUB_APPLY_DELAY_MS (time each apply takes, so overlaps are observable),
// TF_STUB_ESTATE (an estate folder: every write goes through the shared fake ARM of estate/, which may refuse it).
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { serverCert, handshakeCert } = require('./tls');
const { decodeDynamic, toMsgpack, planBlock, fillBlock, applyState, armIdsIn, isUnknown } = require('./values');
const { fakeDataSourceId } = require('./azure-ids');
const { estateHooks } = require('./estate');

// go-plugin handshake values Terraform uses (docs/terraform-facts.md, "Handshake (go-plugin 1.6.0)").
const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 6;

function loadProtos() {
  const options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };
  // The runner starts a bundled copy of this file (faster start-up), which finds the protos through the env.
  const dir = process.env.TF_STUB_PROTO_DIR ?? path.join(__dirname, 'proto');
  const tf = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(dir, 'tfplugin6.proto'), options));
  const plugin = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(dir, 'go-plugin.proto'), options));
  return { tfplugin6: tf.tfplugin6, plugin: plugin.plugin };
}

const errorDiag = (summary, detail = '') => ({ severity: 'ERROR', summary, detail });

/** The provider's behaviour over one schema document ({ provider, resource_schemas, data_source_schemas }). */
class StubProvider {
  constructor(schema) {
    this.schema = schema;
    this.providerConfig = {};
    this.applyLog = process.env.TF_STUB_APPLY_LOG;
    this.applyDelayMs = Number(process.env.TF_STUB_APPLY_DELAY_MS ?? 0);
    this.calls = 0;
    this.estate = process.env.TF_STUB_ESTATE ? estateHooks(process.env.TF_STUB_ESTATE) : null;
  }

  resourceSchema(type, kind = 'resource_schemas') {
    const s = this.schema[kind][type];
    if (!s) throw Object.assign(new Error(`stub provider serves no schema for ${type}`), { diag: true });
    return s;
  }

  getProviderSchema() {
    const toProto = (s) => ({ version: s.version ?? 0, block: blockToProto(s.block) });
    const map = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, toProto(v)]));
    return {
      provider: toProto(this.schema.provider),
      resource_schemas: map(this.schema.resource_schemas),
      data_source_schemas: map(this.schema.data_source_schemas),
      diagnostics: [],
      // The stub needs no GetProviderSchema call before other RPCs, so Terraform may reuse a cached schema.
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: true },
    };
  }

  // Terraform core decodes every configuration against the schema itself (unknown arguments, types, required
  // arguments, block counts) before it calls these, and reports errors with file and line. The stub adds
  // nothing it cannot know (no enum or format validation; see README.md).
  validate() {
    return { diagnostics: [] };
  }

  configure(req) {
    this.providerConfig = decodeDynamic(req.config) ?? {};
    return { diagnostics: [] };
  }

  upgradeResourceState(req) {
    // Stored state is JSON in the current schema's shape (schema version 0 everywhere): hand it back as is.
    this.resourceSchema(req.type_name);
    return { upgraded_state: { json: req.raw_state.json }, diagnostics: [] };
  }

  readResource(req) {
    const current = decodeDynamic(req.current_state);
    // In an estate, refresh sees the shared ARM: a resource another stack deleted is gone (null), drifted
    // attributes the model tracks come back as the estate has them.
    const state = this.estate && current ? this.estate.read(req.type_name, current) : current;
    return { new_state: { msgpack: toMsgpack(state) }, private: req.private, diagnostics: [] };
  }

  planResourceChange(req) {
    const schema = this.resourceSchema(req.type_name);
    const prior = decodeDynamic(req.prior_state);
    const proposed = decodeDynamic(req.proposed_new_state);
    const unmodelled = planBlock(schema.block, proposed, prior);
    const planned = this.estate ? this.estate.plan(req.type_name, unmodelled, decodeDynamic(req.config)) : unmodelled;
    // No requires_replace: ForceNew is not in the bindings, so the stub never plans a replacement.
    return { planned_state: { msgpack: toMsgpack(planned) }, requires_replace: [], planned_private: req.prior_private, diagnostics: [] };
  }

  async applyResourceChange(req) {
    const schema = this.resourceSchema(req.type_name);
    const prior = decodeDynamic(req.prior_state);
    const planned = decodeDynamic(req.planned_state);
    const action = planned === null ? 'delete' : prior === null ? 'create' : 'update';
    const subject = planned ?? prior;
    const entry = {
      // Pairs a write's start and end lines.
      call: `${process.pid}-${++this.calls}`,
      type: req.type_name,
      action,
      name: typeof subject?.name === 'string' ? subject.name : null,
      // The ARM IDs the write names (its parent, scope or target): which Azure resources it touches.
      refs: [...armIdsIn({ ...subject, id: null })].sort(),
    };
    this.record({ event: 'start', ...entry, id: isUnknown(subject?.id) ? null : subject?.id ?? null });
    if (this.applyDelayMs > 0) await new Promise((r) => setTimeout(r, this.applyDelayMs));
    const newState = planned === null ? null : applyState(req.type_name, schema, planned, this.providerConfig);
    const refusal = this.estate?.apply({ tfType: req.type_name, action, prior, state: newState, providerConfig: this.providerConfig });
    if (refusal) {
      // Azure refused the request: the resource stays as it was (absent, when it was being created).
      this.record({ event: 'end', ...entry, id: prior?.id ?? null, refused: refusal.summary });
      return { new_state: { msgpack: toMsgpack(prior) }, private: req.planned_private, diagnostics: [refusal] };
    }
    this.record({ event: 'end', ...entry, id: (newState ?? prior)?.id ?? null });
    return { new_state: { msgpack: toMsgpack(newState) }, private: req.planned_private, diagnostics: [] };
  }

  readDataSource(req) {
    const schema = this.resourceSchema(req.type_name, 'data_source_schemas');
    const config = decodeDynamic(req.config);
    const id = config.id ?? fakeDataSourceId(req.type_name, config, this.providerConfig);
    // azurerm_subscription's optional+computed subscription_id is the one its ID names (see fakeDataSourceId).
    const subscription = req.type_name === 'azurerm_subscription' && config.subscription_id == null ? { subscription_id: id.split('/')[2] } : {};
    const state = fillBlock(schema.block, { ...config, ...subscription, id }, req.type_name, true);
    return { state: { msgpack: toMsgpack(state) }, diagnostics: [] };
  }

  record(event) {
    if (!this.applyLog) return;
    // One short line per write with O_APPEND: lines from concurrent provider processes never interleave.
    const at = performance.timeOrigin + performance.now();
    fs.appendFileSync(this.applyLog, `${JSON.stringify({ ...event, at })}\n`);
  }
}

function blockToProto(block) {
  return {
    version: 0,
    attributes: block.attributes.map((a) => ({
      name: a.name,
      type: Buffer.from(JSON.stringify(a.type)),
      required: !!a.required,
      optional: !!a.optional,
      computed: !!a.computed,
      sensitive: false,
      description: '',
    })),
    block_types: block.block_types.map((b) => ({
      type_name: b.type_name,
      nesting: b.nesting,
      min_items: b.min_items ?? 0,
      max_items: b.max_items ?? 0,
      block: blockToProto(b.block),
    })),
    description: '',
  };
}

/** Wrap a handler: thrown errors become diagnostics (Terraform shows them) rather than gRPC failures. */
function unary(fn) {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (err) => callback(null, { diagnostics: [errorDiag(`tf-stub: ${err.message}`, err.stack ?? '')] }),
      );
  };
}

function main() {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write('This is a Terraform plugin (a test stub provider). Terraform starts it; see tools/tf-stub/README.md.\n');
    process.exit(1);
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? '').split(',');
  if (!versions.includes(String(APP_PROTOCOL_VERSION))) {
    process.stderr.write(`tf-stub speaks plugin protocol ${APP_PROTOCOL_VERSION} only; Terraform offered ${versions}\n`);
    process.exit(1);
  }
  const schemaFile = process.argv[2];
  const provider = new StubProvider(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
  const { tfplugin6, plugin } = loadProtos();
  const server = new grpc.Server();
  server.addService(tfplugin6.Provider.service, {
    GetProviderSchema: unary(() => provider.getProviderSchema()),
    ValidateProviderConfig: unary(() => provider.validate()),
    ValidateResourceConfig: unary(() => provider.validate()),
    ValidateDataResourceConfig: unary(() => provider.validate()),
    UpgradeResourceState: unary((r) => provider.upgradeResourceState(r)),
    ConfigureProvider: unary((r) => provider.configure(r)),
    ReadResource: unary((r) => provider.readResource(r)),
    PlanResourceChange: unary((r) => provider.planResourceChange(r)),
    ApplyResourceChange: unary((r) => provider.applyResourceChange(r)),
    ReadDataSource: unary((r) => provider.readDataSource(r)),
    StopProvider: unary(() => ({ Error: '' })),
  });
  // go-plugin opens the broker and stdio streams and keeps them for the plugin's lifetime; hold them open.
  server.addService(plugin.GRPCBroker.service, { StartStream: () => {} });
  server.addService(plugin.GRPCStdio.service, { StreamStdio: () => {} });
  server.addService(plugin.GRPCController.service, {
    Shutdown: (_call, callback) => {
      callback(null, {});
      setImmediate(() => process.exit(0));
    },
  });

  const { certPem, keyPem } = serverCert(process.env.TF_STUB_TLS_DIR);
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  const creds = clientCert
    ? grpc.ServerCredentials.createSsl(Buffer.from(clientCert), [{ cert_chain: Buffer.from(certPem), private_key: Buffer.from(keyPem) }], true)
    : grpc.ServerCredentials.createInsecure();
  server.bindAsync('127.0.0.1:0', creds, (err, port) => {
    if (err) {
      process.stderr.write(`tf-stub: cannot listen: ${err.message}\n`);
      process.exit(1);
    }
    const certField = clientCert ? `|${handshakeCert(certPem)}` : '';
    process.stdout.write(`${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc${certField}\n`);
  });
  // Terraform kills plugins it no longer needs; exit when it closes our stdin as well.
  process.on('SIGTERM', () => process.exit(0));
}

if (require.main === module) main();

module.exports = { StubProvider };
