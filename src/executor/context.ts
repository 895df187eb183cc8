// State shared by one run: options from the command line, the inventory,
// each host's facts and connection, and the reporter.
import type { Connection } from '../connection/connection.js';
import type { ConnectionSettings } from '../connection/factory.js';
import type { Inventory } from '../inventory/index.js';
import type { Reporter } from '../output/events.js';
import type { Templar } from '../templating/templar.js';
import type { RunStats } from './stats.js';
import { PlannedChanges } from './planned-changes.js';

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: Record<string, unknown>;
  verbosity: number;
  startAtTask?: string;
  /** The -i sources, files as absolute paths (ansible_inventory_sources). */
  inventorySources?: string[];
  connection?: string;
  user?: string;
  become: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomePassword?: string;
  connectionSettings: ConnectionSettings;
  /**
   * The process exits as soon as the run is over (the CLI): the connections
   * are then left for the exit to close instead of being closed first.
   */
  exitAfterRun?: boolean;
}

/** What the engine knows of one host across the whole run. */
export class HostState {
  private factsNow: Record<string, unknown> = {};
  private factsChanges = 0;
  /** The host's facts; changed only by addFacts and clearFacts, which count the changes. */
  get facts(): Readonly<Record<string, unknown>> {
    return this.factsNow;
  }
  /** Changes when the facts do: what is made of them can be kept until then. */
  get factsVersion(): number {
    return this.factsChanges;
  }
  addFacts(more: Record<string, unknown> | undefined): void {
    if (!more) return;
    Object.assign(this.factsNow, more);
    this.factsChanges++;
  }
  clearFacts(): void {
    this.factsNow = {};
    this.factsChanges++;
  }
  /** set_fact results and registered variables. */
  setFacts: Record<string, unknown> = {};
  includeVars: Record<string, unknown> = {};
  unreachable = false;
  /** What a dry run's earlier tasks would have changed here. */
  readonly planned = new PlannedChanges();
  constructor(readonly name: string) {}
}

export interface RunContext {
  options: RunOptions;
  inventory: Inventory;
  templar: Templar;
  reporter: Reporter;
  stats: RunStats;
  hosts: Map<string, HostState>;
  /** Open (or reuse) the connection to a host; `timeoutSeconds` is the connect timeout when this call opens it. */
  connect(host: string, timeoutSeconds?: number): Promise<Connection>;
  /**
   * Close a host's connection and forget it: the next connect() opens a new
   * one (meta: reset_connection; reboot and wait_for_connection reconnect).
   */
  resetConnection(host: string): Promise<void>;
  /** Unique per run, like Ansible's omit placeholder. */
  omit: string;
}

export function hostState(run: RunContext, name: string): HostState {
  let s = run.hosts.get(name);
  if (!s) {
    s = new HostState(name);
    run.hosts.set(name, s);
  }
  return s;
}
