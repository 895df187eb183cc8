#!/usr/bin/env python3
"""Record what ansible-playbook renders for templates into ansible-cases.json.

Usage: python3 test/templating/record-ansible-cases.py TEMPLATES.json
TEMPLATES.json holds {"vars": {...extra variables...}, "cases": {"name": "template"}}.
Each template is set as a fact (as the existing cases were), then its type_debug is
taken; a failing template records {"error": msg} (for an exception Ansible lets
through, its last traceback line, e.g. "KeyError: 'x'"). The results are merged into
ansible-cases.json (its "vars" are what every template sees).
Set ANSIBLE_COLLECTIONS_PATH to record collection filters (json_query, ipaddr).
The play runs beside a `files` link to fixtures/files, so lookups find the files
there by name (the test renders with fixtures/ as its search path); the inventory
is `localhost,` (the test gives the same `groups`).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# CASES_FILE=path records into another file of the same shape (a suite of its own).
CASES_FILE = os.environ.get('CASES_FILE') or os.path.join(HERE, 'ansible-cases.json')


# How set_fact wraps a template's error; the cases keep the error itself.
WRAPPERS = [
    r"^the field 'args' has an invalid value \(.*?\), and could not be converted to an dict\.The error was: ",
    r"^The task includes an option with an undefined variable\. The error was: ",
    r"^Unexpected templating type error occurred on \(.*?\): ",
]


def unwrap(msg):
    for wrapper in WRAPPERS:
        msg = re.sub(wrapper, '', msg, flags=re.S)
    return msg


def exception_line(traceback):
    """What Ansible shows of an exception it lets through: `Class: message` of the traceback's end."""
    tail = traceback.strip().split('Traceback (most recent call last):')[-1]
    m = re.search(r'^([A-Za-z_][\w.]*(?:Error|Exception)\b.*)', tail, flags=re.M | re.S)
    return m.group(1).strip() if m else 'exception'


def main():
    spec = json.load(open(sys.argv[1]))
    data = json.load(open(CASES_FILE)) if os.path.exists(CASES_FILE) else {'vars': {}, 'cases': {}}
    data['vars'].update(spec.get('vars', {}))
    names = list(spec['cases'])
    tasks = []
    for i, name in enumerate(names):
        tasks.append({'name': 'set ' + name, 'set_fact': {'__value': spec['cases'][name]},
                      'register': '__reg', 'ignore_errors': True})
        tasks.append({'copy': {'dest': '{{ out }}/%d.json' % i, 'content': "{{ ({'error': __reg.msg | default(''), 'exception': __reg.exception | default('')} if __reg is failed"
                                                                           " else [__value, __value | type_debug]) | to_json }}"}})
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.join(HERE, 'fixtures', 'files'), os.path.join(tmp, 'files'))
        path = os.path.join(tmp, 'play.yml')
        play = [{'hosts': 'localhost', 'gather_facts': False, 'vars': data['vars'], 'tasks': tasks}]
        json.dump(play, open(path, 'w'))
        run = subprocess.run(['ansible-playbook', '-c', 'local', '-i', 'localhost,', '-e', 'out=' + tmp, path],
                             capture_output=True, text=True, cwd=tmp)
        if run.returncode != 0:
            sys.exit(run.stdout + run.stderr)
        results = [json.load(open(os.path.join(tmp, '%d.json' % i))) for i in range(len(names))]
    for i, name in enumerate(names):
        template = spec['cases'][name]
        result = results[i]
        if isinstance(result, dict):
            msg = unwrap(result['error']) if result['error'] else exception_line(result['exception'])
            data['cases'][name] = [template, {'error': msg}, 'error']
        else:
            data['cases'][name] = [template, result[0], result[1]]
        print(name, json.dumps(data['cases'][name][1:]))
    with open(CASES_FILE, 'w') as f:
        json.dump(data, f, indent=1, ensure_ascii=False)


main()
