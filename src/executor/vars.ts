// Assembling a host's variables in Ansible's precedence order (lowest first):
// role defaults, inventory, facts, play vars, vars_files, role vars, block and
// task vars, include_vars, set_fact/register, role and include params, extra
// vars; then the magic variables.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Play, RoleInstance } from '../playbook/types.js';
import { hostState, type HostState, type RunContext } from './context.js';
import type { Effective } from './scope.js';
import type { PlayVarsFiles } from './vars-files.js';
import { PY_CLASS } from '../templating/undefined.js';

export interface PlayVarsContext {
  play: Play;
  /** The play's vars_files, resolved per host. */
  varsFiles: PlayVarsFiles;
  /** Hosts of the play, and of the current batch, still running. */
  playHosts: () => string[];
  batchHosts: () => string[];
  allPlayHosts: string[];
}

function roleChain(role: RoleInstance | undefined): RoleInstance[] {
  if (!role) return [];
  const out: RoleInstance[] = [];
  const visit = (r: RoleInstance) => {
    for (const d of r.dependencies) visit(d);
    out.push(r);
  };
  visit(role);
  return out;
}

export class VarsBuilder {
  private readonly inventoryCache = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly run: RunContext,
    private readonly ctx: PlayVarsContext,
  ) {}

  /** A host's inventory variables (group and host vars), worked out once a play. */
  inventoryVars(host: string): Record<string, unknown> {
    let v = this.inventoryCache.get(host);
    if (!v) {
      v = this.run.inventory.hostVars(host, [this.ctx.play.playbookDir]);
      this.inventoryCache.set(host, v);
    }
    return v;
  }

  /** Variables of a host for a task with the given effective settings. */
  build(host: string, eff?: Effective): Record<string, unknown> {
    const play = this.ctx.play;
    const state = hostState(this.run, host);
    const roles = play.roles;
    const current = roleChain(eff?.role);
    const vars: Record<string, unknown> = {};
    for (const r of roles) Object.assign(vars, r.defaults);
    for (const r of current) Object.assign(vars, r.defaults);
    Object.assign(vars, this.inventoryVars(host));
    const gathered = Object.keys(state.facts).length > 0;
    if (gathered) {
      Object.assign(vars, state.facts);
      vars.ansible_facts = this.ansibleFacts(state);
    }
    Object.assign(vars, play.vars);
    Object.assign(vars, this.ctx.varsFiles.forHost(() => ({ ...vars, ...this.run.options.extraVars, ...this.magic(host, eff) }), gathered));
    for (const r of roles) Object.assign(vars, r.vars);
    for (const r of current) Object.assign(vars, r.vars);
    if (eff) Object.assign(vars, eff.vars);
    Object.assign(vars, state.includeVars, state.setFacts);
    for (const r of current) Object.assign(vars, r.params);
    if (eff) Object.assign(vars, eff.params);
    Object.assign(vars, this.run.options.extraVars);
    Object.assign(vars, this.magic(host, eff));
    return vars;
  }

  /**
   * A host's variables as `hostvars[host]` shows them (as Ansible 2.14 does):
   * inventory, facts, include_vars, set_fact/register and extra vars, with the
   * magic variables that do not depend on the play; not play, role or task vars.
   */
  hostVarsOf(host: string): Record<string, unknown> {
    const run = this.run;
    const state = hostState(run, host);
    const vars: Record<string, unknown> = { ...this.inventoryVars(host), ...state.facts };
    vars.ansible_facts = this.ansibleFacts(state);
    Object.assign(vars, state.includeVars, state.setFacts, run.options.extraVars);
    Object.assign(vars, this.runMagic(host));
    Object.defineProperty(vars, PY_CLASS, { value: 'ansible.vars.hostvars.HostVarsVars', enumerable: false });
    return vars;
  }

  private readonly factsMemo = new Map<HostState, { version: number; facts: Record<string, unknown> }>();

  /** `ansible_facts`: the facts without their `ansible_` prefix, made again only when they change (shared: not to be changed). */
  private ansibleFacts(state: HostState): Record<string, unknown> {
    const kept = this.factsMemo.get(state);
    if (kept?.version === state.factsVersion) return kept.facts;
    const facts = factsWithoutPrefix(state.facts);
    this.factsMemo.set(state, { version: state.factsVersion, facts });
    return facts;
  }

  private isHostvarsName(name: string): boolean {
    return this.run.inventory.hasHost(name) || name === 'localhost';
  }

  /** `hostvars`: every host's variables, built when a template reads them; the same for every host. */
  private readonly hostvars: Record<string, unknown> = new Proxy(Object.create(HostVars.prototype) as Record<string, unknown>, {
    get: (_t, name) => {
      if (name === PY_CLASS) return 'ansible.vars.hostvars.HostVars';
      if (typeof name !== 'string' || !this.isHostvarsName(name)) return undefined;
      return this.run.templar.view(this.hostVarsOf(name));
    },
    has: (_t, name) => typeof name === 'string' && this.isHostvarsName(name),
    ownKeys: () => this.run.inventory.hostvarsNames(),
    getOwnPropertyDescriptor: (_t, name): PropertyDescriptor | undefined =>
      typeof name === 'string' && this.isHostvarsName(name)
        ? { enumerable: true, configurable: true, value: this.hostvars[name] }
        : undefined,
  });

  /** The magic variables that are the same in every play: the host's names and groups, the run's options. */
  private runMagic(host: string): Record<string, unknown> {
    const run = this.run;
    const inv = run.inventory;
    return {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      groups: inv.groupsVar(),
      group_names: inv.groupNames(host),
      ansible_check_mode: run.options.check,
      // tsplay applies no ansible.cfg, but names the one Ansible would read.
      ansible_config_file: ansibleConfigFile(),
      ansible_inventory_sources: run.options.inventorySources ?? [],
      ansible_playbook_python: playbookPython(),
      ansible_diff_mode: run.options.diff,
      ansible_forks: run.options.forks,
      ansible_run_tags: run.options.tags.length > 0 ? run.options.tags : ['all'],
      ansible_skip_tags: run.options.skipTags,
      ansible_verbosity: run.options.verbosity,
      ansible_version: { full: '2.14.18', major: 2, minor: 14, revision: 18, string: '2.14.18' },
      // Only with --limit, as the other option variables Ansible sets from its command line.
      ...(run.options.limit !== undefined ? { ansible_limit: run.options.limit } : {}),
      playbook_dir: this.ctx.play.playbookDir,
      omit: run.omit,
    };
  }

  private templatedName: string | undefined;

  /** The play's name, templated as Ansible does once per play (play vars and extra vars, no host's). */
  playName(): string {
    const play = this.ctx.play;
    if (this.templatedName !== undefined) return this.templatedName;
    let name = play.name ?? play.hosts.join(',');
    if (play.name !== undefined && play.name.includes('{{')) {
      const templar = this.run.templar;
      try {
        name = String(templar.render(play.name, templar.view({ ...play.vars, ...this.run.options.extraVars })));
      } catch {
        // A name that cannot be templated yet is shown as written.
      }
    }
    return (this.templatedName = name);
  }

  private roleNamesMemo: Record<string, string[]> | undefined;

  /** The play's role names: of its `roles:`, of their dependencies, and both. */
  private roleNames(): Record<string, string[]> {
    if (this.roleNamesMemo) return this.roleNamesMemo;
    const play = this.ctx.play;
    const dependent = [...new Set(play.roles.filter((r) => play.roleNames.includes(r.name)).flatMap((r) => roleChain(r).slice(0, -1).map((d) => d.name)))];
    return (this.roleNamesMemo = {
      ansible_role_names: [...new Set([...dependent, ...play.roleNames])],
      ansible_play_role_names: play.roleNames,
      ansible_dependent_role_names: dependent,
      role_names: play.roleNames,
    });
  }

  /**
   * A host's magic variables outside a role, kept while what they are made of
   * stays the same (the lists are shared and made again when they change):
   * made afresh, they were ~30 keys copied for every host at every task.
   */
  private readonly hostMagic = new Map<string, { made: readonly unknown[]; magic: Record<string, unknown> }>();

  private playMagic(host: string): Record<string, unknown> {
    const inv = this.run.inventory;
    const groups = inv.groupsVar();
    const groupNames = inv.groupNames(host);
    const playHosts = this.ctx.playHosts();
    const batch = this.ctx.batchHosts();
    const kept = this.hostMagic.get(host);
    if (kept && kept.made[0] === groups && kept.made[1] === groupNames && kept.made[2] === playHosts && kept.made[3] === batch) return kept.magic;
    const magic = {
      ...this.runMagic(host),
      hostvars: this.hostvars,
      ansible_play_hosts: playHosts,
      // The old name of ansible_play_batch (not of ansible_play_hosts), as in Ansible.
      play_hosts: batch,
      ansible_play_batch: batch,
      ansible_play_hosts_all: this.ctx.allPlayHosts,
      ansible_play_name: this.playName(),
      ...this.roleNames(),
    };
    this.hostMagic.set(host, { made: [groups, groupNames, playHosts, batch], magic });
    return magic;
  }

  /** The magic variables of a host for a task (shared: not to be changed). */
  private magic(host: string, eff?: Effective): Record<string, unknown> {
    const role = eff?.role;
    const magic = this.playMagic(host);
    return role ? { ...magic, role_name: role.name, role_path: role.dir, ansible_role_name: role.name } : magic;
  }
}

/**
 * The prototype of `hostvars`: a mapping the templar reads key by key and never
 * renders whole (each host's variables hold `groups`, and the current host's
 * hold `hostvars` again).
 */
class HostVars {}

let configFile: string | null | undefined;

/**
 * ansible_config_file: the file Ansible would read, searched as it searches:
 * $ANSIBLE_CONFIG (a file, or a directory holding ansible.cfg), ./ansible.cfg
 * (not in a world-writable directory), ~/.ansible.cfg, /etc/ansible/ansible.cfg.
 */
function ansibleConfigFile(): string | null {
  if (configFile !== undefined) return configFile;
  const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
  const candidates: string[] = [];
  const env = process.env.ANSIBLE_CONFIG;
  if (env) candidates.push(existsSync(env) && statSync(env).isDirectory() ? join(env, 'ansible.cfg') : resolve(env));
  const cwd = process.cwd();
  if ((statSync(cwd).mode & 0o002) === 0) candidates.push(join(cwd, 'ansible.cfg'));
  candidates.push(join(homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return (configFile = candidates.find(isFile) ?? null);
}

let controllerPython: string | undefined;

/**
 * ansible_playbook_python: Ansible's is the Python running it. tsplay has
 * none of its own; it gives the controller's python3 (what playbooks run
 * controller-side scripts with), or node itself when there is no python3.
 */
function playbookPython(): string {
  if (controllerPython === undefined) {
    const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
    controllerPython = dirs.map((d) => join(d, 'python3')).find((p) => existsSync(p)) ?? process.execPath;
  }
  return controllerPython;
}

function factsWithoutPrefix(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k.slice(8) : k] = v;
  return out;
}
