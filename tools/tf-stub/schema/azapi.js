'use strict';
// Generates the azapi provider schema from our own hand-written bindings in lib/azapi/ (there is no
// @cdktf/provider-azapi to read). It reads the TypeScript source with the compiler API:
// - a provider or resource binding is a class with `static readonly tfResourceType = '<type>'`;
// - its Terraform arguments are the keys of the object `synthesizeAttributes()` returns, each bound to
//   `this.config.<prop>`; the config interface (the constructor's `config` parameter type) gives each prop's
//   TypeScript type and whether it is optional (`?`);
// - a getter calling `this.get<Kind>Attribute('<name>')` that is not an argument is a computed-only attribute.
// Meta-arguments (alias) are Terraform's, not the provider's, and are left out.
// Type mapping: string, number, boolean; string[] -> list(string); { [k: string]: string } -> map(string);
// { [k: string]: any } -> dynamic (azapi 2.x `body` is an HCL object of any shape).
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const AZAPI_DIR = path.resolve(__dirname, '..', '..', '..', 'lib', 'azapi');
const META_ARGUMENTS = new Set(['alias']);

function typeOf(node, where) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return 'string';
    case ts.SyntaxKind.NumberKeyword:
      return 'number';
    case ts.SyntaxKind.BooleanKeyword:
      return 'bool';
    case ts.SyntaxKind.AnyKeyword:
      return 'dynamic';
    case ts.SyntaxKind.ArrayType:
      return ['list', typeOf(node.elementType, where)];
    case ts.SyntaxKind.TypeLiteral: {
      const index = node.members.find((m) => m.kind === ts.SyntaxKind.IndexSignature);
      if (index && node.members.length === 1) {
        const elem = typeOf(index.type, where);
        return elem === 'dynamic' ? 'dynamic' : ['map', elem];
      }
      break;
    }
    default:
      break;
  }
  throw new Error(`${where}: cannot map TypeScript type "${node.getText()}" to a Terraform type`);
}

function parse(file) {
  const text = fs.readFileSync(file, 'utf8');
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
}

/** Every interface declared in lib/azapi, by name. */
function interfaces(sources) {
  const out = new Map();
  for (const sf of sources) {
    sf.forEachChild((n) => {
      if (ts.isInterfaceDeclaration(n)) out.set(n.name.text, n);
    });
  }
  return out;
}

function staticType(cls) {
  for (const m of cls.members) {
    if (
      ts.isPropertyDeclaration(m) &&
      m.name.getText() === 'tfResourceType' &&
      m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword) &&
      m.initializer &&
      ts.isStringLiteral(m.initializer)
    ) {
      return m.initializer.text;
    }
  }
  return undefined;
}

function bindingSchema(cls, ifaces, where) {
  const ctor = cls.members.find((m) => ts.isConstructorDeclaration(m));
  const configParam = ctor.parameters.find((p) => p.name.getText() === 'config');
  const iface = ifaces.get(configParam.type.getText());
  if (!iface) throw new Error(`${where}: config interface ${configParam.type.getText()} not found`);
  const props = new Map(
    iface.members.filter(ts.isPropertySignature).map((p) => [p.name.getText(), { optional: !!p.questionToken, type: p.type }]),
  );
  const synth = cls.members.find((m) => ts.isMethodDeclaration(m) && m.name.getText() === 'synthesizeAttributes');
  const ret = synth.body.statements.find(ts.isReturnStatement);
  const attributes = [];
  const argumentNames = new Set();
  for (const p of ret.expression.properties) {
    const tfName = p.name.getText();
    const m = /^this\.config\.(\w+)$/.exec(p.initializer.getText());
    if (META_ARGUMENTS.has(tfName) || !m) continue;
    const prop = props.get(m[1]);
    if (!prop) throw new Error(`${where}: ${tfName} is bound to unknown config property ${m[1]}`);
    argumentNames.add(tfName);
    const type = typeOf(prop.type, `${where}.${m[1]}`);
    attributes.push({ name: tfName, type, required: !prop.optional, optional: prop.optional, computed: prop.optional });
  }
  for (const m of cls.members) {
    if (!ts.isGetAccessorDeclaration(m) || !m.body) continue;
    const call = /this\.get(String|Number|Boolean|List|StringMap)Attribute\('(\w+)'\)/.exec(m.body.getText());
    if (!call || argumentNames.has(call[2])) continue;
    const kind = { String: 'string', Number: 'number', Boolean: 'bool', List: ['list', 'string'], StringMap: ['map', 'string'] };
    attributes.push({ name: call[2], type: kind[call[1]], computed: true });
    argumentNames.add(call[2]);
  }
  attributes.sort((a, b) => a.name.localeCompare(b.name));
  return { version: 0, block: { attributes, block_types: [] } };
}

/** The azapi provider schema, with the resource types our bindings define (optionally limited to `only`). */
function azapiSchema(types = { resources: undefined, dataSources: [] }) {
  const files = fs.readdirSync(AZAPI_DIR).filter((f) => f.endsWith('.ts'));
  const sources = files.map((f) => parse(path.join(AZAPI_DIR, f)));
  const ifaces = interfaces(sources);
  let provider;
  const resources = {};
  for (const sf of sources) {
    sf.forEachChild((n) => {
      if (!ts.isClassDeclaration(n)) return;
      const type = staticType(n);
      if (!type) return;
      const where = `lib/azapi/${path.basename(sf.fileName)} ${n.name.text}`;
      if (type === 'azapi') provider = bindingSchema(n, ifaces, where);
      else if (!types.resources || types.resources.includes(type)) resources[type] = bindingSchema(n, ifaces, where);
    });
  }
  for (const t of types.resources ?? []) {
    if (!resources[t]) throw new Error(`${t}: lib/azapi has no binding for this resource type`);
  }
  if ((types.dataSources ?? []).length) {
    throw new Error(`azapi data sources (${types.dataSources.join(', ')}): lib/azapi has no data source bindings`);
  }
  return { source: 'lib/azapi', provider, resource_schemas: resources, data_source_schemas: {} };
}

module.exports = { azapiSchema };
