// The permission flags of a mode as Ansible's stat and find report them.
export function modeFlags(mode: number): Record<string, boolean> {
  const bit = (b: number) => (mode & b) !== 0;
  return {
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o020),
    rgrp: bit(0o040),
    xgrp: bit(0o010),
    woth: bit(0o002),
    roth: bit(0o004),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
  };
}
