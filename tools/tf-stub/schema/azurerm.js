'use strict';
// Generates Terraform provider schemas (the shape GetProviderSchema serves) for azurerm resource types from the
// installed @cdktf/provider-azurerm: its .jsii assembly (types, required/optional, block structs) and its
// generated JavaScript bindings (Terraform names, list vs set, computed-only attributes).
//
// How the bindings encode the schema (measured on @cdktf/provider-azurerm 14.23.1, see
// docs/terraform-facts.md, "Schemas from @cdktf/provider-azurerm"):
// - Each struct (the config interface of a resource or of a nested block) is a jsii struct; a property without
//   `optional` is required. Its docs link to the registry page `...#<terraform_name>`.
// - `<struct>ToHclTerraform` (and the class's `synthesizeHclAttributes`) list every configurable argument with
//   `isBlock` and `type` ("simple", "list", "set", "map"): that is where list and set differ.
// - A single struct-typed property is a block with at most one item; `IResolvable | Struct[]` is a block list/set.
// - Computed-only attributes carry a `// <name> - computed: true, optional: false, required: false` comment
//   in the class that exposes them; their type is the getter's jsii type. Lists of computed objects are
//   `ComplexList` classes whose `get(index)` returns an OutputReference class listing the object's attributes.
// Not recoverable from the bindings: optional+computed (every optional attribute is served optional+computed),
// ForceNew, defaults, enum/regex validation, ConflictsWith/ExactlyOneOf, Sensitive. See tools/tf-stub/README.md.
const fs = require('fs');
const path = require('path');
const { flavour, resolveIn } = require('../../../flavours');

// The flavour's bindings (flavours/index.js; AOAI_FLAVOUR, default cdktf): the cdktn flavour's
// @cdktn/provider-azurerm has the same layout with its core library's jsii names (cdktn.IResolvable, ...).
const FLAVOUR = flavour();
const PKG = FLAVOUR.providerAzurerm;
const CORE = FLAVOUR.jsiiCore;
const resolvePkg = (request) => resolveIn(FLAVOUR, request);
const META_ARGUMENTS = new Set(['alias']);

let assemblyCache;
function assembly() {
  if (!assemblyCache) {
    const file = resolvePkg(`${PKG}/.jsii`);
    assemblyCache = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  return assemblyCache;
}

function packageVersion() {
  return require(resolvePkg(`${PKG}/package.json`)).version;
}

const camel = (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const lcFirst = (s) => s[0].toLowerCase() + s.slice(1);
const lastSegment = (fqn) => fqn.slice(fqn.lastIndexOf('.') + 1);

/** One binding module: its JavaScript text and jsii submodule. */
class Module {
  constructor(dir) {
    this.dir = dir;
    const file = path.join(path.dirname(resolvePkg(`${PKG}/package.json`)), 'lib', dir, 'index.js');
    if (!fs.existsSync(file)) throw new Error(`${PKG} has no module lib/${dir} (is the type name right?)`);
    this.js = fs.readFileSync(file, 'utf8');
    this.prefix = `${PKG}.${camel(dir)}.`;
  }

  type(fqn) {
    const t = assembly().types[fqn];
    if (!t) throw new Error(`${fqn} is not in the ${PKG} assembly`);
    return t;
  }

  /** The class deriving from `base` (cdktf.TerraformResource, TerraformDataSource, TerraformProvider). */
  mainClass(base) {
    const fqn = Object.keys(assembly().types).find(
      (k) => k.startsWith(this.prefix) && k.indexOf('.', this.prefix.length) < 0 && assembly().types[k].base === base,
    );
    if (!fqn) throw new Error(`no ${base} class in ${this.prefix}`);
    return fqn;
  }

  /** Text of a top-level function, or of a class body. */
  functionBody(name) {
    const start = this.js.indexOf(`function ${name}(`);
    if (start < 0) throw new Error(`function ${name} not found in lib/${this.dir}`);
    return this.js.slice(start, this.js.indexOf('\n}\n', start));
  }

  classBody(name) {
    const start = this.js.indexOf(`class ${name} extends`);
    if (start < 0) throw new Error(`class ${name} not found in lib/${this.dir}`);
    return this.js.slice(start, this.js.indexOf(`exports.${name} = ${name};`, start));
  }
}

/** Entries of an HCL attribute map: terraform name -> { isBlock, kind, valueExpr }. */
function hclEntries(body) {
  const out = new Map();
  const re = /\n\s+(\w+): \{\n\s+value: (.*),\n\s+isBlock: (true|false),\n\s+type: "(\w+)",/g;
  for (let m; (m = re.exec(body)); ) out.set(m[1], { valueExpr: m[2], isBlock: m[3] === 'true', kind: m[4] });
  return out;
}

/** The registry link in a jsii property's docs names the Terraform argument. */
function terraformNameFromDocs(prop) {
  const text = `${prop.docs?.summary ?? ''} ${prop.docs?.remarks ?? ''}`;
  const m = /\{@link https:\/\/registry\.terraform\.io\/\S+#(\w+) /.exec(text);
  return m?.[1];
}

function unwrap(type) {
  // IResolvable | X: X carries the shape.
  if (type.union) {
    const rest = type.union.types.filter((t) => t.fqn !== `${CORE}.IResolvable`);
    if (rest.length === 1) return rest[0];
  }
  return type;
}

function primitiveType(type) {
  const t = unwrap(type);
  if (t.primitive === 'string') return 'string';
  if (t.primitive === 'number') return 'number';
  if (t.primitive === 'boolean') return 'bool';
  if (t.primitive === 'any' || t.primitive === 'json') return 'dynamic';
  // Computed booleans are read through getBooleanAttribute, typed IResolvable in the bindings.
  if (t.fqn === `${CORE}.IResolvable`) return 'bool';
  if (t.fqn === `${CORE}.StringMap`) return ['map', 'string'];
  if (t.fqn === `${CORE}.NumberMap`) return ['map', 'number'];
  if (t.fqn === `${CORE}.BooleanMap`) return ['map', 'bool'];
  if (t.fqn === `${CORE}.AnyMap`) return ['map', 'dynamic'];
  if (t.fqn === `${CORE}.StringMapList`) return ['list', ['map', 'string']];
  if (t.fqn === `${CORE}.NumberMapList`) return ['list', ['map', 'number']];
  if (t.fqn === `${CORE}.BooleanMapList`) return ['list', ['map', 'bool']];
  if (t.fqn === `${CORE}.AnyMapList`) return ['list', ['map', 'dynamic']];
  return undefined;
}

/** A configurable argument's type: primitive or collection of primitives. */
function argumentType(type, hclKind, where) {
  const p = primitiveType(type);
  if (p) return p;
  const t = unwrap(type);
  if (t.collection) {
    const elem = argumentType(t.collection.elementtype, 'simple', where);
    if (t.collection.kind === 'map') return ['map', elem];
    return [hclKind === 'set' ? 'set' : 'list', elem];
  }
  throw new Error(`${where}: unsupported jsii type ${JSON.stringify(type)}`);
}

/** A struct (block) fqn, when the property is a nested block: [fqn, single]. */
function blockStruct(type) {
  const t = unwrap(type);
  if (t.fqn && !t.fqn.startsWith(`${CORE}.`)) return [t.fqn, true];
  if (t.collection && t.collection.kind === 'array') {
    const e = unwrap(t.collection.elementtype);
    if (e.fqn && !e.fqn.startsWith(`${CORE}.`)) return [e.fqn, false];
  }
  return undefined;
}

/** Computed-only attributes exposed by a class (the resource class or a block's OutputReference). */
function computedAttributes(mod, classFqn, exclude) {
  const name = lastSegment(classFqn);
  let body;
  try {
    body = mod.classBody(name);
  } catch {
    return [];
  }
  const props = new Map((mod.type(classFqn).properties ?? []).map((p) => [p.name, p]));
  const attrs = [];
  const re = /\/\/ (\w+) - computed: true, optional: false, required: false\n\s+(?:get (\w+)\(\)|this\._(\w+) = )/g;
  for (let m; (m = re.exec(body)); ) {
    const tfName = m[1];
    const jsName = m[2] ?? m[3];
    if (exclude.has(tfName)) continue;
    const prop = props.get(jsName);
    if (!prop) continue;
    const getter = new RegExp(`get ${jsName}\\(\\) \\{\\n\\s+return ${CORE}\\.Fn\\.tolist\\(`).test(body);
    attrs.push({ name: tfName, type: computedType(mod, prop.type, getter, `${classFqn}.${jsName}`), computed: true });
  }
  return attrs;
}

/** Type of a computed attribute; lists of objects come from ComplexList classes. */
function computedType(mod, type, isSet, where) {
  const p = primitiveType(type);
  if (p) return p;
  const t = unwrap(type);
  if (t.collection) {
    const elem = computedType(mod, t.collection.elementtype, false, where);
    if (t.collection.kind === 'map') return ['map', elem];
    return [isSet ? 'set' : 'list', elem];
  }
  if (t.fqn) {
    const cls = mod.type(t.fqn);
    if (cls.base === `${CORE}.ComplexList`) {
      const get = cls.methods.find((m) => m.name === 'get');
      return ['list', objectType(mod, get.returns.type.fqn)];
    }
    if (cls.base === `${CORE}.ComplexObject`) return ['list', objectType(mod, t.fqn)];
  }
  throw new Error(`${where}: unsupported computed type ${JSON.stringify(type)}`);
}

function objectType(mod, outputRefFqn) {
  const attrs = {};
  for (const a of computedAttributes(mod, outputRefFqn, new Set())) attrs[a.name] = a.type;
  return ['object', attrs];
}

/** The schema block of one struct: its arguments, nested blocks and computed-only attributes. */
function block(mod, structFqn, hclBody, outputRefFqn) {
  const hcl = hclEntries(hclBody);
  const attributes = [];
  const blockTypes = [];
  const seen = new Set();
  for (const prop of mod.type(structFqn).properties ?? []) {
    let tfName = terraformNameFromDocs(prop);
    if (!tfName || !hcl.has(tfName)) {
      tfName = [...hcl.keys()].find((k) => new RegExp(`(struct|this)\\.\\_?${prop.name}\\)`).test(hcl.get(k).valueExpr));
    }
    if (!tfName || META_ARGUMENTS.has(tfName)) continue;
    seen.add(tfName);
    const entry = hcl.get(tfName);
    const required = !prop.optional;
    const nested = blockStruct(prop.type);
    if (entry.isBlock && nested) {
      const [fqn, single] = nested;
      const fnName = `${lcFirst(lastSegment(fqn))}ToHclTerraform`;
      blockTypes.push({
        type_name: tfName,
        nesting: entry.kind === 'set' ? 'SET' : 'LIST',
        min_items: required ? 1 : 0,
        max_items: single ? 1 : 0,
        block: block(mod, fqn, mod.functionBody(fnName), `${fqn}OutputReference`),
      });
    } else {
      const type = argumentType(prop.type, entry.kind, `${structFqn}.${prop.name}`);
      // Optional arguments are served optional+computed: the bindings cannot tell which ones Azure fills in.
      attributes.push({ name: tfName, type, required, optional: !required, computed: !required });
    }
  }
  attributes.push(...computedAttributes(mod, outputRefFqn, seen));
  attributes.sort((a, b) => a.name.localeCompare(b.name));
  blockTypes.sort((a, b) => a.type_name.localeCompare(b.type_name));
  return { attributes, block_types: blockTypes };
}

function classSchema(dir, base) {
  const mod = new Module(dir);
  const classFqn = mod.mainClass(base);
  const hclBody = mod.classBody(lastSegment(classFqn));
  const synth = hclBody.slice(hclBody.indexOf('synthesizeHclAttributes()'));
  return { version: 0, block: block(mod, `${classFqn}Config`, synth, classFqn) };
}

/** Module folder of a resource or data source type, e.g. azurerm_cognitive_account -> cognitive-account. */
function moduleDir(type, mode) {
  const dashed = type.replace(/_/g, '-');
  return mode === 'data' ? `data-${dashed}` : dashed.replace(/^azurerm-/, '');
}

/**
 * Schemas for the azurerm provider limited to the given types.
 * @param {{resources: string[], dataSources: string[]}} types
 */
function azurermSchema(types) {
  return {
    source: `${PKG}@${packageVersion()}`,
    provider: classSchema('provider', `${CORE}.TerraformProvider`),
    resource_schemas: Object.fromEntries(
      types.resources.map((t) => [t, classSchema(moduleDir(t, 'managed'), `${CORE}.TerraformResource`)]),
    ),
    data_source_schemas: Object.fromEntries(
      types.dataSources.map((t) => [t, classSchema(moduleDir(t, 'data'), `${CORE}.TerraformDataSource`)]),
    ),
  };
}

module.exports = { azurermSchema, packageVersion };
