// package_facts beyond apt and rpm: pacman, apk, portage, pkg and pkg_info are
// proven by parsing only (samples below written from the tools' documented
// output formats: no such host is available here); detection, `auto`,
// `strategy` and the failures by scripted hosts; apt (and rpm, which this
// machine has too) by a run on this machine.
import { describe, expect, it } from 'vitest';
import packageFacts from '../../modules/package_facts.js';
import { checkArgs } from '../../src/module-api/module-args.js';
import { planAndApply } from '../../src/executor/plan-apply.js';
import { parseApk, parseDetect, parsePacman, parsePkg, parsePkgInfo, parsePortage } from '../../src/system-facts/package-managers.js';
import { ScriptedConnection } from '../host/scripted-connection.js';
import { makeContext, runModule } from './module-harness.js';

const PACMAN_QI = `Name            : bash
Version         : 5.2.026-2
Description     : The GNU Bourne Again shell
Architecture    : x86_64
URL             : https://www.gnu.org/software/bash/bash.html
Licenses        : GPL-3.0-or-later
Groups          : None
Provides        : sh
Depends On      : readline  libreadline.so=8-64  glibc  ncurses
Optional Deps   : bash-completion: for tab completion
Required By     : autoconf  automake  base  bison  ca-certificates-utils  db5.3  findutils  gawk
                  gettext  grep  gzip  libtool  lsb-release  mkinitcpio  systemd  which
Optional For    : None
Conflicts With  : None
Replaces        : None
Installed Size  : 8.22 MiB
Packager        : Tobias Powalowski <tpowa@archlinux.org>
Build Date      : Sat 27 Jan 2024 07:29:26 AM UTC
Install Date    : Mon 05 Feb 2024 10:00:00 AM UTC
Install Reason  : Installed as a dependency for another package
Install Script  : No
Validated By    : Signature

Name            : readline
Version         : 8.2.010-1
Description     : GNU readline library
Architecture    : x86_64
URL             : https://tiswww.case.edu/php/chet/readline/rltop.html
Licenses        : GPL-3.0-or-later
Groups          : None
Provides        : libhistory.so=8-64  libreadline.so=8-64
Depends On      : glibc  ncurses  libncursesw.so=6-64
Optional Deps   : None
Required By     : bash  gnupg  python
Optional For    : None
Conflicts With  : None
Replaces        : None
Installed Size  : 802.55 KiB
Packager        : Levente Polyak <anthraxx@archlinux.org>
Build Date      : Mon 29 Jan 2024 08:20:11 PM UTC
Install Date    : Mon 05 Feb 2024 10:00:00 AM UTC
Install Reason  : Installed as a dependency for another package
Install Script  : No
Validated By    : Signature

Name            : filesystem
Version         : 2024.04.07-1
Description     : Base Arch Linux files
Architecture    : any
URL             : https://archlinux.org
Licenses        : GPL-3.0-only
Groups          : None
Provides        : None
Depends On      : iana-etc
Optional Deps   : None
Required By     : base  glibc
Optional For    : None
Conflicts With  : None
Replaces        : None
Installed Size  : 21.51 KiB
Packager        : David Runge <dvzrv@archlinux.org>
Build Date      : Sun 07 Apr 2024 06:00:00 PM UTC
Install Date    : Mon 08 Apr 2024 10:00:00 AM UTC
Install Reason  : Installed as a dependency for another package
Install Script  : No
Validated By    : Signature

`;

const APK_INFO_V = `musl-1.2.4-r2
busybox-1.36.1-r15
busybox-binsh-1.36.1-r15
alpine-baselayout-data-3.4.3-r1
ca-certificates-bundle-20230506-r0
oddname
`;

// qlist -Iv | xargs qatom: category, name, version, revision when there is one.
const QATOM = `app-admin eselect 1.4.27 r1
dev-lang python 3.11.8 r1
dev-lang python 3.12.2
sys-apps portage 3.0.63
`;

// pkg query '%n\t%v\t%R\t%t\t%a\t%q\t%o\t%p\t%V'
const PKG_QUERY = [
  'nginx\t1.24.0_14,3\tFreeBSD\t1706000000\t0\tFreeBSD:14:amd64\twww/nginx\t/usr/local\t0',
  'pkg\t1.20.9\tFreeBSD\t1700000000\t1\tFreeBSD:14:*\tports-mgmt/pkg\t/usr/local\t1',
  '',
].join('\n');

const PKG_INFO_A = `bash-5.2.21         GNU Bourne Again Shell
python-3.10.13p2    interpreted object-oriented programming language
py3-setuptools-68.0.0v0 simplified packaging system for Python modules
quirks-6.159        exceptions to pkg_add rules and cache
`;

describe('package listings (parsing only: samples in each tool\'s documented format)', () => {
  it('pacman -Qi: name, version, arch, provides without versions (None: null), the last block too', () => {
    expect(parsePacman(PACMAN_QI)).toEqual({
      bash: [{ name: 'bash', version: '5.2.026-2', arch: 'x86_64', provides: ['sh'], source: 'pacman' }],
      readline: [{ name: 'readline', version: '8.2.010-1', arch: 'x86_64', provides: ['libhistory.so', 'libreadline.so'], source: 'pacman' }],
      filesystem: [{ name: 'filesystem', version: '2024.04.07-1', arch: 'any', provides: null, source: 'pacman' }],
    });
    // As Ansible: only blocks ended by a blank line are packages.
    expect(Object.keys(parsePacman(PACMAN_QI.trimEnd()))).toEqual(['bash', 'readline']);
  });

  it('apk info -v: name, version, release split at the last two dashes', () => {
    const facts = parseApk(APK_INFO_V);
    expect(facts['busybox-binsh']).toEqual([{ name: 'busybox-binsh', version: '1.36.1', release: 'r15', source: 'apk' }]);
    expect(facts['alpine-baselayout-data']).toEqual([{ name: 'alpine-baselayout-data', version: '3.4.3', release: 'r1', source: 'apk' }]);
    expect(facts.oddname).toEqual([{ name: 'oddname', version: '', release: '', source: 'apk' }]);
    expect(Object.keys(facts)).toHaveLength(6);
  });

  it('portage (qatom): the words it printed, two slots of python as two entries', () => {
    const facts = parsePortage(QATOM);
    expect(facts.eselect).toEqual([{ category: 'app-admin', name: 'eselect', version: '1.4.27', ebuild_revision: 'r1', source: 'portage' }]);
    expect(facts.python).toEqual([
      { category: 'dev-lang', name: 'python', version: '3.11.8', ebuild_revision: 'r1', source: 'portage' },
      { category: 'dev-lang', name: 'python', version: '3.12.2', source: 'portage' },
    ]);
  });

  it('pkg query: arch from the ABI, category from the origin, epoch and revision out of the version', () => {
    expect(parsePkg(PKG_QUERY)).toEqual({
      nginx: [
        {
          name: 'nginx', version: '1.24.0', revision: '14', port_epoch: '3', origin: 'FreeBSD', installed: '1706000000',
          automatic: false, arch: 'amd64', category: 'www', prefix: '/usr/local', vital: false, source: 'pkg',
        },
      ],
      pkg: [
        {
          name: 'pkg', version: '1.20.9', revision: '0', port_epoch: 0, origin: 'FreeBSD', installed: '1700000000',
          automatic: true, arch: '*', category: 'ports-mgmt', prefix: '/usr/local', vital: true, source: 'pkg',
        },
      ],
    });
  });

  it('pkg_info -a: name and version split at the last dash of the first word', () => {
    const facts = parsePkgInfo(PKG_INFO_A);
    expect(facts.python).toEqual([{ name: 'python', version: '3.10.13p2', source: 'pkg_info' }]);
    expect(facts['py3-setuptools']).toEqual([{ name: 'py3-setuptools', version: '68.0.0v0', source: 'pkg_info' }]);
    expect(Object.keys(facts)).toEqual(['bash', 'python', 'py3-setuptools', 'quirks']);
  });
});

/** package_facts against a scripted host. */
async function onHost(conn: ScriptedConnection, args: Record<string, unknown>) {
  const checked = checkArgs(packageFacts, args);
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  const { plan } = await planAndApply(packageFacts, { ...makeContext(checked.args), conn }, false);
  return plan.result!;
}

const detected = (managers: string[], listing: string) => `${managers.map((m) => `@@pm ${m}\n`).join('')}@@tsplay-listing@@\n${listing}`;

describe('package_facts: detection, auto and strategy (scripted hosts)', () => {
  it('auto on an Arch host: one round trip that finds pacman and lists it', async () => {
    const conn = new ScriptedConnection([{ match: "command -v pacman", reply: { stdout: detected(['pacman'], PACMAN_QI) } }]);
    const r = await onHost(conn, {});
    expect(Object.keys((r.ansible_facts as any).packages)).toEqual(['bash', 'readline', 'filesystem']);
    expect(conn.done).toBe(true);
    // The probe lists the first one found, in tsplay's auto order.
    expect(conn.sent[0]).toMatch(/dpkg-query[\s\S]*rpm[\s\S]*pacman[\s\S]*apk[\s\S]*qlist[\s\S]*pkg[\s\S]*pkg_info/);
  });

  it('strategy all lists the other managers found, one more round trip each; first stops at one', async () => {
    const all = new ScriptedConnection([
      { match: 'command -v apk', reply: { stdout: detected(['apk', 'pkg_info'], APK_INFO_V) } },
      { match: 'pkg_info -a', reply: { stdout: PKG_INFO_A } },
    ]);
    const r = await onHost(all, { manager: ['apk', 'pkg_info'], strategy: 'all' });
    const packages = (r.ansible_facts as any).packages;
    expect(packages.musl[0].source).toBe('apk');
    expect(packages.quirks[0].source).toBe('pkg_info');
    expect(all.done).toBe(true);
    const first = new ScriptedConnection([{ match: 'command -v apk', reply: { stdout: detected(['apk', 'pkg_info'], APK_INFO_V) } }]);
    expect(Object.keys(((await onHost(first, { manager: ['apk', 'pkg_info'] })).ansible_facts as any).packages)).toHaveLength(6);
    expect(first.done).toBe(true);
  });

  it('a listing that writes to stderr gives no packages and, when asked for by name, a warning (as Ansible)', async () => {
    const conn = new ScriptedConnection([{ match: 'pkg query', reply: { stdout: detected(['pkg'], PKG_QUERY), stderr: 'pkg: warning: database is locked\n' } }]);
    const r = await onHost(conn, { manager: ['pkg'] });
    expect(r.ansible_facts).toEqual({ packages: {} });
    expect(r.warnings).toEqual(['Requested package manager pkg was not usable by this module: Unable to list packages rc=0 : pkg: warning: database is locked\n']);
  });

  it('portage: a failing listing (non-zero exit) is a warning; stderr alone is not', async () => {
    const ok = new ScriptedConnection([{ match: 'qlist -Iv', reply: { stdout: detected(['portage'], QATOM), stderr: 'noise\n' } }]);
    expect(Object.keys(((await onHost(ok, { manager: ['portage'] })).ansible_facts as any).packages)).toEqual(['eselect', 'python', 'portage']);
  });

  it('fails as Ansible does: nothing found, an unknown manager, an unknown one with auto', async () => {
    const none = new ScriptedConnection([{ match: 'command -v', reply: { stdout: detected([], '') } }]);
    await expect(onHost(none, { manager: ['apk', 'pacman'] })).rejects.toThrow(
      "Could not detect a supported package manager from the following list: ['apk', 'pacman'], or the required Python library is not installed. Check warnings for details.",
    );
    await expect(onHost(new ScriptedConnection([]), { manager: ['yum'] })).rejects.toThrow('Unsupported package managers requested: yum');
    await expect(onHost(new ScriptedConnection([]), { manager: ['auto', 'zypper'] })).rejects.toThrow('Could not auto detect a usable package manager');
  });

  it('reads which managers are there and the listing after the mark', () => {
    expect(parseDetect('@@pm apt\n@@pm rpm\n@@tsplay-listing@@\nx\ny\n')).toEqual({ available: ['apt', 'rpm'], listing: 'x\ny\n' });
  });
});

describe('package_facts on this machine (Debian: dpkg, and rpm installed too)', () => {
  it('auto reads apt only; strategy all adds rpm\'s (empty) database', async () => {
    const r = await runModule(packageFacts, {});
    const packages = (r.result.ansible_facts as any).packages;
    expect(packages.bash[0]).toMatchObject({ name: 'bash', source: 'apt' });
    const all = await runModule(packageFacts, { manager: ['auto'], strategy: 'all' });
    expect((all.result.ansible_facts as any).packages.bash[0].source).toBe('apt');
  }, 120_000);
});
