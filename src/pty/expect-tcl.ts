// expect's runner for hosts without python3: the Tcl `expect` program driven by
// a fixed script (no data in it) that reads the command and the answers from
// stdin, so no secret is on a command line. It behaves as the python3 runner
// (pty-run.ts): the earliest match among the patterns answers first, a list of
// answers is used in turn, `timeout` seconds between matches, bytes in and out
// unchanged. Patterns are Tcl regular expressions here, which agree with
// Python's for the usual prompts (literal text, \s, \d, classes, groups, (?i)).

/** The stdin fields after the python runner's line: base64 of each value, one a line. */
export function tclInput(argv: string[], responses: Array<[string, string | string[]]>, timeout: number | null, echo: boolean): string {
  const b = (v: string) => Buffer.from(v, 'utf8').toString('base64');
  const fields: string[] = [String(timeout ?? -1), echo ? '1' : '0', String(argv.length), ...argv.map(b), String(responses.length)];
  for (const [pattern, answers] of responses) {
    const list = Array.isArray(answers) ? answers : [answers];
    fields.push(b(pattern), Array.isArray(answers) ? '1' : '0', String(list.length), ...list.map(b));
  }
  return `${fields.join('\n')}\n`;
}

/**
 * The script (run with `expect -c`). It prints `key=value` lines: out (base64),
 * rc (a number, or none after a timeout or a signal), fail / nomore + seen
 * (base64), and start / end (the host's local time) with their microseconds.
 */
export const TCL_RUNNER = String.raw`
log_user 0
fconfigure stdin -translation binary
proc raw {} { gets stdin line; return $line }
proc bytes {} { return [binary decode base64 [raw]] }
proc text {} { return [encoding convertfrom utf-8 [bytes]] }
proc stamp {us} { return "[clock format [expr {$us / 1000000}] -format {%Y-%m-%d %H:%M:%S}].[format %06d [expr {$us % 1000000}]]" }
raw
set limit [raw]
set echo [raw]
set argv {}
set n [raw]
for {set i 0} {$i < $n} {incr i} { lappend argv [text] }
set pats {}
set n [raw]
for {set i 0} {$i < $n} {incr i} {
  set re [bytes]
  set kind [raw]
  set answers {}
  set m [raw]
  for {set j 0} {$j < $m} {incr j} { lappend answers [bytes] }
  lappend pats [list $re $kind $answers 0]
}
set prog [lindex $argv 0]
if {[auto_execok $prog] eq "" || [file isdirectory $prog]} {
  puts "fail=[binary encode base64 [encoding convertto utf-8 $prog]]"
  exit 0
}
set stty_init "rows 24 columns 80"
if {!$echo} { append stty_init " -echo" }
set start [clock microseconds]
if {[catch {spawn -noecho {*}$argv} err]} {
  puts "fail=[binary encode base64 [encoding convertto utf-8 $prog]]"
  exit 0
}
set pid [exp_pid]
fconfigure $spawn_id -translation binary
set out ""
set buf ""
set state run
proc restart {} { global limit deadline; set deadline [expr {$limit < 0 ? -1 : [clock milliseconds] + $limit * 1000}] }
restart
while {$state eq "run"} {
  set best -1
  for {set i 0} {$i < [llength $pats]} {incr i} {
    if {[regexp -indices -- [lindex $pats $i 0] $buf m] && ($best < 0 || [lindex $m 0] < $bstart)} {
      set best $i
      set bstart [lindex $m 0]
      set bend [lindex $m 1]
    }
  }
  if {$best >= 0} {
    set seen [string range $buf 0 $bend]
    set buf [string range $buf [expr {$bend + 1}] end]
    lassign [lindex $pats $best] re kind answers used
    if {$kind} {
      if {$used >= [llength $answers]} {
        puts "nomore=$best"
        puts "seen=[binary encode base64 $seen]"
        set state stop
        break
      }
      lset pats $best 3 [expr {$used + 1}]
      set answer [lindex $answers $used]
    } else {
      set answer [lindex $answers 0]
    }
    send -- "[string trimright $answer "\n"]\n"
    restart
    continue
  }
  if {$deadline < 0} {
    set timeout -1
  } else {
    set ms [expr {$deadline - [clock milliseconds]}]
    if {$ms <= 0} { set state stop; break }
    set timeout [expr {($ms + 999) / 1000}]
  }
  expect {
    -re {.+} { append out $expect_out(0,string); append buf $expect_out(0,string) }
    timeout { set state stop }
    eof { set state eof }
  }
}
set rc none
if {$state eq "eof"} {
  set w [wait]
  if {[lindex $w 2] == 0 && [lindex $w 4] ne "CHILDKILLED"} { set rc [lindex $w 3] }
} else {
  catch {close}
  catch {exec kill -KILL $pid}
  catch {wait}
}
set end [clock microseconds]
puts "out=[binary encode base64 $out]"
puts "rc=$rc"
puts "start=[stamp $start]"
puts "end=[stamp $end]"
puts "us=[expr {$end - $start}]"
exit 0
`;

/** Python's timedelta text: H:MM:SS.ffffff. */
export function pyDelta(us: number): string {
  const s = Math.floor(us / 1e6);
  const frac = us % 1e6;
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const base = `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
  return frac ? `${base}.${String(frac).padStart(6, '0')}` : base;
}

/** Python's repr of bytes (b'...'), as Ansible's message shows the output seen. */
export function pyBytesRepr(data: Buffer): string {
  const text = data.toString('latin1');
  const q = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === q) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `b${q}${out}${q}`;
}

export interface TclRun {
  fail?: string;
  nomore?: { index: number; seen: Buffer };
  out: Buffer;
  rc: number | null;
  start: string;
  end: string;
  delta: string;
}

/** The runner's key=value lines. */
export function parseTclOutput(stdout: string): TclRun | undefined {
  const f = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) f.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (f.has('fail')) return { fail: Buffer.from(f.get('fail')!, 'base64').toString('utf8'), out: Buffer.alloc(0), rc: null, start: '', end: '', delta: '' };
  if (!f.has('rc')) return undefined;
  const rc = f.get('rc');
  return {
    ...(f.has('nomore') ? { nomore: { index: Number(f.get('nomore')), seen: Buffer.from(f.get('seen') ?? '', 'base64') } } : {}),
    out: Buffer.from(f.get('out') ?? '', 'base64'),
    rc: rc === 'none' || rc === undefined ? null : Number(rc),
    start: f.get('start') ?? '',
    end: f.get('end') ?? '',
    delta: pyDelta(Number(f.get('us') ?? 0)),
  };
}
