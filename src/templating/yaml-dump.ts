// PyYAML's yaml.dump as Ansible's to_yaml / to_nice_yaml call it (sorted keys,
// allow_unicode, width 80), written as a small recursive emitter that follows
// PyYAML's layout rules: indentless sequences in mappings, "-   key" items with
// indent 4, flow style for collections of scalars when default_flow_style=None,
// PyYAML's choice of plain / single / double quoted scalars and line folding.
import { TemplateError } from './errors.js';
import { PyFloat, floatRepr } from './py-float.js';
import { pyNumber } from './python-repr.js';
import { isUndefined } from './undefined.js';

export interface YamlDumpOptions {
  indent?: number; // best_indent, 2 by default
  defaultFlowStyle?: boolean | null; // null: flow for collections of scalars
  width?: number;
}

const BREAKS = '\n\x85\u2028\u2029';
const WS = '\0 \t\r\n\x85\u2028\u2029';

const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

interface Analysis {
  empty: boolean;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

function analyze(s: string): Analysis {
  if (s === '') return { empty: true, multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true };
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadSpace = false;
  let leadBreak = false;
  let trailSpace = false;
  let trailBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) blockInd = flowInd = true;
  let precededByWs = true;
  let followedByWs = s.length === 1 || WS.includes(s[1] ?? '');
  let prevSpace = false;
  let prevBreak = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowInd = blockInd = true;
      if ('?:'.includes(ch)) {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '-' && followedByWs) flowInd = blockInd = true;
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      if (ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '#' && precededByWs) flowInd = blockInd = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const code = ch.charCodeAt(0);
    if (!(ch === '\n' || (code >= 0x20 && code <= 0x7e))) {
      const printable = ch === '\x85' || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0xd800 && code <= 0xdfff);
      if (!printable || code === 0xfeff) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadSpace = true;
      if (i === s.length - 1) trailSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadBreak = true;
      if (i === s.length - 1) trailBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    precededByWs = WS.includes(ch);
    followedByWs = i + 2 >= s.length || WS.includes(s[i + 2] ?? '');
  }
  const a: Analysis = { empty: false, multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true };
  if (leadSpace || leadBreak || trailSpace || trailBreak) a.flowPlain = a.blockPlain = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

const DQ_ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
};

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent: number | null = null;
  indents: (number | null)[] = [];
  flowLevel = 0;

  constructor(
    readonly best: number,
    readonly width: number,
    readonly flowDefault: boolean | null,
  ) {}

  write(s: string): void {
    this.out += s;
    this.column += s.length;
  }

  increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.best : 0;
    else if (!indentless) this.indent += this.best;
  }

  popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  lineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += data;
    this.column = 0;
  }

  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  indicator(ind: string, needWs: boolean, whitespace = false, indention = false): void {
    this.write(this.whitespace || !needWs ? ind : ` ${ind}`);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
  }

  isFlow(v: unknown): boolean {
    if (this.flowLevel > 0) return true;
    const items = Array.isArray(v) ? v : Object.entries(v as object).flat();
    if (items.length === 0) return true;
    if (this.flowDefault !== null) return this.flowDefault;
    return items.every((x) => x === null || x === undefined || typeof x !== 'object' || x instanceof PyFloat);
  }

  node(v: unknown, ctx: { mapping?: boolean; simpleKey?: boolean }): void {
    if (isUndefined(v)) v.fail();
    if (Array.isArray(v)) {
      if (this.isFlow(v)) this.flowSequence(v);
      else this.blockSequence(v, ctx.mapping ?? false);
    } else if (typeof v === 'object' && v !== null && !(v instanceof PyFloat)) {
      if (this.isFlow(v)) this.flowMapping(v as Record<string, unknown>);
      else this.blockMapping(v as Record<string, unknown>);
    } else {
      this.increaseIndent(true);
      this.scalar(v, ctx.simpleKey ?? false);
      this.popIndent();
    }
  }

  flowSequence(items: unknown[]): void {
    this.indicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    items.forEach((item, i) => {
      if (i > 0) this.indicator(',', false);
      if (this.column > this.width) this.writeIndent();
      this.node(item, {});
    });
    this.popIndent();
    this.flowLevel--;
    this.indicator(']', false);
  }

  flowMapping(map: Record<string, unknown>): void {
    this.indicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    Object.keys(map)
      .sort()
      .forEach((k, i) => {
        if (i > 0) this.indicator(',', false);
        if (this.column > this.width) this.writeIndent();
        this.node(k, { mapping: true, simpleKey: true });
        this.indicator(':', false);
        this.node(map[k], { mapping: true });
      });
    this.popIndent();
    this.flowLevel--;
    this.indicator('}', false);
  }

  blockSequence(items: unknown[], mappingContext: boolean): void {
    this.increaseIndent(false, mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(item, {});
    }
    this.popIndent();
  }

  blockMapping(map: Record<string, unknown>): void {
    this.increaseIndent(false);
    for (const k of Object.keys(map).sort()) {
      this.writeIndent();
      this.node(k, { mapping: true, simpleKey: true });
      this.indicator(':', false);
      this.node(map[k], { mapping: true });
    }
    this.popIndent();
  }

  scalar(v: unknown, simpleKey: boolean): void {
    if (v === null || v === undefined) return this.plain('null');
    if (typeof v === 'boolean') return this.plain(v ? 'true' : 'false');
    if (typeof v === 'bigint') return this.plain(v.toString());
    if (typeof v === 'number' || v instanceof PyFloat) {
      const n = Number(v);
      if (Number.isNaN(n)) return this.plain('.nan');
      if (!Number.isFinite(n)) return this.plain(n > 0 ? '.inf' : '-.inf');
      let s = (v instanceof PyFloat ? floatRepr(n) : pyNumber(n)).toLowerCase();
      if (!s.includes('.') && s.includes('e')) s = s.replace('e', '.0e');
      return this.plain(s);
    }
    if (typeof v !== 'string') throw new TemplateError(`cannot represent an object: ${String(v)}`);
    const a = analyze(v);
    const implicit = !IMPLICIT.some((re) => re.test(v));
    if (implicit && !(simpleKey && (a.empty || a.multiline)) && (this.flowLevel ? a.flowPlain : a.blockPlain)) {
      return this.plain(v);
    }
    if (a.singleQuoted && !(simpleKey && a.multiline)) return this.singleQuoted(v);
    return this.doubleQuoted(v);
  }

  plain(text: string): void {
    if (!text) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.width) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.lineBreak();
          for (const br of text.slice(start, end)) this.lineBreak(br);
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
  }

  singleQuoted(text: string): void {
    this.indicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.width && start !== 0 && end !== text.length) this.writeIndent();
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.lineBreak();
          for (const br of text.slice(start, end)) this.lineBreak(br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  doubleQuoted(text: string): void {
    this.indicator('"', true);
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      const code = ch === undefined ? 0 : ch.charCodeAt(0);
      const plainCh =
        ch !== undefined &&
        !'"\\\x85\u2028\u2029\ufeff'.includes(ch) &&
        ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd));
      if (!plainCh) {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
        if (ch !== undefined) {
          const e = DQ_ESCAPES[ch];
          if (e !== undefined) this.write(`\\${e}`);
          else if (code <= 0xff) this.write(`\\x${code.toString(16).toUpperCase().padStart(2, '0')}`);
          else this.write(`\\u${code.toString(16).toUpperCase().padStart(4, '0')}`);
          start = end + 1;
        }
      }
      if (end > 0 && end < text.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > this.width) {
        let data = `${text.slice(start, end)}\\`;
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === ' ') {
          data = '\\';
          this.write(data);
        }
      }
    }
    this.indicator('"', false);
  }
}

export function pyYamlDump(value: unknown, opts: YamlDumpOptions = {}): string {
  const e = new Emitter(opts.indent ?? 2, opts.width ?? 80, opts.defaultFlowStyle === undefined ? null : opts.defaultFlowStyle);
  e.node(value, {});
  e.writeIndent();
  return e.out.endsWith('\n') ? e.out : `${e.out}\n`;
}
