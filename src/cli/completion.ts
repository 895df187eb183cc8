// Shell completion scripts made from the command line's own definition
// (commands and their options), so that they cannot drift from it. Playbook
// and file arguments complete as file names.
import type { Command } from 'commander';

interface CommandWords {
  name: string;
  options: string[];
}

function wordsOf(program: Command): { top: string[]; commands: CommandWords[] } {
  const flags = (c: Command) => c.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
  const commands = program.commands.map((c) => ({ name: c.name(), options: [...flags(c), ...c.commands.map((s) => s.name())] }));
  return { top: [...commands.map((c) => c.name), ...flags(program)], commands };
}

function bash(program: Command): string {
  const { top, commands } = wordsOf(program);
  const cases = commands.map((c) => `    ${c.name}) opts=${JSON.stringify(c.options.join(' '))} ;;`).join('\n');
  return `# bash completion for tsplay: eval "$(tsplay completion bash)"
_tsplay() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W ${JSON.stringify(top.join(' '))} -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _tsplay tsplay
`;
}

function zsh(program: Command): string {
  const { top, commands } = wordsOf(program);
  const cases = commands.map((c) => `    ${c.name}) opts=(${c.options.join(' ')}) ;;`).join('\n');
  return `#compdef tsplay
# zsh completion for tsplay: eval "$(tsplay completion zsh)"
_tsplay() {
  local -a opts
  if (( CURRENT == 2 )); then
    compadd -- ${top.join(' ')}
    return
  fi
  case "\${words[2]}" in
${cases}
    *) opts=() ;;
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- $opts
  else
    _files
  fi
}
compdef _tsplay tsplay
`;
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  return shell === 'bash' ? bash(program) : zsh(program);
}
