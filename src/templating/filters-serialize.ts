// to_json / to_nice_json / to_yaml / to_nice_yaml byte for byte as Ansible
// prints them, and from_json / from_yaml. Their results are "native text":
// Ansible keeps them as strings even when they look like a list or dict.
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { param } from './args.js';
import { TemplateError } from './errors.js';
import { pyJsonDumps, pyJsonLoads } from './json.js';
import { truthy } from './python-ops.js';
import { pyStr } from './python-repr.js';
import type { FilterTable } from './registry.js';
import { nativeText } from './filters-core.js';
import { pyYamlDump } from './yaml-dump.js';
import { pythonLikeTags } from '../yaml-source.js';


function yamlOpts(a: { kw: Record<string, unknown> }, indent: number, flow: boolean | null): { indent: number; defaultFlowStyle: boolean | null; width: number } {
  return {
    indent: Number(a.kw.indent ?? indent),
    defaultFlowStyle: a.kw.default_flow_style === undefined ? flow : (a.kw.default_flow_style as boolean | null),
    width: Number(a.kw.width ?? 80),
  };
}

// PyYAML's reading (as Ansible's from_yaml): yes/no booleans, 3.0 stays a float
const YAML_OPTIONS = { version: '1.1', merge: true, customTags: pythonLikeTags } as const;

function loadYaml(text: string): unknown {
  return parseYaml(text, YAML_OPTIONS);
}

export const serializeFilters: FilterTable = {
  to_json: (v, a) =>
    nativeText(pyJsonDumps(v, {
      indent: a.kw.indent === undefined ? null : Number(a.kw.indent),
      sortKeys: truthy(a.kw.sort_keys ?? false),
      ensureAscii: truthy(a.kw.ensure_ascii ?? true),
    })),
  to_nice_json: (v, a) =>
    nativeText(pyJsonDumps(v, {
      indent: Number(param(a, 0, 'indent', 4)),
      sortKeys: truthy(a.kw.sort_keys ?? true),
      ensureAscii: truthy(a.kw.ensure_ascii ?? true),
    })),
  to_yaml: (v, a) => nativeText(pyYamlDump(v, yamlOpts(a, 2, null))),
  to_nice_yaml: (v, a) => nativeText(pyYamlDump(v, yamlOpts(a, Number(param(a, 0, 'indent', 4)), false))),
  from_json: (v) => {
    try {
      return pyJsonLoads(pyStr(v));
    } catch (err) {
      throw new TemplateError(`Expecting value: ${(err as Error).message}`);
    }
  },
  from_yaml: (v) => (typeof v === 'string' ? loadYaml(v) : v),
  from_yaml_all: (v) => parseAllDocuments(pyStr(v), YAML_OPTIONS).map((d) => d.toJS() as unknown),
};
