// package_facts and service_facts: parsing the host's listings as Ansible
// reads them (outputs taken from a Debian 12 host).
import { describe, expect, it } from 'vitest';
import { parseAptPackages, parseRpmPackages } from '../../src/system-facts/packages.js';
import { parseServices } from '../../src/system-facts/services.js';

describe('package_facts parsing', () => {
  it('apt: installed packages only, origin of the installed version, foreign arch as name:arch', () => {
    const out = [
      'amd64',
      '@@dpkg',
      'ii \tbash\t5.2.15-2+b8\tamd64\tshells',
      'ii \tadduser\t3.134\tall\tadmin',
      'rc \tgone\t1.0\tamd64\tutils',
      'ii \tlibc6\t2.36-9\ti386\tlibs',
      '@@files',
      'Package files:',
      ' 100 /var/lib/dpkg/status',
      '     release a=now',
      ' 500 http://deb.debian.org/debian bookworm/main amd64 Packages',
      '     release v=12.15,o=Debian,a=oldstable,n=bookworm,l=Debian,c=main,b=amd64',
      '     origin deb.debian.org',
      'Pinned packages:',
      '@@versions',
      'bash:',
      '  Installed: 5.2.15-2+b8',
      '  Version table:',
      '     5.2.15-2+b13 500',
      '        500 http://deb.debian.org/debian bookworm/main amd64 Packages',
      ' *** 5.2.15-2+b8 100',
      '        100 /var/lib/dpkg/status',
      'adduser:',
      '  Version table:',
      ' *** 3.134 500',
      '        500 http://deb.debian.org/debian bookworm/main amd64 Packages',
      '        100 /var/lib/dpkg/status',
      '',
    ].join('\n');
    expect(parseAptPackages(out)).toEqual({
      adduser: [{ name: 'adduser', version: '3.134', arch: 'all', category: 'admin', origin: 'Debian', source: 'apt' }],
      bash: [{ name: 'bash', version: '5.2.15-2+b8', arch: 'amd64', category: 'shells', origin: '', source: 'apt' }],
      'libc6:i386': [{ name: 'libc6:i386', version: '2.36-9', arch: 'i386', category: 'libs', origin: '', source: 'apt' }],
    });
  });

  it('rpm: epoch a number or null, a key without arch null', () => {
    const out = 'bash\t5.1.8\t6.el9\t(none)\tx86_64\ngpg-pubkey\t6de9311e\t6b17184a\t(none)\t(none)\nshadow\t4.9\t8.el9\t2\tx86_64\n';
    expect(parseRpmPackages(out)).toEqual({
      bash: [{ name: 'bash', version: '5.1.8', release: '6.el9', epoch: null, arch: 'x86_64', source: 'rpm' }],
      'gpg-pubkey': [{ name: 'gpg-pubkey', version: '6de9311e', release: '6b17184a', epoch: null, arch: null, source: 'rpm' }],
      shadow: [{ name: 'shadow', version: '4.9', release: '8.el9', epoch: 2, arch: 'x86_64', source: 'rpm' }],
    });
  });
});

describe('service_facts parsing', () => {
  it('sysv scripts, systemd units (failed and not-found marked), unit files for the rest', () => {
    const out = [
      '@@sysv',
      ' [ + ]  ssh',
      ' [ - ]  procps',
      '@@units',
      '  UNIT                 LOAD      ACTIVE   SUB     DESCRIPTION',
      '  ssh.service          loaded    active   running OpenBSD Secure Shell server',
      '● broken.service       loaded    failed   failed  Broken',
      '● gone.service         not-found inactive dead    gone.service',
      '  oneshot.service      loaded    inactive dead    One shot',
      '',
      'LOAD   = Reflects whether the unit definition was properly loaded.',
      '5 loaded units listed.',
      '@@files',
      'UNIT FILE             STATE           VENDOR PRESET',
      'ssh.service           enabled         enabled',
      'broken.service        enabled         enabled',
      'oneshot.service       static          -',
      'getty@.service        enabled         enabled',
      'off.service           disabled        enabled',
      '',
      '3 unit files listed.',
      '@@show off.service inactive',
      '@@show getty@.service',
    ].join('\n');
    expect(parseServices(out)).toEqual({
      ssh: { name: 'ssh', state: 'running', source: 'sysv' },
      procps: { name: 'procps', state: 'stopped', source: 'sysv' },
      'ssh.service': { name: 'ssh.service', state: 'running', status: 'enabled', source: 'systemd' },
      'broken.service': { name: 'broken.service', state: 'stopped', status: 'failed', source: 'systemd' },
      'gone.service': { name: 'gone.service', state: 'stopped', status: 'not-found', source: 'systemd' },
      'oneshot.service': { name: 'oneshot.service', state: 'stopped', status: 'static', source: 'systemd' },
      'getty@.service': { name: 'getty@.service', state: 'unknown', status: 'enabled', source: 'systemd' },
      'off.service': { name: 'off.service', state: 'inactive', status: 'disabled', source: 'systemd' },
    });
  });
});
