// --list-hosts, --list-tasks, --list-tags: what a run would cover, printed
// without touching a host.
import type { RunOptions } from '../executor/context.js';
import { effectiveSettings } from '../executor/scope.js';
import { tagsSelected } from '../executor/tags.js';
import type { Inventory } from '../inventory/index.js';
import type { Item, Playbook } from '../playbook/types.js';

function walkTasks(items: readonly Item[], parentTags: string[], out: { name: string; tags: string[] }[]): void {
  for (const item of items) {
    const tags = [...new Set([...parentTags, ...item.tags])];
    if (item.kind === 'block') {
      walkTasks([...item.block, ...item.rescue, ...item.always], tags, out);
    } else if (item.kind === 'task') {
      const role = item.origin.role ? `${item.origin.role.name} : ` : '';
      out.push({ name: `${role}${item.name ?? item.action}`, tags });
    } else if (item.what === 'role') {
      out.push({ name: item.name ?? 'include_role', tags });
    } else {
      // As ansible-playbook lists them: a named include_tasks with its role, an unnamed one bare.
      const role = item.origin.role && item.name ? `${item.origin.role.name} : ` : '';
      out.push({ name: `${role}${item.name ?? 'include_tasks'}`, tags });
    }
  }
}

export function listing(
  playbooks: Playbook[],
  inventory: Inventory,
  options: RunOptions,
  what: { hosts?: boolean; tasks?: boolean; tags?: boolean },
  /** The playbooks as the command line names them (ansible-playbook prints them so). */
  given: string[] = playbooks.map((pb) => pb.file),
): string {
  const lines: string[] = [];
  for (const [i, pb] of playbooks.entries()) {
    lines.push('', `playbook: ${given[i] ?? pb.file}`);
    pb.plays.forEach((play, i) => {
      const name = play.name ?? play.hosts.join(',');
      lines.push('', `  play #${i + 1} (${play.hosts.join(',')}): ${name}\tTAGS: [${play.tags.join(',')}]`);
      if (what.hosts) {
        const hosts = inventory.selectHosts(play.hosts, options.limit);
        lines.push(`    pattern: ['${play.hosts.join("', '")}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
      }
      const tasks: { name: string; tags: string[] }[] = [];
      for (const section of play.sections) walkTasks(section, play.tags, tasks);
      const selected = tasks.filter((t) => tagsSelected(new Set(t.tags), options.tags, options.skipTags));
      if (what.tasks) {
        lines.push('    tasks:', ...selected.map((t) => `      ${t.name}\tTAGS: [${[...t.tags].sort().join(', ')}]`));
      }
      if (what.tags) {
        const all = [...new Set(selected.flatMap((t) => t.tags))].sort();
        lines.push(`      TASK TAGS: [${all.join(', ')}]`);
      }
    });
  }
  void effectiveSettings;
  return lines.join('\n') + '\n';
}
