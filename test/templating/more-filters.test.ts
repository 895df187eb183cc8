// Properties of the filters, lookups and globals whose values are random or
// depend on the time (ansible-cases.json holds the deterministic ones).
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { md5Crypt, shaCrypt } from '../../src/templating/crypt.js';
import { Templar } from '../../src/templating/templar.js';

const t = new Templar();

describe('random and time-dependent templates', () => {
  it('password_hash without a salt makes a fresh 16-character salt', () => {
    const h = t.render("{{ 'secret' | password_hash('sha512') }}", {}) as string;
    expect(h).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    const salt = h.split('$')[2];
    expect(t.render(`{{ 'secret' | password_hash('sha512', '${salt}') }}`, {})).toBe(h);
  });

  it('crypt matches glibc test vectors', () => {
    // what Python's crypt.crypt (glibc) gives for these salts
    expect(shaCrypt('sha512', 'Hello world!', 'saltstring', null)).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
    expect(shaCrypt('sha256', 'Hello world!', 'saltstring', null)).toBe('$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5');
    expect(shaCrypt('sha512', 'Hello world!', 'saltstringsaltstring', 10000)).toBe(
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
    );
    expect(md5Crypt('password', 'saltstring')).toBe('$1$saltstri$qQY4WxjABChYG1ccLpfkz/');
  });

  it('shuffle keeps the items', () => {
    const got = t.render('{{ l | shuffle }}', { l: [1, 2, 3, 4, 5, 6] }) as number[];
    expect([...got].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('now() is a datetime close to the clock; strftime without epoch is today', () => {
    const year = String(new Date().getFullYear());
    expect(t.render("{{ now().year }}", {})).toBe(year);
    expect(t.render("{{ now(utc=True, fmt='%Y') }}", {})).toBe(String(new Date().getUTCFullYear()));
    expect(t.render("{{ '%Y' | strftime }}", {})).toBe(year);
    const age = t.render("{{ (now() - ('2000-01-01' | to_datetime('%Y-%m-%d'))).days }}", {});
    expect(Number(age)).toBeGreaterThan(8000);
  });

  it('lookup password makes a file once and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-pw-'));
    const file = join(dir, 'creds', 'db');
    const first = t.render(`{{ lookup('password', '${file} length=12 chars=digits') }}`, {}) as string;
    expect(first).toMatch(/^\d{12}$/);
    expect(readFileSync(file, 'utf8')).toBe(`${first}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(t.render(`{{ lookup('password', '${file} length=12 chars=digits') }}`, {})).toBe(first);
    const dflt = t.render("{{ lookup('password', '/dev/null') }}", {}) as string;
    expect(dflt).toMatch(/^[A-Za-z0-9.,:_-]{20}$/);
    expect(existsSync('/dev/null')).toBe(true);
    const hashed = t.render(`{{ lookup('password', '${join(dir, 'h')} encrypt=sha512_crypt') }}`, {}) as string;
    const [plain, salt] = readFileSync(join(dir, 'h'), 'utf8').trim().split(' salt=');
    expect(hashed).toBe(t.render(`{{ '${plain}' | password_hash('sha512', '${salt}') }}`, {}));
  });

  it('with_sequence and query(sequence) agree', () => {
    expect(t.query('sequence', ['start=1 end=3 format=n%d'], {}, { subdir: 'files' })).toEqual(['n1', 'n2', 'n3']);
  });
});
