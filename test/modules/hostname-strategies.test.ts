// hostname's use=openrc and use=generic as Ansible 2.14's strategies behave:
// /etc/conf.d/hostname read and rewritten as OpenRCStrategy does (the first
// hostname= line, its first 10 characters dropped; every line stripped; no line
// added), and generic raising NotImplementedError before it reads anything.
// The lab proves them against Ansible: test/integration/ssh-cases/hostname-strategies.yml.
import { describe, expect, it } from 'vitest';
import hostname from '../../modules/hostname.js';
import { STRATEGIES } from '../../src/accounts/hostname-strategy.js';
import { ModuleFailure } from '../../src/module-api/module-types.js';
import { runModule } from './module-harness.js';

const openrc = STRATEGIES.openrc!;
const file = (text: string | undefined) => (name: string) =>
  name === 'openrc' && text !== undefined ? { rc: 0, out: text } : { rc: 1, out: '' };

describe('use=openrc', () => {
  it('reads the first hostname= line as Ansible does, or nothing (None) without one', () => {
    expect(openrc.read!(file('# x\n  hostname="web1"  \nhostname="web2"\n'))).toEqual({ current: 'web1', permanent: 'web1' });
    // line[10:] assumes a quote: an unquoted value loses its first character.
    expect(openrc.read!(file('hostname=web1\n')).permanent).toBe('eb1');
    expect(openrc.read!(file(undefined)).permanent).toBe('');
    expect(openrc.read!(file('# nothing\n')).permanent).toBeNull();
    expect(openrc.read!(file('')).permanent).toBeNull();
  });

  it('rewrites that line, strips every line, adds none; through a temporary file keeping the mode', () => {
    const [cmd] = openrc.setPermanent('new.example', file('# x\n  hostname="old"  \nhostname="b"\n\nother=1  \n\n'));
    expect(cmd).toContain(`'# x\nhostname="new.example"\nhostname="b"\n\nother=1\n'`);
    expect(cmd).toMatch(/^t=\$\(mktemp \/etc\/conf\.d\/hostname\.XXXXXX\) && .*chmod --reference=\/etc\/conf\.d\/hostname "\$t".* && mv -f "\$t" \/etc\/conf\.d\/hostname$/s);
    expect(openrc.setPermanent('n', file(undefined))).toEqual([expect.stringContaining(`printf '%s' '\n' >`)]);
    expect(openrc.setCurrent('n')).toEqual([]);
  });
});

describe('use=generic', () => {
  it("fails as Ansible 2.14's base strategy does (NotImplementedError), in check mode too", async () => {
    for (const check of [false, true]) {
      const e = await runModule(hostname, { name: 'never-set', use: 'generic' }, { check }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ModuleFailure);
      expect((e as ModuleFailure).message).toBe('MODULE FAILURE\nSee stdout/stderr for the exact error');
      expect((e as ModuleFailure).result).toMatchObject({ rc: 1, module_stdout: '', exception: expect.stringMatching(/\nNotImplementedError\n$/) });
    }
  });
});
