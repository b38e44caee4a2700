#!/usr/bin/env python3
"""The GitHub half of the differential tests: GitHub has no local runner here, so the workflows
pipec emits for the differential corpus are checked statically, per case and trigger:

  1. which jobs exist: the workflow's `on:` is matched against the event, and each job's `if:`
     is evaluated by a small independent evaluator of GitHub expressions (three-valued: what
     depends on run-time results, `needs.*` and status functions, is "unknown" and counts as
     existing). A job whose need does not exist is skipped unless its `if:` checks a status
     (GitHub's implicit success()). The set is compared with `pipec run --dry-run`: the jobs
     pipec would start or decide at run time.
  2. each job's script runs in one shell: at most one step of a job runs its `run` items.
  3. every data edge has its pair: each `in` of a file kind is an upload-artifact step in the
     producer and a download-artifact step with the same name in the consumer; each value
     read is a job output of the producer.
Schema and actionlint checks of the same files: tests/lit/emit/Inputs/validate_outputs.py,
run on the corpus by this script.

Directives in the case files (see run_differential.py): `# diff:` triggers; `# diff-xfail:
REGEX why` applies when REGEX matches `github: TRIGGER LINE`.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_differential as rd  # noqa: E402  (case discovery and trigger syntax are shared)

UNK = object()  # a value only known when the workflow runs


# ---- GitHub expressions -----------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>().,\[\]*])"
                   r"|(?P<id>[A-Za-z_][A-Za-z0-9_-]*))")


def tokenize(text: str) -> list:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f'cannot read expression at: {text[pos:]!r}')
        pos = m.end()
        kind = m.lastgroup
        val = m.group(kind)
        if kind == 'str':
            val = val[1:-1].replace("''", "'")
        elif kind == 'num':
            val = float(val)
        out.append((kind, val))
    return out


def truthy(v):
    if v is UNK:
        return UNK
    return not (v is None or v is False or v == '' or v == 0)


def coerce(v):
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if v is None:
        return 0.0
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(v) if str(v).strip() else 0.0
    except ValueError:
        return float('nan')


def equal(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()  # GitHub compares strings ignoring case
    if type(a) is type(b):
        return a == b
    return coerce(a) == coerce(b)


class Expr:
    """Recursive descent over GitHub's grammar: || < && < equality < comparison < ! < primary."""

    def __init__(self, text: str, ctx: dict):
        self.toks, self.i, self.ctx = tokenize(text), 0, ctx

    def peek(self, val=None):
        if self.i >= len(self.toks):
            return None
        t = self.toks[self.i]
        return t if val is None or (t[0] == 'op' and t[1] == val) else None

    def eat(self, val):
        if not self.peek(val):
            raise ValueError(f'expected {val!r}')
        self.i += 1

    def parse(self):
        v = self.or_()
        if self.i != len(self.toks):
            raise ValueError('trailing tokens in expression')
        return v

    def or_(self):
        v = self.and_()
        while self.peek('||'):
            self.i += 1
            r = self.and_()
            if v is UNK:
                v = True if truthy(r) is True else UNK
            elif not truthy(v):
                v = r
        return v

    def and_(self):
        v = self.eq()
        while self.peek('&&'):
            self.i += 1
            r = self.eq()
            if v is UNK:
                v = False if truthy(r) is False else UNK
            elif truthy(v):
                v = r
        return v

    def eq(self):
        v = self.cmp()
        while self.peek('==') or self.peek('!='):
            op = self.toks[self.i][1]
            self.i += 1
            r = self.cmp()
            if v is UNK or r is UNK:
                v = UNK
            else:
                v = equal(v, r) if op == '==' else not equal(v, r)
        return v

    def cmp(self):
        v = self.unary()
        while any(self.peek(o) for o in ('<', '>', '<=', '>=')):
            op = self.toks[self.i][1]
            self.i += 1
            r = self.unary()
            if v is UNK or r is UNK:
                v = UNK
            else:
                a, b = coerce(v), coerce(r)
                v = {'<': a < b, '>': a > b, '<=': a <= b, '>=': a >= b}[op]
        return v

    def unary(self):
        if self.peek('!'):
            self.i += 1
            v = truthy(self.unary())
            return UNK if v is UNK else not v
        return self.primary()

    def primary(self):
        t = self.peek()
        if t is None:
            raise ValueError('unexpected end of expression')
        self.i += 1
        if t[0] == 'op' and t[1] == '(':
            v = self.or_()
            self.eat(')')
            return v
        if t[0] in ('num', 'str'):
            return t[1]
        if t[0] != 'id':
            raise ValueError(f'unexpected {t[1]!r}')
        name = t[1]
        if name in ('true', 'false'):
            return name == 'true'
        if name == 'null':
            return None
        if self.peek('('):
            self.i += 1
            args = []
            while not self.peek(')'):
                args.append(self.or_())
                if self.peek(','):
                    self.i += 1
            self.eat(')')
            return self.call(name, args)
        v = self.ctx.get(name, UNK if name in ('needs', 'steps', 'jobs') else None)
        while self.peek('.') or self.peek('['):
            if self.peek('.'):
                self.i += 1
                key = self.toks[self.i][1]
                self.i += 1
            else:
                self.i += 1
                key = self.or_()
                self.eat(']')
            if v is UNK:
                continue
            v = v.get(key) if isinstance(v, dict) else None
        return v

    def call(self, name, args):
        lname = name.lower()
        if lname == 'always':
            return True
        if lname in ('success', 'failure', 'cancelled'):
            return UNK
        if any(a is UNK for a in args):
            return UNK
        s = ['' if a is None else (str(a).lower() if isinstance(a, bool) else str(a)) for a in args]
        if lname == 'startswith':
            return s[0].casefold().startswith(s[1].casefold())
        if lname == 'endswith':
            return s[0].casefold().endswith(s[1].casefold())
        if lname == 'contains':
            if isinstance(args[0], list):
                return any(equal(x, args[1]) for x in args[0])
            return s[1].casefold() in s[0].casefold()
        if lname == 'format':
            return re.sub(r'\{(\d+)\}', lambda m: s[1 + int(m.group(1))], s[0])
        if lname == 'tojson':
            return json.dumps(args[0])
        if lname == 'fromjson':
            return json.loads(s[0])
        return UNK


def evaluate(text, ctx):
    if isinstance(text, bool):
        return text
    text = str(text).strip()
    if text.startswith('${{') and text.endswith('}}'):
        text = text[3:-2]
    return Expr(text, ctx).parse()


# ---- events ----------------------------------------------------------------------------

def glob_match(pattern: str, name: str) -> bool:
    # GitHub filter patterns: `*` does not cross `/`, `**` does.
    rx = ''
    i = 0
    while i < len(pattern):
        if pattern.startswith('**', i):
            rx += '.*'
            i += 2
        elif pattern[i] == '*':
            rx += '[^/]*'
            i += 1
        elif pattern[i] == '?':
            rx += '.'
            i += 1
        else:
            rx += re.escape(pattern[i])
            i += 1
    return re.fullmatch(rx, name) is not None


def filters_pass(spec: dict, name: str, key: str) -> bool:
    if key in spec:
        return any(glob_match(p, name) for p in spec[key])
    if key + '-ignore' in spec:
        return not any(glob_match(p, name) for p in spec[key + '-ignore'])
    return True


def event_of(trig: rd.Trigger, plan: dict, on) -> tuple:
    """(does the workflow run, the expression context) for the trigger."""
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = {k: None for k in on}
    kind, ctx = trig.kind, {'inputs': {}}
    gh = {'event': {}, 'sha': 'f' * 40}
    ctx['github'] = gh
    runs = False
    if kind in ('push', 'tag'):
        spec = on.get('push', {}) if 'push' in on else None
        if kind == 'push':
            b = trig.branch
            gh.update(event_name='push', ref='refs/heads/' + b, ref_name=b, ref_type='branch')
            if spec is not None:
                spec = spec or {}
                only_tags = ('tags' in spec or 'tags-ignore' in spec) and not ('branches' in spec or 'branches-ignore' in spec)
                runs = not only_tags and filters_pass(spec, b, 'branches')
        else:
            t = trig.ctx['tag']
            gh.update(event_name='push', ref='refs/tags/' + t, ref_name=t, ref_type='tag')
            if spec is not None:
                spec = spec or {}
                only_branches = ('branches' in spec or 'branches-ignore' in spec) and not ('tags' in spec or 'tags-ignore' in spec)
                runs = not only_branches and filters_pass(spec, t, 'tags')
    elif kind == 'merge_request':
        src, dst = trig.ctx.get('source', 'feature'), trig.ctx.get('target', 'main')
        gh.update(event_name='pull_request', ref='refs/pull/1/merge', ref_name='1/merge', ref_type='branch',
                  head_ref=src, base_ref=dst)
        gh['event'] = {'pull_request': {'base': {'ref': dst}, 'head': {'ref': src}}}
        if 'pull_request' in on:
            runs = filters_pass(on['pull_request'] or {}, dst, 'branches')
    else:
        b = trig.branch
        gh.update(ref='refs/heads/' + b, ref_name=b, ref_type='branch')
        inputs = rd.inputs_of(trig)
        if kind.startswith('schedule'):
            name = kind.partition(':')[2]
            cron = next((t.get('cron') for t in plan.get('triggers', []) if t.get('id') == kind
                         or t.get('name') == name), None)
            gh.update(event_name='schedule')
            gh['event'] = {'schedule': cron}
            runs = 'schedule' in on and any(c.get('cron') == cron for c in on['schedule'] or [])
        elif kind == 'manual':
            gh.update(event_name='workflow_dispatch')
            spec = (on.get('workflow_dispatch') or {}).get('inputs') or {}
            vals = {k: v.get('default') for k, v in spec.items()}
            for k, v in inputs.items():
                t = (spec.get(k) or {}).get('type')
                vals[k] = (v == 'true') if t == 'boolean' else (float(v) if t == 'number' else v)
            ctx['inputs'] = vals
            gh['event'] = {'inputs': {k: str(v).lower() if isinstance(v, bool) else v for k, v in vals.items()}}
            runs = 'workflow_dispatch' in on
        elif kind.startswith('webhook'):
            name = kind.partition(':')[2]
            gh.update(event_name='repository_dispatch')
            gh['event'] = {'action': name, 'client_payload': inputs}
            spec = on.get('repository_dispatch') or {}
            runs = 'repository_dispatch' in on and ('types' not in spec or name in spec['types'])
    return runs, ctx


STATUS_FN = re.compile(r'\b(always|failure|cancelled|success)\s*\(', re.I)


def existing_jobs(wf: dict, runs: bool, ctx: dict) -> tuple:
    """{github job id: exists?} in declaration order, and errors met while evaluating."""
    jobs, exists, errors = wf.get('jobs') or {}, {}, []
    if not runs:
        return {j: False for j in jobs}, errors

    def decide(jid, seen=()):
        if jid in exists:
            return exists[jid]
        job = jobs[jid]
        needs = job.get('needs') or []
        needs = [needs] if isinstance(needs, str) else needs
        cond = job.get('if')
        ok = True
        for n in needs:
            if n in jobs and n not in seen and not decide(n, seen + (jid,)):
                if cond is None or not STATUS_FN.search(str(cond)):
                    ok = False
        if ok and cond is not None:
            try:
                ok = truthy(evaluate(cond, ctx)) is not False
            except ValueError as e:
                errors.append(f'job {jid}: if: {cond!r}: {e}')
        exists[jid] = ok
        return ok

    for jid in jobs:
        decide(jid)
    return exists, errors


def display_name(jid: str, job: dict) -> str:
    return base_name(str(job.get('name', jid)))  # matrix cells compare by their job


def dry_run(pipec: str, repo: Path, case: rd.Case, trig: rd.Trigger, env: dict) -> set:
    cmd = [pipec, 'run', case.pipe, '--dry-run', '--trigger', trig.kind]
    cmd += ['--tag', trig.ctx['tag']] if trig.kind == 'tag' else ['--branch', trig.branch]
    for k, v in rd.inputs_of(trig).items():
        cmd += ['--input', f'{k}={v}']
    r = rd.sh(cmd, repo, env)
    if r.returncode != 0:
        raise RuntimeError(f'pipec run --dry-run failed:\n{r.stdout}')
    # A job exists unless the dry run skips it for a static reason (its triggers, a condition
    # known before the run); on_failure and manual jobs exist, as they do on GitHub.
    exists = set()
    for line in r.stdout.splitlines():
        m = re.match(r'^\s+\d+\. (\S+)', line)
        if m:
            exists.add(m.group(1))
            continue
        m = re.match(r'^\s+- (\S+).*?skipped: (.*)$', line)
        if m and not m.group(2).startswith(('not under trigger', 'condition is false')):
            exists.add(m.group(1))
    # The dry run does not follow skips: an on_success job that needs a job that does not exist
    # is skipped too, which is what GitHub does with it (stage order is no need; an optional
    # need lets it go on).
    dump = subprocess.run([pipec, 'check', case.pipe, '--dump-ir'], cwd=repo, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # notes go to stderr
    ir = json.loads(dump.stdout or '{}')
    for job in ir.get('jobs', []):
        # A manual job exists on GitHub only in a run dispatched with its `run_<job>` input.
        started = trig.kind == 'manual' and rd.inputs_of(trig).get('run_' + base_name(job['name'])) == 'true'
        if job.get('manual') and not started:
            exists.discard(job['name'])
        if job['name'] in exists and job.get('run_when', 'on_success') == 'on_success':
            if any(n['job'] not in exists and not n.get('optional') for n in job.get('needs', [])):
                exists.discard(job['name'])
    return {base_name(n) for n in exists}


def base_name(name: str) -> str:
    return re.sub(r'\[.*\]$', '', name)


def one_shell_problems(wf: dict) -> list:
    out = []
    for jid, job in (wf.get('jobs') or {}).items():
        steps = job.get('steps') or []
        # A teardown is a shell of its own by design (GitLab's after_script), and must run
        # whatever happened before it without failing the job.
        for s in steps:
            if s.get('name') == 'Teardown' and (s.get('if') != 'always()' or s.get('continue-on-error') is not True):
                out.append(f'job {jid}: its teardown step lacks `if: always()` or `continue-on-error: true`')
        scripts = [s for s in steps if 'run' in s and s.get('name') != 'Teardown'
                   and not str(s.get('id', '')).startswith('pipec') and not str(s.get('name', '')).startswith(('Upload ', 'Download ', 'Cache ', 'Publish values'))]
        if len(scripts) > 1:
            out.append(f'job {jid}: its script is split over {len(scripts)} steps (separate shells: '
                       f'`cd`/`export` do not carry over)')
    return out


def artifact_names(job: dict, action: str) -> set:
    return {str((s.get('with') or {}).get('name')) for s in job.get('steps') or []
            if str(s.get('uses', '')).startswith(action)}


def edge_problems(wf: dict, plan: dict) -> list:
    out = []
    jobs = wf.get('jobs') or {}
    by_name = {}
    for jid, job in jobs.items():
        by_name[display_name(jid, job)] = (jid, job)

    def gh(name):
        return by_name.get(name) or by_name.get(re.sub(r'\[.*\]$', '', name))

    for pj in plan.get('jobs', []):
        consumer = gh(pj['name'])
        for inp in pj.get('inputs', []):
            producer = gh(inp['job'])
            if not consumer or not producer:
                continue  # a child pipeline's job, or one GitHub does not have (reported above)
            if inp['kind'] in ('bool', 'int', 'float', 'string'):
                outs = producer[1].get('outputs') or {}
                if inp['output'] not in outs:
                    out.append(f'{pj["name"]} reads value {inp["job"]}.{inp["output"]}, which is no job output of {producer[0]}')
                needs = consumer[1].get('needs') or []
                if producer[0] not in ([needs] if isinstance(needs, str) else needs):
                    out.append(f'{pj["name"]} reads {inp["job"]}.{inp["output"]} without needing {producer[0]}')
                continue
            downs = artifact_names(consumer[1], 'actions/download-artifact')
            ups = artifact_names(producer[1], 'actions/upload-artifact')
            if not downs & ups:
                out.append(f'data edge {inp["job"]}.{inp["output"]} -> {pj["name"]}: no upload/download pair '
                           f'(uploads {sorted(ups)}, downloads {sorted(downs)})')
    return out


def check_case(case: rd.Case, args) -> list:
    """[(label, problems)] for each trigger of the case."""
    work = Path(tempfile.mkdtemp(prefix='pipec-ghdiff-'))
    env = rd.clean_env(case.env)
    results = []
    try:
        repo = work / 'repo'
        rd.copy_case(case, repo)
        rd.sh(['git', 'init', '-q', '.'], repo, env)
        out = work / 'out'
        r = rd.sh([args.pipec, 'build', str(repo / case.pipe), '--target', 'all', '-o', str(out)], repo, env)
        if r.returncode != 0:
            return [(f'{case.name}', [f'pipec build failed:\n{r.stdout}'])]
        plan = json.loads((out / 'plan.json').read_text())
        wf_path = out / '.github' / 'workflows' / f'{plan["pipeline"]}.yml'
        wf = yaml.safe_load(wf_path.read_text())
        on = wf.get('on', wf.get(True))  # YAML 1.1 reads a bare `on` as true
        static = one_shell_problems(wf) + edge_problems(wf, plan)
        for trig in case.triggers:
            problems = list(static)
            runs, ctx = event_of(trig, plan, on)
            exists, errors = existing_jobs(wf, runs, ctx)
            problems += errors
            # Stage order's barrier jobs ("stage X done") and the job that diffs the event for
            # `changed [...]` ("which files changed") stand for no pipeline job.
            barriers = {f'stage {st} done' for st in plan.get('stages', [])} | {'which files changed'}
            gh_jobs = {display_name(j, (wf['jobs'] or {})[j]) for j, ok in exists.items() if ok} - barriers
            pipec_jobs = dry_run(args.pipec, repo, case, trig, env)
            if gh_jobs != pipec_jobs:
                problems.append('jobs that exist differ:\n' +
                                f'  only under pipec run: {sorted(pipec_jobs - gh_jobs)}\n'
                                f'  only on GitHub:       {sorted(gh_jobs - pipec_jobs)}')
            results.append((f'github: {trig.line}', problems))
    except (RuntimeError, OSError, ValueError, yaml.YAMLError) as e:
        results.append((f'{case.name}', [f'harness error: {e}']))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--pipec', required=True)
    ap.add_argument('--roundtrip', help='pipec-roundtrip, for the schema/actionlint/round-trip checks')
    ap.add_argument('--npm-bin', default=str(rd.ROOT / 'tests' / '.npm' / 'node_modules' / '.bin'))
    ap.add_argument('--peers', default='')
    ap.add_argument('--filter', default='')
    args = ap.parse_args()
    args.pipec = os.path.abspath(args.pipec)
    cases = rd.discover(rd.HERE / 'cases', rd.HERE / 'examples.cfg')
    failed, xfailed, xpassed, total = [], 0, [], 0
    chosen = [c for c in cases if re.search(args.filter, c.name)]
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        checked = list(pool.map(lambda c: (c, check_case(c, args)), chosen))
    for case, results in checked:
        for label, problems in results:
            total += 1
            full = f'{case.name} [{label}]'
            xf = next((why for rx, why in case.xfail if re.search(rx, label)), None)
            if problems and xf:
                xfailed += 1
                print(f'XFAIL: {full}: {xf}')
            elif problems:
                failed.append(full)
                print(f'FAIL: {full}')
                for p in problems:
                    print('  ' + p.replace('\n', '\n  '))
            elif xf:
                xpassed.append(full)
                print(f'XPASS: {full}: expected to differ ({xf}) but does not: remove the diff-xfail line')
            else:
                print(f'PASS: {full}')
    print(f'\ngithub static: {total} runs: {total - len(failed) - xfailed - len(xpassed)} same, '
          f'{xfailed} expected differences, {len(failed)} differ, {len(xpassed)} unexpectedly same')
    code = 1 if failed or xpassed else 0
    if args.roundtrip:
        pipes = [str(c.src if c.src.is_file() else c.src / c.pipe) for c in cases]
        v = subprocess.run([sys.executable, str(rd.ROOT / 'tests/lit/emit/Inputs/validate_outputs.py'),
                            '--pipec', args.pipec, '--roundtrip', args.roundtrip, '--npm-bin', args.npm_bin,
                            '--peers', args.peers] + pipes, text=True, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        print(v.stdout.strip())
        if v.returncode != 0 or not re.search(r'validated \d+ pipeline\(s\), 0 failure|skipped: no peer data', v.stdout):
            code = 1
    return code


if __name__ == '__main__':
    sys.exit(main())
