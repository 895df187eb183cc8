// Shared pieces of the lab acceptance tests: one lab per test file, booted in
// beforeAll and always destroyed in afterAll (lab-context.ts has the rest).
//
// A file's tests share its hosts and run in order. What a test may leave
// behind on them: files under its own paths (a tag or directory of its own,
// e.g. /tmp/auth-<tag>, /srv/it-core), and the setup its file's `setup` made
// (users, sudoers, sshd settings). A test that breaks a host for the rest (a
// stopped host, changed host keys) says so, and comes last in its file or
// restores what it changed. Nothing carries over between files: each boots
// its own hosts from the machine's root.
import { afterAll, beforeAll } from 'vitest';
import type { BootOptions } from '../lab/lab.js';
import { openLabContext, type LabContext } from './lab-context.js';

export * from './lab-context.js';

/**
 * Boots a lab of `hosts` hosts (with `boot`'s options) for the current test
 * file; `setup` runs once it is up. The lab is destroyed in afterAll whatever happened (also when boot or
 * setup failed).
 */
export function useLab(hosts: number, setup?: (ctx: LabContext) => Promise<void>, boot: Omit<BootOptions, 'hosts'> = {}): LabContext {
  const ctx = {} as LabContext;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await openLabContext(hosts, boot);
    close = opened.close;
    Object.assign(ctx, opened.ctx);
    await setup?.(ctx);
  });
  afterAll(async () => {
    await close?.();
  });
  return ctx;
}
