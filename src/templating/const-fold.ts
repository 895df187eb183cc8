// Jinja's code generator folds constant expressions (`1e308 * 10`) while
// compiling and writes the folded value into the Python code as its repr. An
// inf or nan folded that way becomes the name `inf` / `nan` in that code, so a
// template using it where nothing folds further (a filter's argument, an
// operand beside a variable) fails with Python's NameError, as ansible-playbook
// shows: `{{ (1e308 * 10) | to_json }}` fails, `{{ 1e308 * 10 }}` prints inf.
// This marks such nodes; the compiler makes each raise that NameError.
import { nodes, type AnyNode } from './nunjucks-internals.js';
import { PyFloat, mkFloat } from './py-float.js';
import { compareOp, pyAdd, pyDiv, pyFloorDiv, pyMod, pyMul, pyNeg, pyPow, pySub } from './python-ops.js';

type Folded = { value: unknown } | undefined;

const OPS: Record<string, (a: unknown, b: unknown) => unknown> = {
  Add: pyAdd, Sub: pySub, Mul: pyMul, Div: pyDiv, FloorDiv: pyFloorDiv, Mod: pyMod, Pow: pyPow,
};

/** The value Jinja's folding computes for `node` (numbers, arithmetic, comparisons, lists of them), if it folds. */
function fold(node: AnyNode): Folded {
  try {
    if (node instanceof nodes.TemplateData) return undefined;
    if (node instanceof nodes.Literal) {
      const v = node.value as unknown;
      if (typeof v === 'bigint') return { value: v };
      if (typeof v === 'number') return { value: node.pyFloat ? mkFloat(v) : v };
      return undefined;
    }
    const op = OPS[node.typename as string];
    if (op) {
      const l = fold(node.left);
      const r = l && fold(node.right);
      return r && { value: op(l!.value, r.value) };
    }
    if (node instanceof nodes.Neg || node instanceof nodes.Pos) {
      const t = fold(node.target);
      return t && { value: node instanceof nodes.Neg ? pyNeg(t.value) : t.value };
    }
    if (node instanceof nodes.Compare) {
      let left = fold(node.expr);
      if (!left) return undefined;
      for (const o of node.ops as AnyNode[]) {
        const right = fold(o.expr);
        if (!right || !compareOp(o.type as string, left.value, right.value)) return right && { value: false };
        left = right;
      }
      return { value: true };
    }
    // Of the filters, Jinja folded only these in ansible-playbook 2.14 (`| string`, `| int`, `| to_json` not).
    if (node instanceof nodes.Filter && ['float', 'abs'].includes(node.name.value) && node.args.children.length === 1) {
      return fold(node.args.children[0]); // float() and abs() keep what matters here: whether it is finite
    }
    if (node instanceof nodes.Group && node.children.length === 1) return fold(node.children[0]);
    if (node instanceof nodes.Array || node instanceof nodes.Group) {
      const items = (node.children as AnyNode[]).map(fold);
      return items.every(Boolean) ? { value: items.map((i) => i!.value) } : undefined;
    }
  } catch {
    return undefined; // Python raises while folding: Jinja leaves it to run time
  }
  return undefined;
}

/** The name Python's repr gives the first inf or nan in a folded value. */
function nonFinite(v: unknown): string | undefined {
  const n = v instanceof PyFloat ? v.value : v;
  if (typeof n === 'number' && !Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : 'inf';
  if (Array.isArray(v)) for (const x of v) {
    const name = nonFinite(x);
    if (name) return name;
  }
  return undefined;
}

/** Marks (node.pyNameError) each folded inf/nan whose parent does not fold it away. */
export function markFoldedNonFinite(node: AnyNode, parentFolds = true): void {
  if (!node || typeof node !== 'object') return;
  const folded = node instanceof nodes.Output ? undefined : fold(node);
  if (folded) {
    const name = parentFolds ? undefined : nonFinite(folded.value);
    if (name) node.pyNameError = name;
    return;
  }
  // Output prints a folded child as text; any other parent that does not fold
  // itself puts its folded children in the code as literals.
  // A test (`is number`) folds too.
  const childrenFold = node instanceof nodes.Output || node instanceof nodes.Is;
  for (const field of (node.fields as string[] | undefined) ?? []) {
    const child = node[field] as unknown;
    if (Array.isArray(child)) for (const c of child) markFoldedNonFinite(c, childrenFold);
    else if (child && typeof child === 'object') markFoldedNonFinite(child, childrenFold);
  }
}
