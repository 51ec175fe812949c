// HCL output (`SYNTH_HCL_OUTPUT=true`, `cdktf synth --hcl`) for this package's own Terraform elements, through
// cdktf's public hook: `synthesizeHclAttributes()` returns one descriptor per argument ({ value, isBlock, type,
// storageClassType }), the shape cdktf-generated bindings return (e.g. @cdktf/provider-azurerm's
// lib/cognitive-account). Module-internal: not exported from lib/index.ts.
//
// Why the values are written out here and not left to cdktf: cdktf 0.21 renders an untyped value with a "fuzzy"
// writer that does not escape strings (a backslash or a quote outside an interpolation ends up raw in the HCL), turns
// a digits-only string into a number, and writes a lifecycle precondition/postcondition as an argument list that
// Terraform rejects (docs/terraform-facts.md, "cdktf HCL output"). So each value is resolved first and its strings are
// written as finished HCL quoted templates, which that writer passes through unchanged.
import { IResolvable, IResolveContext, Lazy, TerraformResource } from 'cdktf';

/** The cdktf descriptor of one argument whose value is written as an HCL expression (any type). */
export interface HclAttribute {
  readonly value: IResolvable;
  readonly isBlock: boolean;
  /** "any": cdktf's HCL writer writes the value as an expression (lib/hcl/render.js renderAttributes). */
  readonly type: string;
  readonly storageClassType: string;
}

/**
 * The end (exclusive) of the interpolation or directive that starts at `open` (the index just after `${` or `%{`):
 * braces are counted, quoted strings inside it are skipped. Unbalanced: the end of the text.
 */
function interpolationEnd(s: string, open: number): number {
  let depth = 1;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      return i + 1;
    }
  }
  return s.length;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A Terraform template string (the text a `.tf.json` string holds) as the inside of an HCL quoted template with the
 * same meaning: the literal text is escaped (backslash, quote, newlines, tabs), interpolations `${...}` and
 * directives `%{...}` are kept as they are (their inside is HCL expression syntax in both forms), and the escapes
 * `$${` and `%%{` (a literal `${`/`%{`) are kept.
 */
export function hclTemplateText(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i) || s.startsWith('%%{', i)) {
      out += s.slice(i, i + 3);
      i += 3;
    } else if (s.startsWith('${', i) || s.startsWith('%{', i)) {
      const end = interpolationEnd(s, i + 2);
      out += s.slice(i, end);
      i = end;
    } else {
      out += ESCAPES[s[i]] ?? s[i];
      i++;
    }
  }
  return out;
}

/**
 * A resolved value as cdktf's HCL writer must receive it to write it verbatim: a string holding `${` as the inside
 * of its quoted template (the writer adds the quotes), any other string already quoted (the writer passes a string
 * that starts with `"` through); null as `${null}`; lists and objects element by element. An object key that HCL cannot take as
 * written fails here, at synth, naming the key.
 */
export function hclValue(value: unknown, where: string): unknown {
  if (typeof value === 'string') {
    const text = hclTemplateText(value);
    return value.includes('${') ? text : `"${text}"`;
  }
  // null as the one-interpolation template "${null}", whose value is null itself (the writer cannot write a bare null).
  if (value === null) return '${null}';
  if (Array.isArray(value)) return value.map((v, i) => hclValue(v, `${where}[${i}]`));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => {
          if (/["\\\n\r]|\$\{|%\{/.test(k)) {
            throw new Error(
              `${where}: the object key ${JSON.stringify(k)} cannot be written in HCL output (cdktf writes keys unescaped); use JSON output (unset SYNTH_HCL_OUTPUT) or rename the key.`,
            );
          }
          return [k, hclValue(v, `${where}.${k}`)];
        }),
    );
  }
  return value;
}

/** One argument written as an HCL expression of any type, resolved at synth (references and functions included). */
export function hclAttribute(value: unknown, where: string): HclAttribute {
  return {
    value: Lazy.anyValue({ produce: (ctx: IResolveContext) => hclValue(ctx.resolve(value), where) }),
    isBlock: false,
    type: 'any',
    storageClassType: 'any',
  };
}

/**
 * The HCL descriptors of a binding's arguments, from the very object its `synthesizeAttributes()` returns (one
 * source for both outputs, so an argument cannot be written to JSON and forgotten in HCL). Unset arguments are
 * left out, as in JSON.
 */
export function hclAttributes(
  attributes: { [name: string]: any },
  where: string,
): { [name: string]: HclAttribute } {
  return Object.fromEntries(
    Object.entries(attributes)
      .filter(([, v]) => v !== undefined)
      .map(([name, v]) => [name, hclAttribute(v, `${where}.${name}`)]),
  );
}

/** Meta-arguments and cdktf's own keys: written by cdktf, not arguments of the resource type. */
const META_KEYS = new Set([
  '//',
  'count',
  'depends_on',
  'provider',
  'for_each',
  'provisioner',
  'connection',
  'dynamic',
]);

/** A lifecycle condition list as repeated blocks (`precondition { ... }`), each value written as an HCL expression. */
function conditionBlocks(list: unknown, where: string): unknown {
  if (!Array.isArray(list)) return list;
  return {
    value: list.map((c: Record<string, unknown>, i) =>
      Object.fromEntries(
        Object.entries(c)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [
            k,
            {
              value: hclValue(v, `${where}[${i}].${k}`),
              isBlock: false,
              type: 'any',
              storageClassType: 'any',
            },
          ]),
      ),
    ),
    isBlock: true,
    type: 'list',
    storageClassType: 'object',
  };
}

/**
 * The resolved `lifecycle` meta-argument as a block whose precondition/postcondition lists are repeated blocks: cdktf
 * 0.21 writes them as `postcondition = [...]`, an argument Terraform refuses ("An argument named "postcondition" is
 * not expected here"; open upstream as open-constructs/cdk-terrain#313).
 */
function lifecycleBlock(lifecycle: any, where: string): unknown {
  if (lifecycle === undefined || lifecycle === null || typeof lifecycle !== 'object') return lifecycle;
  const { precondition, postcondition, ...rest } = lifecycle;
  if (precondition === undefined && postcondition === undefined) return lifecycle;
  return {
    value: {
      ...rest,
      ...(precondition !== undefined
        ? { precondition: conditionBlocks(precondition, `${where}.precondition`) }
        : {}),
      ...(postcondition !== undefined
        ? { postcondition: conditionBlocks(postcondition, `${where}.postcondition`) }
        : {}),
    },
    isBlock: true,
    type: 'struct',
    storageClassType: 'lifecycle',
  };
}

const isDescriptor = (v: unknown): boolean =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.prototype.hasOwnProperty.call(v, 'value');

/**
 * A resource's `toHclTerraform()` output made valid HCL: the lifecycle conditions as blocks, and every argument that
 * reached it without a descriptor (an escape-hatch override such as terraform_data's `input`) written as an HCL
 * expression instead of by cdktf's unescaped fallback.
 */
export function hclResource(output: any, where: string): any {
  for (const instances of Object.values<Record<string, any>>(output?.resource ?? {})) {
    for (const attributes of Object.values<Record<string, any>>(instances)) {
      for (const [key, value] of Object.entries(attributes)) {
        if (value === undefined || META_KEYS.has(key) || isDescriptor(value)) continue;
        if (key === 'lifecycle') {
          attributes[key] = Lazy.anyValue({
            produce: (ctx) => lifecycleBlock(ctx.resolve(value), `${where}.lifecycle`),
          });
        } else {
          attributes[key] = hclAttribute(value, `${where}.${key}`);
        }
      }
    }
  }
  return output;
}

/**
 * A resource class (a cdktf-generated binding, or TerraformResource for terraform_data) whose HCL output is
 * hclResource()'s: for the resources this package gives lifecycle conditions or override arguments.
 */
export function withHclOutput<T extends new (...args: any[]) => TerraformResource>(Base: T): T {
  return class extends Base {
    public toHclTerraform(): any {
      return hclResource(super.toHclTerraform(), this.node.path);
    }
  };
}

/** TerraformResource with hclResource()'s HCL output: for terraform_data written through overrides. */
export const HclTerraformResource = withHclOutput(TerraformResource);
