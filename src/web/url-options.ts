// The options get_url and uri share (Ansible's url_argument_spec), and the
// request they describe.
import type { HttpRequest } from './http.js';
import { SELINUX_OPTIONS } from '../file-ops/file-attributes.js';

export interface UrlArgs {
  url: string;
  url_username?: string;
  url_password?: string;
  force_basic_auth: boolean;
  validate_certs: boolean;
  http_agent: string;
  use_proxy: boolean;
  use_netrc: boolean;
  client_cert?: string;
  client_key?: string;
  ciphers?: string[];
  decompress: boolean;
  headers?: Record<string, unknown>;
  timeout: number;
  unredirected_headers: string[];
  use_gssapi: boolean;
}

export const URL_OPTIONS: Record<string, Record<string, unknown>> = {
  url: { type: 'string', description: 'HTTP, HTTPS or FTP URL' },
  url_username: { type: 'string', description: 'user name for HTTP authentication' },
  url_password: { type: 'string', description: 'password for HTTP authentication (sent to curl on stdin)' },
  force_basic_auth: { type: 'boolean', default: false, description: 'send Basic credentials with the first request' },
  validate_certs: { type: 'boolean', default: true, description: 'verify the server certificate' },
  http_agent: { type: 'string', default: 'ansible-httpget', description: 'User-Agent header' },
  use_proxy: { type: 'boolean', default: true, description: "use the host's proxy environment variables" },
  use_netrc: { type: 'boolean', default: true, description: 'read credentials from ~/.netrc' },
  client_cert: { type: 'string', description: 'PEM client certificate (host path)' },
  client_key: { type: 'string', description: 'PEM client key (host path)' },
  ciphers: { type: 'array', items: { type: 'string' }, description: 'TLS ciphers, joined with ":"' },
  decompress: { type: 'boolean', default: true, description: 'decompress gzip-encoded responses' },
  headers: { type: 'object', description: 'extra HTTP request headers' },
  unredirected_headers: { type: 'array', items: { type: 'string' }, default: [], description: 'headers not sent again after a redirect' },
  use_gssapi: { type: 'boolean', default: false, description: 'authenticate with GSSAPI/Kerberos (curl --negotiate)' },
};

/**
 * The file options both modules take for the file they write (Ansible's
 * add_file_common_args beyond mode/owner/group): accepted as copy and file
 * accept them (SELinux contexts and attributes are not set).
 */
export const FILE_OPTIONS: Record<string, Record<string, unknown>> = {
  ...SELINUX_OPTIONS,
  attributes: { type: 'string', description: 'filesystem attributes (chattr) of the file (accepted, not set)' },
  unsafe_writes: { type: 'boolean', default: false, description: 'accepted; the file is always replaced atomically' },
};

/** The request the common options describe (method and body are the module's). */
export function requestOf(a: UrlArgs, method = 'GET'): HttpRequest {
  return {
    url: a.url,
    method,
    headers: Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k, String(v)])),
    user: a.url_username,
    password: a.url_password,
    forceBasicAuth: a.force_basic_auth,
    validateCerts: a.validate_certs,
    timeout: a.timeout,
    userAgent: a.http_agent,
    decompress: a.decompress,
    clientCert: a.client_cert,
    clientKey: a.client_key,
    ciphers: a.ciphers,
    useNetrc: a.use_netrc,
    unredirectedHeaders: a.unredirected_headers,
    gssapi: a.use_gssapi,
  };
}

/** curl honours http_proxy & co. by itself; use_proxy: false turns that off. */
export function proxyWords(a: UrlArgs): string {
  return a.use_proxy ? '' : "--noproxy '*'";
}
