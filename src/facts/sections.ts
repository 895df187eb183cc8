// Reading the fact script's output: `@@name@@` sections of text, and the
// key=value lines most sections hold.

/** The script's output split into its sections, by name. */
export function splitSections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  // env comes last and may contain anything: it is cut off first.
  const envAt = stdout.indexOf('\n@@env@@\n');
  if (envAt >= 0) out.set('env', stdout.slice(envAt + '\n@@env@@\n'.length));
  const head = envAt >= 0 ? stdout.slice(0, envAt) : stdout;
  const parts = ('\n' + head).split(/\n@@([^@\n]+)@@\n/);
  for (let i = 1; i + 1 < parts.length; i += 2) out.set(parts[i]!, parts[i + 1]!);
  return out;
}

/** key=value lines in order (a key may repeat). */
export function keyValues(text: string | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (const line of (text ?? '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return out;
}

/** key=value lines as a map (the last value of a key wins). */
export function keyValueMap(text: string | undefined): Map<string, string> {
  return new Map(keyValues(text));
}
