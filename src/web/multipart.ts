// uri's body_format: form-multipart, encoded as Ansible's prepare_multipart
// (Python's email package, HTTP policy) writes it: the fields sorted by name;
// a string is a text/plain part; a mapping has content, or filename (a file
// whose bytes are sent base64-encoded), and mime_type (else guessed from the
// file name); CRLF line ends; name and filename quoted, or RFC 2231-encoded
// when not ASCII.
import { randomInt } from 'node:crypto';
import { ModuleFailure, type ModuleContext } from '../module-api/module-types.js';
import { findControllerFile } from '../file-ops/copy-core.js';
import { probe } from '../host/run.js';
import { quote, raw } from '../host/shell.js';
import { guessMimeType, MIME_TYPES_FILES, mimeExtensions, mimeTable } from './mime.js';

export interface MultipartPart {
  field: string;
  /** The value's text (a string field, or a mapping's content). */
  content?: string;
  /** A mapping's filename: where the bytes come from when there is no content. */
  filename?: string;
  mimeType?: string;
}

/** Python's type name of a YAML value, for Ansible's messages. */
export function pythonType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'dict';
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Python's str() of a scalar (to_bytes of a non-string content). */
const pyStr = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : v === null || v === undefined ? 'None' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The body's parts, checked as the action plugin and prepare_multipart check them. */
export function multipartParts(body: unknown): MultipartPart[] {
  if (!isMapping(body)) throw new ModuleFailure(`body must be mapping, cannot be type ${pythonType(body)}`);
  const fail = (why: string): never => {
    throw new ModuleFailure(`failed to parse body as form-multipart: ${why}`);
  };
  return Object.keys(body)
    .sort()
    .map((field) => {
      const value = body[field];
      if (typeof value === 'string') return { field, content: value, mimeType: 'text/plain' };
      if (!isMapping(value)) return fail(`value must be a string, or mapping, cannot be type ${pythonType(value)}`);
      const truthy = (v: unknown) => v !== undefined && v !== null && v !== '' && v !== false && v !== 0;
      const filename = truthy(value.filename) ? pyStr(value.filename) : undefined;
      const content = truthy(value.content) ? pyStr(value.content) : undefined;
      if (filename === undefined && content === undefined) fail('at least one of filename or content must be provided');
      const mimeType = truthy(value.mime_type) ? pyStr(value.mime_type) : undefined;
      return { field, content, filename, mimeType };
    });
}

/** Parts whose bytes are a file's (a filename and no content). */
export const fileParts = (parts: MultipartPart[]): MultipartPart[] => parts.filter((p) => p.content === undefined && p.filename !== undefined);

/** email.utils.encode_rfc2231's percent-encoding (urllib's quote with safe=''). */
const rfc2231 = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** One Content-Disposition parameter as Message.set_param writes it. */
function param(name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(value)) return `${name}*=utf-8''${rfc2231(value)}`;
  return `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A payload's line ends as the HTTP policy writes them. */
const crlf = (text: string): string => text.replace(/\r\n|\r|\n/g, '\r\n');

/** base64 in lines of 76 characters, each ended (base64.encodebytes). */
function base64Lines(data: Buffer): string {
  const text = data.toString('base64');
  let out = '';
  for (let i = 0; i < text.length; i += 76) out += `${text.slice(i, i + 76)}\n`;
  return out;
}

/** A boundary like the email package's: fifteen =, a random number, ==. */
export const newBoundary = (): string => `===============${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e9)).padStart(10, '0')}==`;

/**
 * The body and its Content-Type. `files` holds the bytes of file parts by
 * filename; `mimeTable` is mime.ts's table (Python's, plus the host's mime.types).
 */
export function multipartBody(parts: MultipartPart[], files: Map<string, Buffer>, mimeTable: Map<string, string>, boundary = newBoundary()): { contentType: string; body: Buffer } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const mime = p.mimeType ?? guessMimeType(p.filename ?? '', mimeTable) ?? 'application/octet-stream';
    const main = mime.includes('/') ? mime : `${mime}/`;
    const fromFile = p.content === undefined;
    const base = p.filename === undefined ? undefined : p.filename.slice(p.filename.lastIndexOf('/') + 1);
    const head = [`--${boundary}`];
    if (fromFile) head.push('Content-Transfer-Encoding: base64');
    head.push(`Content-Type: ${main}`);
    head.push(`Content-Disposition: form-data; ${param('name', p.field)}${base !== undefined ? `; ${param('filename', base)}` : ''}`);
    const payload = fromFile ? base64Lines(files.get(p.filename!) ?? Buffer.alloc(0)) : p.content!;
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n${crlf(payload)}\r\n`, 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary="${boundary}"`, body: Buffer.concat(chunks) };
}

const FILE_MARK = '@@tsplay-uri-file@@';

/**
 * uri's form-multipart body for a host: files come from the controller (found as `files`),
 * or with remote_src from the host; the host's mime.types is read for the
 * types of parts that name none. One probe, when the host has something to say.
 */
export async function multipartRequest(ctx: ModuleContext<unknown>, body: unknown, remoteSrc: boolean, hasSrc: boolean): Promise<{ contentType: string; body: Buffer }> {
  let parts: MultipartPart[];
  try {
    parts = multipartParts(body);
  } catch (e) {
    // Without the action plugin's check (remote_src, src) the module's own words.
    if (remoteSrc || hasSrc) throw new ModuleFailure(`failed to parse body as form-multipart: Mapping is required, cannot be type ${pythonType(body)}`);
    throw e;
  }
  const files = new Map<string, Buffer>();
  const remote = remoteSrc ? fileParts(parts).map((p) => p.filename!) : [];
  if (!remoteSrc) for (const p of fileParts(parts)) files.set(p.filename!, ctx.readFile(findControllerFile(ctx, 'files', p.filename!)).data);
  const exts = mimeExtensions(parts.filter((p) => p.mimeType === undefined && p.filename !== undefined).map((p) => p.filename!));
  let hostTypes = '';
  if (remote.length > 0 || exts.length > 0) {
    const wanted = exts.map((e) => e.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`)).join('|');
    const script = [
      exts.length > 0 ? `for f in ${MIME_TYPES_FILES.map(quote).join(' ')}; do [ -r "$f" ] && grep -iE ${quote(`[[:space:]](${wanted})([[:space:]]|$)`)} "$f"; done` : '',
      ...remote.map((f) => `echo ${FILE_MARK}; base64 -w0 < ${quote(f)} || echo ${FILE_MARK}missing`),
      'exit 0',
    ].filter(Boolean);
    const out = (await probe(ctx.conn, raw(script.join('\n')))).stdout.split(`${FILE_MARK}\n`);
    hostTypes = out[0] ?? '';
    remote.forEach((f, i) => {
      const text = out[i + 1] ?? '';
      if (text.includes(`${FILE_MARK}missing`)) throw new ModuleFailure(`failed to parse body as form-multipart: [Errno 2] No such file or directory: '${f}'`);
      files.set(f, Buffer.from(text.trim(), 'base64'));
    });
  }
  return multipartBody(parts, files, mimeTable(hostTypes));
}
