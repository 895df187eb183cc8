// The module registry: every module tsplay ships, by name.
import type { Module } from '../src/module-api/module-types.js';
import assert from './assert.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import etcdctl from './etcdctl.js';
import fail from './fail.js';
import file from './file.js';
import includeVars from './include_vars.js';
import iplink from './iplink.js';
import lineinfile from './lineinfile.js';
import meta from './meta.js';
import raw from './raw.js';
import replace from './replace.js';
import setFact from './set_fact.js';
import setup from './setup.js';
import shell from './shell.js';
import slurp from './slurp.js';
import stat from './stat.js';
import template from './template.js';
import apt from './apt.js';
import dnf from './dnf.js';
import pkg from './package.js';
import script from './script.js';
import service from './service.js';
import systemd from './systemd.js';
import waitFor from './wait_for.js';
import yum from './yum.js';
import yumRepository from './yum_repository.js';
import aptRepository from './apt_repository.js';
import find from './find.js';
import tempfile from './tempfile.js';
import ping from './ping.js';
import assemble from './assemble.js';
import fetch from './fetch.js';
import unarchive from './unarchive.js';
import cron from './cron.js';
import iptables from './iptables.js';
import debconf from './debconf.js';
import dpkgSelections from './dpkg_selections.js';
import packageFacts from './package_facts.js';
import serviceFacts from './service_facts.js';
import sysvinit from './sysvinit.js';
import rpmKey from './rpm_key.js';
import aptKey from './apt_key.js';
import addHost from './add_host.js';
import groupBy from './group_by.js';
import pause from './pause.js';
import setStats from './set_stats.js';
import gatherFactsModule from './gather_facts.js';
import getUrl from './get_url.js';
import uri from './uri.js';
import git from './git.js';
import pip from './pip.js';
import validateArgumentSpec from './validate_argument_spec.js';
import asyncStatus from './async_status.js';
import user from './user.js';
import group from './group.js';
import getent from './getent.js';
import hostname from './hostname.js';
import knownHosts from './known_hosts.js';
import waitForConnection from './wait_for_connection.js';
import reboot from './reboot.js';
import expect from './expect.js';
import subversion from './subversion.js';

const ALL: Module<any, any>[] = [
  assert, blockinfile, command, copy, debug, etcdctl, fail, file, includeVars, lineinfile, meta, raw, replace, setFact, setup, shell,
  slurp, stat, template, service, systemd, { ...systemd, name: 'systemd_service' }, waitFor, apt, dnf, yum, pkg, iplink,
  yumRepository, aptRepository, script,
  find, tempfile, ping, assemble, fetch, unarchive,
  cron, iptables, debconf, dpkgSelections, packageFacts, serviceFacts, sysvinit, rpmKey, aptKey,
  addHost, groupBy, pause, setStats, gatherFactsModule, validateArgumentSpec, asyncStatus,
  getUrl, uri, git, pip,
  user, group, getent, hostname, knownHosts,
  waitForConnection, reboot, expect, subversion,
];

const byName = new Map<string, Module<any, any>>(ALL.map((m) => [m.name, m]));

const PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** The short name for `copy`, `ansible.builtin.copy`, `ansible.legacy.copy`. */
export function shortName(name: string): string {
  for (const p of PREFIXES) if (name.startsWith(p)) return name.slice(p.length);
  return name;
}

/** Modules this process looked up: how much of tsplay a run used (the code cache's measure, src/build/bundle-loader.ts). */
const looked = new Set<string>();

export function findModule(name: string): Module<any, any> | undefined {
  const m = byName.get(shortName(name));
  if (m) looked.add(m.name);
  return m;
}

/** How many kinds of module this process has looked up. */
export function modulesUsed(): number {
  return looked.size;
}

export function moduleNames(): string[] {
  return [...byName.keys()].sort();
}
