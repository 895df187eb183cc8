// A command started on a host as a job of its own (`async` on command/shell),
// as Ansible's async_wrapper runs it: detached from the connection (it outlives
// the task and tsplay), its status in ~/.ansible_async/<jid> (JSON, written
// whole: started, then the command's result when it ends), killed with its
// whole process group once it runs past its time limit.
import type { Connection } from '../connection/connection.js';
import { quote, sh } from './shell.js';

export interface JobCommand {
  /** A complete sh command line (with its `cd` to chdir). */
  command: string;
  /** The `cmd` the result shows (argv of command, text of shell). */
  shown: unknown;
  stdin?: string;
  stripEmptyEnds: boolean;
}

/** Ansible's async_wrapper looks at its job every 5 seconds. */
const STEP = 5;

/**
 * The wrapper, run detached with: $1 the status file, $2 when to give up
 * (seconds), $3 the command line, $4 the shown cmd as JSON, $5 1 to strip
 * trailing newlines. Its work files are in "$1.job".
 */
const WRAPPER = String.raw`j=$1; w="$j.job"; umask 022
write() { cat > "$j.tmp" && mv -f "$j.tmp" "$j"; }
now() { date '+%Y-%m-%d %H:%M:%S.%6N'; }
start=$(now); t0=$(date +%s%N)
me=$$
# The job leads its own process group, so that it can be killed with all it started.
if command -v setsid >/dev/null 2>&1; then setsid sh -c "$3" < "$w/in" > "$w/out" 2> "$w/err" &
else sh -c "$3" < "$w/in" > "$w/out" 2> "$w/err" & fi
job=$!
(sleep "$2" & echo $! > "$w/timer"; wait $!
  printf '{"msg": "Timeout exceeded", "failed": true, "child_pid": %s}' "$job" | write
  kill -s KILL "$me"; kill -s KILL -- "-$job" 2>/dev/null || kill -s KILL "$job"; rm -rf "$w") &
watcher=$!
wait "$job"; rc=$?
kill -s KILL "$watcher" 2>/dev/null; kill -s KILL "$(cat "$w/timer" 2>/dev/null)" 2>/dev/null
end=$(now); t1=$(date +%s%N)
us=$(( (t1 - t0) / 1000 ))
delta=$(printf '%d:%02d:%02d.%06d' $((us / 3600000000)) $((us / 60000000 % 60)) $((us / 1000000 % 60)) $((us % 1000000)))
CMD=$4 awk -v rc="$rc" -v start="$start" -v end="$end" -v delta="$delta" -v strip="$5" -v out="$w/out" -v err="$w/err" '
function text(f,   n, i, s, line) {
  split("", a); n = 0
  while ((getline line < f) > 0) a[++n] = line
  close(f)
  if (strip == 1) while (n > 0 && a[n] == "") n--
  s = ""
  for (i = 1; i <= n; i++) s = s (i > 1 ? "\n" : "") a[i]
  if (strip != 1 && n > 0) s = s "\n"
  return s
}
function rep(s, from, to,   p, n, i, o) {
  n = split(s, p, from); o = p[1]
  for (i = 2; i <= n; i++) o = o to p[i]
  return o
}
function js(s,   i, c) {
  s = rep(rep(s, "\\", "\\\\"), "\"", "\\\"")
  for (i = 1; i < 32; i++) { c = sprintf("%c", i); if (index(s, c)) s = rep(s, c, i == 10 ? "\\n" : i == 9 ? "\\t" : i == 13 ? "\\r" : sprintf("\\u%04x", i)) }
  return "\"" s "\""
}
BEGIN {
  failed = rc != 0
  printf "{\"changed\": true, \"rc\": %d, \"stdout\": %s, \"stderr\": %s, \"cmd\": %s, \"start\": %s, \"end\": %s, \"delta\": %s, \"msg\": %s%s}",
    rc, js(text(out)), js(text(err)), ENVIRON["CMD"], js(start), js(end), js(delta), js(failed ? "non-zero return code" : ""), failed ? ", \"failed\": true" : ""
}' | write
rm -rf "$w"`;

/**
 * Start `job` detached on the host under job id `jid`, allowed `seconds`;
 * returns the status file's path once the job has started.
 */
export async function startJob(conn: Connection, jid: string, seconds: number, job: JobCommand): Promise<string> {
  // Killed after the first look past its limit, looking every STEP seconds after a first STEP.
  const limit = STEP + Math.ceil(seconds / STEP) * STEP;
  const args = [job.command, JSON.stringify(job.shown), job.stripEmptyEnds ? '1' : '0'].map(quote).join(' ');
  const script =
    sh`d="$HOME/.ansible_async" && mkdir -p "$d" && j="$d/"${jid} && mkdir -p "$j.job" && cat > "$j.job/in" && ` +
    sh`printf '{"started": 1, "finished": 0, "ansible_job_id": "%s"}' ${jid} > "$j.tmp" && mv -f "$j.tmp" "$j" && ` +
    // Its own session (no hangup when the connection closes), nothing of ours open.
    `{ if command -v setsid >/dev/null 2>&1; then s=setsid; else s=; fi; } && ` +
    `{ $s nohup sh -c ${quote(WRAPPER)} sh "$j" ${limit} ${args} </dev/null >/dev/null 2>&1 & } && printf %s "$j"`;
  const res = await conn.exec(script, { stdin: job.stdin ?? '' });
  if (res.rc !== 0) throw new Error(`could not start the async job: ${res.stderr.trim()}`);
  return res.stdout;
}

/** A job's status file as async_status reads it: its path, and its content unless it is missing. */
export async function readJob(conn: Connection, jid: string, cleanup = false): Promise<{ path: string; text?: string; rc: number; stderr: string }> {
  const res = await conn.exec(sh`f="$HOME/.ansible_async/"${jid}; printf '%s\\n' "$f"; [ -e "$f" ] || exit 3; ` + (cleanup ? sh`rm -f "$f"` : sh`cat "$f"`));
  const path = res.stdout.split('\n', 1)[0]!;
  return { path, text: res.rc === 0 ? res.stdout.slice(path.length + 1) : undefined, rc: res.rc, stderr: res.stderr };
}

/** A finished job's status as Ansible's async_status gives it (the lines of stdout/stderr added). */
export function jobStatus(jid: string, data: Record<string, unknown>): Record<string, unknown> {
  if (!('started' in data)) Object.assign(data, { finished: 1, ansible_job_id: jid });
  else if (!('finished' in data)) data.finished = 0;
  for (const k of ['stdout', 'stderr']) {
    if (typeof data[k] === 'string' && !(`${k}_lines` in data)) data[`${k}_lines`] = (data[k] as string).split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== '');
  }
  return data;
}
