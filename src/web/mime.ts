// The MIME type Python's mimetypes.guess_type(name, strict=False) gives a file
// name, as uri's form-multipart parts get it on the host: Python 3.11's own
// table, overridden by the host's mime.types files (read by the caller).

/** Python's default table (mimetypes._types_map_default), type: extensions. */
const DEFAULTS: Record<string, string> = {
  'application/javascript': 'js mjs',
  'application/json': 'json',
  'application/manifest+json': 'webmanifest',
  'application/msword': 'doc dot wiz',
  'application/n-quads': 'nq',
  'application/n-triples': 'nt',
  'application/octet-stream': 'bin a dll exe o obj so',
  'application/oda': 'oda',
  'application/pdf': 'pdf',
  'application/pkcs7-mime': 'p7c',
  'application/postscript': 'ps ai eps',
  'application/trig': 'trig',
  'application/vnd.apple.mpegurl': 'm3u m3u8',
  'application/vnd.ms-excel': 'xls xlb',
  'application/vnd.ms-powerpoint': 'ppt pot ppa pps pwz',
  'application/wasm': 'wasm',
  'application/x-bcpio': 'bcpio',
  'application/x-cpio': 'cpio',
  'application/x-csh': 'csh',
  'application/x-dvi': 'dvi',
  'application/x-gtar': 'gtar',
  'application/x-hdf': 'hdf',
  'application/x-hdf5': 'h5',
  'application/x-latex': 'latex',
  'application/x-mif': 'mif',
  'application/x-netcdf': 'cdf nc',
  'application/x-pkcs12': 'p12 pfx',
  'application/x-pn-realaudio': 'ram',
  'application/x-python-code': 'pyc pyo',
  'application/x-sh': 'sh',
  'application/x-shar': 'shar',
  'application/x-shockwave-flash': 'swf',
  'application/x-sv4cpio': 'sv4cpio',
  'application/x-sv4crc': 'sv4crc',
  'application/x-tar': 'tar',
  'application/x-tcl': 'tcl',
  'application/x-tex': 'tex',
  'application/x-texinfo': 'texi texinfo',
  'application/x-troff': 'roff t tr',
  'application/x-troff-man': 'man',
  'application/x-troff-me': 'me',
  'application/x-troff-ms': 'ms',
  'application/x-ustar': 'ustar',
  'application/x-wais-source': 'src',
  'application/xml': 'xsl rdf wsdl xpdl',
  'application/zip': 'zip',
  'audio/3gpp': '3gp 3gpp',
  'audio/3gpp2': '3g2 3gpp2',
  'audio/aac': 'aac adts loas ass',
  'audio/basic': 'au snd',
  'audio/mpeg': 'mp3 mp2',
  'audio/opus': 'opus',
  'audio/x-aiff': 'aif aifc aiff',
  'audio/x-pn-realaudio': 'ra',
  'audio/x-wav': 'wav',
  'image/avif': 'avif',
  'image/bmp': 'bmp',
  'image/gif': 'gif',
  'image/ief': 'ief',
  'image/jpeg': 'jpg jpe jpeg',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/png': 'png',
  'image/svg+xml': 'svg',
  'image/tiff': 'tiff tif',
  'image/vnd.microsoft.icon': 'ico',
  'image/x-cmu-raster': 'ras',
  'image/x-portable-anymap': 'pnm',
  'image/x-portable-bitmap': 'pbm',
  'image/x-portable-graymap': 'pgm',
  'image/x-portable-pixmap': 'ppm',
  'image/x-rgb': 'rgb',
  'image/x-xbitmap': 'xbm',
  'image/x-xpixmap': 'xpm',
  'image/x-xwindowdump': 'xwd',
  'message/rfc822': 'eml mht mhtml nws',
  'text/css': 'css',
  'text/csv': 'csv',
  'text/html': 'html htm',
  'text/n3': 'n3',
  'text/plain': 'txt bat c h ksh pl srt',
  'text/richtext': 'rtx',
  'text/tab-separated-values': 'tsv',
  'text/vtt': 'vtt',
  'text/x-python': 'py',
  'text/x-setext': 'etx',
  'text/x-sgml': 'sgm sgml',
  'text/x-vcard': 'vcf',
  'text/xml': 'xml',
  'video/mp4': 'mp4',
  'video/mpeg': 'mpeg m1v mpa mpe mpg',
  'video/quicktime': 'mov qt',
  'video/webm': 'webm',
  'video/x-msvideo': 'avi',
  'video/x-sgi-movie': 'movie',
};

/** Python's common_types: consulted only when strict is false. */
const COMMON: Record<string, string> = {
  '.rtf': 'application/rtf',
  '.midi': 'audio/midi',
  '.mid': 'audio/midi',
  '.jpg': 'image/jpg',
  '.pict': 'image/pict',
  '.pct': 'image/pict',
  '.pic': 'image/pict',
  '.webp': 'image/webp',
  '.xul': 'text/xul',
};

const SUFFIXES: Record<string, string> = { '.svgz': '.svg.gz', '.tgz': '.tar.gz', '.taz': '.tar.gz', '.tz': '.tar.gz', '.tbz2': '.tar.bz2', '.txz': '.tar.xz' };
const ENCODINGS = new Set(['.gz', '.Z', '.bz2', '.xz', '.br']);

/** The files Python's mimetypes reads, in its order (a later one overrides). */
export const MIME_TYPES_FILES = [
  '/etc/mime.types',
  '/etc/httpd/mime.types',
  '/etc/httpd/conf/mime.types',
  '/etc/apache/mime.types',
  '/etc/apache2/mime.types',
  '/usr/local/etc/httpd/conf/mime.types',
  '/usr/local/lib/netscape/mime.types',
  '/usr/local/etc/httpd/conf/mime.types',
  '/usr/local/etc/mime.types',
];

const defaults = new Map<string, string>(Object.entries(DEFAULTS).flatMap(([type, exts]) => exts.split(' ').map((e) => [`.${e}`, type] as [string, string])));

/** posixpath.splitext: the extension of the last path part, not counting leading dots. */
function splitext(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return [path, ''];
  const name = path.slice(slash + 1, dot);
  if (/^\.*$/.test(name)) return [path, ''];
  return [path.slice(0, dot), path.slice(dot)];
}

/** The table: Python's defaults, then each "type ext ext" line of the host's mime.types text. */
export function mimeTable(hostLines = ''): Map<string, string> {
  const table = new Map(defaults);
  for (const line of hostLines.split('\n')) {
    const all = line.trim().split(/\s+/);
    const comment = all.findIndex((w) => w.startsWith('#'));
    const words = comment < 0 ? all : all.slice(0, comment);
    if (words.length < 2) continue;
    for (const ext of words.slice(1)) table.set(`.${ext}`, words[0]!);
  }
  return table;
}

/** The extension guess_type looks up: a "scheme:" prefix dropped, .tgz read as .tar.gz, an encoding's suffix skipped. */
function lookupExt(name: string): string {
  const path = /^[^/:]+:(.*)$/s.exec(name)?.[1] ?? name;
  let [base, ext] = splitext(path);
  while (ext in SUFFIXES) [base, ext] = splitext(base + SUFFIXES[ext]);
  if (ENCODINGS.has(ext)) [base, ext] = splitext(base);
  return ext;
}

/** guess_type(name, strict=False)[0]; undefined when Python finds none. */
export function guessMimeType(name: string, table: Map<string, string>): string | undefined {
  const ext = lookupExt(name);
  return table.get(ext) ?? table.get(ext.toLowerCase()) ?? COMMON[ext] ?? COMMON[ext.toLowerCase()];
}

/** The extensions whose host mime.types lines matter for these names (for a host-side grep). */
export function mimeExtensions(names: string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const ext = lookupExt(name);
    if (ext) out.add(ext.slice(1));
  }
  return [...out];
}
