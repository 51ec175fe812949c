'use strict';
// Terraform values on the wire (hashicorp/terraform docs/plugin-protocol/object-wire-format.md): msgpack, where
// an unknown value is any extension (code 0 plain, code 12 refined: kept byte for byte), a dynamic-typed value
// is [JSON type as bin, value], and nested blocks of mode LIST/SET are arrays of objects.
const { decode, encode, ExtensionCodec } = require('@msgpack/msgpack');
const { fakeArmId, guid, hash, defaultSubscription } = require('./azure-ids');

class Unknown {
  constructor(extType = 0, data = new Uint8Array([0])) {
    this.extType = extType;
    this.data = data;
  }
}
const isUnknown = (v) => v instanceof Unknown;

const codec = new ExtensionCodec();
for (let type = 0; type < 128; type++) {
  codec.register({
    type,
    encode: (v) => (v instanceof Unknown && v.extType === type ? v.data : null),
    decode: (data) => new Unknown(type, data),
  });
}

const fromMsgpack = (buf) => (buf && buf.length ? decode(buf, { extensionCodec: codec }) : null);
const toMsgpack = (v) => Buffer.from(encode(v, { extensionCodec: codec, ignoreUndefined: false }));

/** Decode a DynamicValue (msgpack preferred, JSON as fallback). */
function decodeDynamic(dv) {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length) return fromMsgpack(dv.msgpack);
  if (dv.json && dv.json.length) return JSON.parse(Buffer.from(dv.json).toString('utf8'));
  return null;
}

/**
 * Planned state: the proposed new state, with computed attributes that the configuration leaves null marked
 * unknown when the object is being created (Azure decides them). On update, Terraform's proposed state already
 * carries the prior computed values.
 */
function planBlock(block, proposed, prior) {
  if (proposed === null || isUnknown(proposed)) return proposed;
  const out = { ...proposed };
  for (const a of block.attributes) {
    // Only computed-only attributes become unknown: optional ones are served optional+computed (the bindings
    // cannot tell which Azure fills in), but most are Optional alone in azurerm, whose plan leaves them null.
    if (a.computed && (!a.optional || a.name === 'id') && out[a.name] === null && (prior === null || prior[a.name] === null || prior[a.name] === undefined)) {
      out[a.name] = new Unknown();
    }
  }
  for (const b of block.block_types) {
    const items = out[b.type_name];
    if (Array.isArray(items)) {
      const priorItems = Array.isArray(prior?.[b.type_name]) ? prior[b.type_name] : [];
      out[b.type_name] = items.map((item, i) => planBlock(b.block, item, priorItems[i] ?? null));
    }
  }
  return out;
}

/** A deterministic fake value of a Terraform type, for an attribute Azure would fill in. */
function fakeValue(type, name, seed) {
  if (type === 'string') {
    if (name === 'subscription_id') return defaultSubscription();
    if (/(^|_)(principal|tenant|client|object|application)_id$/.test(name)) return guid(`${seed}/${name}`);
    return `stub-${name}-${hash(seed, name).slice(0, 8)}`;
  }
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (type === 'dynamic') return [Buffer.from(JSON.stringify(['object', {}])), {}];
  if (Array.isArray(type)) {
    const [kind, arg] = type;
    if (kind === 'list' || kind === 'set' || kind === 'tuple') return [];
    if (kind === 'map') return {};
    if (kind === 'object') {
      return Object.fromEntries(Object.entries(arg).map(([k, t]) => [k, fakeValue(t, k, `${seed}/${name}`)]));
    }
  }
  throw new Error(`no fake value for type ${JSON.stringify(type)}`);
}

/** Replace the unknowns left in a planned state (computed attributes) with deterministic fake values. */
function fillBlock(block, value, seed, fillNulls) {
  if (value === null || isUnknown(value)) return value;
  const out = { ...value };
  for (const a of block.attributes) {
    if (isUnknown(out[a.name]) || (fillNulls && a.computed && !a.optional && out[a.name] === null)) {
      out[a.name] = fakeValue(a.type, a.name, seed);
    }
  }
  for (const b of block.block_types) {
    if (Array.isArray(out[b.type_name])) {
      out[b.type_name] = out[b.type_name].map((item, i) => fillBlock(b.block, item, `${seed}/${b.type_name}/${i}`, fillNulls));
    }
  }
  return out;
}

/** The applied state of a created or updated resource. */
function applyState(typeName, schema, planned, providerConfig) {
  const known = { ...planned };
  if (isUnknown(known.id) || known.id === null) known.id = fakeArmId(typeName, planned, providerConfig);
  return fillBlock(schema.block, known, String(known.id), false);
}

/** Every ARM resource ID mentioned in a value (to tell which Azure resources a write touches). */
function armIdsIn(value, out = new Set()) {
  if (typeof value === 'string') {
    if (value.startsWith('/subscriptions/')) out.add(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => armIdsIn(v, out));
  } else if (value && typeof value === 'object' && !(value instanceof Uint8Array) && !isUnknown(value)) {
    Object.values(value).forEach((v) => armIdsIn(v, out));
  }
  return out;
}

module.exports = {
  Unknown,
  isUnknown,
  decodeDynamic,
  toMsgpack,
  planBlock,
  fillBlock,
  applyState,
  armIdsIn,
};
