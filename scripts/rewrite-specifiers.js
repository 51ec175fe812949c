'use strict';
// The AST codemod that turns the cdktf sources into another flavour's (issue 28): it rewrites module specifiers,
// and nothing else, from the cdktf flavour's module names to the target's (flavours/index.js). A specifier is the
// string of an import or export declaration, `import x = require(...)`, `require(...)`, `import(...)` or an import
// type; a string anywhere else (a tag value "managed-by: cdktf", a comment, a doc link) is left as written.
const ts = require('typescript');
const { flavour } = require('../flavours');

/** The specifier rewrites from the cdktf flavour to `target`: [pattern, replacement prefix]. */
function rewritesTo(target) {
  const from = flavour('cdktf');
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return [
    [new RegExp(`^${escape(from.core)}(?=$|/)`), target.core],
    [new RegExp(`^${escape(from.providerAzurerm)}(?=$|/)`), target.providerAzurerm],
    // A user's app (the README example) imports this package by name.
    [new RegExp(`^${escape(from.packageName)}(?=$|/)`), target.packageName],
  ];
}

/** The string literals of a source file that name modules. */
function specifierLiterals(sourceFile) {
  const found = [];
  const isRequire = (node) =>
    ts.isCallExpression(node) &&
    node.arguments.length === 1 &&
    ts.isStringLiteralLike(node.arguments[0]) &&
    ((ts.isIdentifier(node.expression) && node.expression.text === 'require') ||
      node.expression.kind === ts.SyntaxKind.ImportKeyword);
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      found.push(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      found.push(node.moduleReference.expression);
    } else if (isRequire(node)) {
      found.push(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.push(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found.filter((n) => ts.isStringLiteralLike(n));
}

/** `text` (a TypeScript or JavaScript source named `fileName`) with its module specifiers rewritten for `target`. */
function rewriteSpecifiers(fileName, text, target) {
  const rewrites = rewritesTo(target);
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  let out = text;
  // From the end, so earlier positions stay valid.
  for (const literal of specifierLiterals(sourceFile).reverse()) {
    const rule = rewrites.find(([pattern]) => pattern.test(literal.text));
    if (!rule) continue;
    const rewritten = literal.text.replace(rule[0], rule[1]);
    const start = literal.getStart(sourceFile) + 1; // inside the quotes
    out = out.slice(0, start) + rewritten + out.slice(literal.getEnd() - 1);
  }
  return out;
}

module.exports = { rewriteSpecifiers, specifierLiterals };
