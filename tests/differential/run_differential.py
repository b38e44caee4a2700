#!/usr/bin/env python3
"""Differential tests: one .pipe pipeline, the same behaviour under `pipec run` and GitLab.

For every case (tests/differential/cases/*.pipe, cases/*/pipeline.pipe, and the examples listed
in examples.cfg) and every trigger it declares (`# diff: TRIGGER key=value...` lines), the driver
builds a fresh git repository holding the pipeline and the `.gitlab-ci.yml` that `pipec build`
emits, then runs it twice from identical copies:
  - `pipec run` with the trigger's flags (--trigger/--branch/--tag/--input);
  - gitlab-ci-local 4.73.0 `--shell-isolation` with the CI variables GitLab sets for that trigger
    (CI_PIPELINE_SOURCE, CI_COMMIT_BRANCH/TAG/REF_NAME, CI_MERGE_REQUEST_*, PIPEC_SCHEDULE, ...).
It compares which jobs ran their script and what each printed (marker lines `@@ ID WORD TEXT`,
which jobs echo, e.g. the artifact contents they saw), each job's result, and the pipeline's
result. Any difference fails the case with a table and a diff. The GitHub half is static (see
github_static.py, run for the same cases).

Case directives (comment lines anywhere in the .pipe file):
  # diff: push branch=main            one run per line: trigger + context
  # diff: merge_request source=feat target=main
  # diff: tag tag=v1.2.0
  # diff: schedule:nightly branch=main
  # diff: manual branch=main input.force=true
  # diff: webhook:retrain input.dataset=hats
  # diff: push branch=feat changed=a/x.py,b.md   that commit becomes origin's default branch and
                                          a second one changes these files (`changed [...]`)
  # diff-xfail: REGEX divergence N: why   an expected failure for the runs whose trigger
                                          line matches REGEX (an unexpected pass fails)
  # diff-markers: unique                  compare the set of marker lines, not how often each
                                          was printed (retries: gitlab-ci-local does not retry)
Exit: 0 all cases as expected, 1 a difference, 77 node is absent (skipped).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# A marker is printed by a job's script: `@@ ID WORD TEXT`. It must follow the runner's line
# prefix (`[job] ` under pipec run, `job > ` under gitlab-ci-local), so the echoed command
# (`job $ echo "@@ ...`) never counts.
MARKER = re.compile(r'(?:\] |> )@@ (\S+) (.*?)\s*$')
# gitlab-ci-local's report at the end of a pipeline.
GCL_REPORT = re.compile(r'^ (PASS|WARN|FAIL) +(?:\[(.+?)\] -> )?(.+?)(?:  (pre_script|after_script))?\s*$')
GCL_OUTPUT = re.compile(r'^\t*(?:\[(.+?)\] -> )?(.+?) > (.*)$')
# What pipec's GitLab guards print when a job does not run its script (docs/targets.md).
GUARD_SKIP = 'pipec: skipped: '

CI_PREFIXES = ('CI_', 'GITLAB_', 'GITHUB_', 'PIPEC_', 'GCL_')


@dataclass
class Trigger:
    line: str
    kind: str  # push, merge_request, tag, manual, schedule:N, webhook:N
    ctx: dict

    @property
    def branch(self) -> str:
        return self.ctx.get('branch') or self.ctx.get('source') or 'main'


@dataclass
class Case:
    name: str
    src: Path          # directory copied into the repository
    pipe: str          # the pipeline file, relative to src
    triggers: list
    xfail: list = field(default_factory=list)        # (regex, reason)
    secrets: str = ''  # a secrets file relative to src, for `pipec run --secrets-file`
    unique_markers: bool = False  # `# diff-markers: unique`: count each marker line once
    env: dict = field(default_factory=dict)
    # An import case: `src` is a .gitlab-ci.yml; `pipe` is what `pipec import` writes from it.
    imported: bool = False
    # `# diff-original: skip WHY`: gitlab-ci-local cannot run the original (import cases);
    # `# diff-expect: TRIGGER => JOB...`: the jobs GitLab runs then, from GitLab's own rules.
    original_skipped: str = ''
    expected: dict = field(default_factory=dict)


def parse_trigger(line: str) -> Trigger:
    words = line.split()
    kind, ctx = words[0], {}
    for w in words[1:]:
        k, _, v = w.partition('=')
        ctx[k] = v
    return Trigger(line.strip(), kind, ctx)


def read_directives(text: str, case: Case) -> None:
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith('# diff:'):
            case.triggers.append(parse_trigger(line[len('# diff:'):].strip()))
        elif line.startswith('# diff-xfail:'):
            rx, _, why = line[len('# diff-xfail:'):].strip().partition(' ')
            case.xfail.append((rx, why))
        elif line.startswith('# diff-markers: unique'):
            case.unique_markers = True
        elif line.startswith('# diff-original: skip'):
            case.original_skipped = line[len('# diff-original: skip'):].strip()
        elif line.startswith('# diff-expect:'):
            trig, _, jobs = line[len('# diff-expect:'):].partition('=>')
            case.expected[trig.strip()] = sorted(jobs.split())


def discover(cases_dir: Path, examples_cfg: Path, import_dir: Path = None) -> list:
    cases = []
    for p in sorted(cases_dir.iterdir()):
        if p.suffix == '.pipe':
            c = Case(p.stem, p.parent, p.name, [])
            # A single-file case copies only its own file.
            c.src = p
            read_directives(p.read_text(), c)
            cases.append(c)
        elif p.is_dir() and (p / 'pipeline.pipe').exists():
            c = Case(p.name, p, 'pipeline.pipe', [])
            read_directives((p / 'pipeline.pipe').read_text(), c)
            cases.append(c)
    # examples.cfg: `example DIR [secrets=FILE] [env.K=V]` then indented `diff...` lines.
    current = None
    for raw in examples_cfg.read_text().splitlines():
        if not raw.strip() or raw.lstrip().startswith('#'):
            continue
        if not raw[0].isspace():
            words = raw.split()
            d = ROOT / words[1]
            current = Case('example-' + d.name, d, 'pipeline.pipe', [])
            for w in words[2:]:
                k, _, v = w.partition('=')
                if k == 'secrets':
                    current.secrets = v
                elif k.startswith('env.'):
                    current.env[k[4:]] = v
            cases.append(current)
        else:
            read_directives('# ' + raw.strip(), current)
    # import-cases/NAME.yml: a GitLab configuration that `pipec import` reads (README.md).
    if import_dir and import_dir.is_dir():
        for p in sorted(import_dir.glob('*.yml')):
            c = Case('import-' + p.stem, p, 'pipeline.pipe', [], imported=True)
            read_directives(p.read_text(), c)
            cases.append(c)
    for c in cases:
        if not c.triggers:
            raise SystemExit(f'differential: case {c.name} declares no `# diff:` trigger')
        lines = {t.line for t in c.triggers}
        for trig in c.expected:
            if trig not in lines:
                raise SystemExit(f'differential: case {c.name}: `# diff-expect: {trig}` names no `# diff:` trigger')
        if c.original_skipped and lines - set(c.expected):
            raise SystemExit(f'differential: case {c.name} skips the original but expects nothing for: '
                             + ', '.join(sorted(lines - set(c.expected))))
    return cases


# ---- the two runs -------------------------------------------------------------------------

def clean_env(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CI_PREFIXES)}
    env.update({'GIT_AUTHOR_NAME': 'diff', 'GIT_AUTHOR_EMAIL': 'diff@example.com',
                'GIT_COMMITTER_NAME': 'diff', 'GIT_COMMITTER_EMAIL': 'diff@example.com',
                'NO_COLOR': '1', 'FORCE_COLOR': '0'})
    env.update(extra)
    return env


def sh(cmd, cwd, env, timeout=300):
    return subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors='replace', timeout=timeout)


def copy_case(case: Case, repo: Path) -> None:
    """The case's pipeline (a file, or a folder with its scripts) into a fresh folder REPO."""
    if case.imported:
        repo.mkdir(parents=True)
        shutil.copy2(case.src, repo / '.gitlab-ci.yml')
    elif case.src.is_file():
        repo.mkdir(parents=True)
        shutil.copy2(case.src, repo / case.pipe)
    else:
        shutil.copytree(case.src, repo, ignore=shutil.ignore_patterns('.pipec', '__pycache__'))


def prepare_repo(case: Case, trig: Trigger, work: Path, pipec: str, env: dict) -> Path:
    repo = work / 'repo'
    copy_case(case, repo)
    sh(['git', 'init', '-q', '-b', trig.branch, '.'], repo, env)
    if case.imported:
        r = sh([pipec, 'import', '--vendor', 'gitlab', '.gitlab-ci.yml', '-o', case.pipe], repo, env)
        if r.returncode != 0:
            raise RuntimeError(f'pipec import failed:\n{r.stdout}')
    else:
        r = sh([pipec, 'build', case.pipe, '--target', 'gitlab', '-o', '.'], repo, env)
        if r.returncode != 0:
            raise RuntimeError(f'pipec build failed:\n{r.stdout}')
    sh(['git', 'add', '-A'], repo, env)
    r = sh(['git', 'commit', '-qm', 'differential case'], repo, env)
    if r.returncode != 0:
        raise RuntimeError(f'git commit failed:\n{r.stdout}')
    if 'changed' in trig.ctx:
        # `changed=a/x.py,b.md`: that commit is origin's default branch; the files listed
        # change in a second commit. `pipec run` diffs against the merge base with origin/HEAD,
        # gitlab-ci-local against origin/<default>: both see exactly these files.
        sh(['git', 'update-ref', 'refs/remotes/origin/main', 'HEAD'], repo, env)
        sh(['git', 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main'], repo, env)
        for rel in filter(None, trig.ctx['changed'].split(',')):
            f = repo / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            with open(f, 'a') as out:
                out.write('changed\n')
        sh(['git', 'add', '-A'], repo, env)
        r = sh(['git', 'commit', '-q', '--allow-empty', '-m', 'changes'], repo, env)
        if r.returncode != 0:
            raise RuntimeError(f'git commit failed:\n{r.stdout}')
    if trig.kind == 'tag':
        sh(['git', 'tag', trig.ctx['tag']], repo, env)
    return repo


def inputs_of(trig: Trigger) -> dict:
    return {k[len('input.'):]: v for k, v in trig.ctx.items() if k.startswith('input.')}


def input_var(name: str) -> str:
    return 'PIPEC_INPUT_' + re.sub(r'[^A-Za-z0-9]', '_', name).upper()


def pipec_run(case: Case, trig: Trigger, repo: Path, pipec: str, env: dict) -> dict:
    cmd = [pipec, 'run', case.pipe, '--plain', '-j', '2', '--trigger', trig.kind]
    if trig.kind == 'tag':
        cmd += ['--tag', trig.ctx['tag']]
    else:
        cmd += ['--branch', trig.branch]
    for k, v in inputs_of(trig).items():
        cmd += ['--input', f'{k}={v}']
    if case.secrets:
        cmd += ['--secrets-file', case.secrets]
    t0 = time.monotonic()
    r = sh(cmd, repo, env)
    elapsed = time.monotonic() - t0
    jobs, markers = {}, []
    for line in r.stdout.splitlines():
        m = MARKER.search(line)
        if m:
            markers.append(f'{m.group(1)} {m.group(2)}')
    runs = repo / '.pipec' / 'runs'
    last = runs / 'LAST'
    if last.exists():
        run_id = last.read_text().strip()
        summary = json.loads((runs / run_id / 'summary.json').read_text())
        for j in summary['jobs']:
            jobs[norm_pipec_name(j['name'])] = (j['status'], j.get('reason', ''))
        # A child pipeline runs as `<run-id>.<trigger job>`: its jobs are `job/child`.
        for child in sorted(runs.glob(run_id + '.*/summary.json')):
            parent = child.parent.name[len(run_id) + 1:]
            for j in json.loads(child.read_text())['jobs']:
                jobs[parent + '/' + norm_pipec_name(j['name'])] = (j['status'], j.get('reason', ''))
    return {'exit': r.returncode, 'jobs': jobs, 'markers': sorted(markers), 'log': r.stdout,
            'seconds': elapsed}


def gitlab_variables(trig: Trigger) -> tuple:
    """The predefined variables GitLab sets for the trigger (set, unset)."""
    v, unset = {}, []
    kind = trig.kind
    if kind == 'tag':
        tag = trig.ctx['tag']
        v.update(CI_PIPELINE_SOURCE='push', CI_COMMIT_TAG=tag, CI_COMMIT_REF_NAME=tag)
        unset.append('CI_COMMIT_BRANCH')
    elif kind == 'merge_request':
        src, dst = trig.ctx.get('source', 'feature'), trig.ctx.get('target', 'main')
        v.update(CI_PIPELINE_SOURCE='merge_request_event', CI_COMMIT_REF_NAME=src,
                 CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=src, CI_MERGE_REQUEST_TARGET_BRANCH_NAME=dst,
                 CI_MERGE_REQUEST_IID='1', CI_MERGE_REQUEST_EVENT_TYPE='detached')
        unset.append('CI_COMMIT_BRANCH')
    else:
        source = {'push': 'push', 'manual': 'web'}.get(kind)
        if kind.startswith('schedule'):
            source = 'schedule'
            v['PIPEC_SCHEDULE'] = kind.partition(':')[2]
        elif kind.startswith('webhook'):
            source = trig.ctx.get('source', 'trigger')
            v['PIPEC_WEBHOOK'] = kind.partition(':')[2]
        if source is None:
            raise RuntimeError(f'unknown trigger {kind}')
        v.update(CI_PIPELINE_SOURCE=source, CI_COMMIT_BRANCH=trig.branch, CI_COMMIT_REF_NAME=trig.branch)
    for k, val in inputs_of(trig).items():
        v[input_var(k)] = val
    return v, unset


PROBE = 'pipec_workflow_probe'


def add_workflow_probe(repo: Path) -> bool:
    """gitlab-ci-local 4.73.0 evaluates `workflow:rules` only for their variables and runs the
    pipeline even when no rule matches (parser.ts), where GitLab creates no pipeline. A probe
    job with the workflow's rules, evaluated by gitlab-ci-local's own rules engine, says which
    GitLab would do; the driver then reads the run as "no pipeline" when the probe did not run."""
    path = repo / '.gitlab-ci.yml'
    text = path.read_text()
    m = re.search(r'^workflow:\n  rules:\n((?:    .*\n)+)', text, re.M)
    if not m:
        return False
    rules = 'rules:\n' + m.group(1).replace('\n    ', '\n  ')[2:]
    path.write_text(text + f'\n{PROBE}:\n  stage: .pre\n  {rules}  script:\n    - "true"\n')
    return True


def gcl_run(case: Case, trig: Trigger, repo: Path, gcl: str, env: dict) -> dict:
    variables, unset = gitlab_variables(trig)
    probe = add_workflow_probe(repo)
    # --force-shell-executor: jobs with an `image` run in the shell too, as under `pipec run`
    # without --executor (no container engine here).
    cmd = [gcl, '--shell-isolation', '--force-shell-executor', '--no-artifacts-to-source', '--no-color',
           '--concurrency', '2',
           '--max-job-name-padding', '0', '--no-json-schema-validation',
           '--home', str(repo.parent / 'gcl-home'),
           '--ignore-predefined-vars', ','.join(sorted(variables))]
    if case.secrets:  # on GitLab, secrets are CI/CD variables
        variables.update(read_dotenv(repo / case.secrets))
    for k, val in sorted(variables.items()):
        cmd += ['--variable', f'{k}={val}']
    for k in unset:
        cmd += ['--unset-variable', k]
    (repo.parent / 'gcl-home').mkdir(exist_ok=True)
    t0 = time.monotonic()
    r = sh(cmd, repo, env)
    elapsed = time.monotonic() - t0
    markers, printed, jobs = [], {}, {}
    in_report = False
    for line in r.stdout.splitlines():
        rep = GCL_REPORT.match(line)
        if rep and 'downstream pipeline is experimental' not in line:
            in_report = True
            if rep.group(4) == 'after_script':
                continue  # `WARN job after_script`: its after_script failed, ignored (the job is listed too)
            status = {'PASS': 'passed', 'WARN': 'failed (allowed)', 'FAIL': 'failed'}[rep.group(1)]
            name = norm_gcl_name(rep.group(3), rep.group(2))
            jobs[name] = (status, '')
            continue
        if in_report and line.startswith('  > '):
            continue
        out = GCL_OUTPUT.match(line)
        if not out:
            continue
        name = norm_gcl_name(out.group(2), out.group(1))
        text = out.group(3)
        printed.setdefault(name, []).append(text)
        m = MARKER.search('> ' + text)
        if m:
            markers.append(f'{m.group(1)} {m.group(2)}')
    # A job whose pipec guard decided not to run the script is GitLab-green but did nothing:
    # it is what pipec run calls skipped (docs/targets.md, value gates).
    for name, lines in printed.items():
        skip = next((t for t in lines if t.startswith(GUARD_SKIP)), None)
        if skip and jobs.get(name, ('',))[0] == 'passed':
            jobs[name] = ('skipped', skip[len(GUARD_SKIP):])
    if probe:
        # Only a pipeline that ran to its report says anything about the probe; an error
        # (gitlab-ci-local refusing the configuration) stays an error.
        if PROBE not in jobs and 'pipeline finished in' in r.stdout:
            jobs, markers = {}, []
            r = subprocess.CompletedProcess(r.args, 0, r.stdout + '\n(harness: workflow:rules match no rule: no pipeline)\n')
        jobs.pop(PROBE, None)
    return {'exit': r.returncode, 'jobs': jobs, 'markers': sorted(markers), 'log': r.stdout,
            'seconds': elapsed}


def read_dotenv(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith('#') and '=' in line:
            k, _, v = line.removeprefix('export ').partition('=')
            out[k.strip()] = v.strip().strip('"\'')
    return out


def norm_pipec_name(name: str) -> str:
    # test[py=3.10,os=linux] -> test[3.10,linux]; child jobs `parent/child` stay as they are.
    m = re.match(r'^(.*?)\[(.*)\]$', name)
    if not m:
        return name
    vals = sorted(kv.partition('=')[2] for kv in m.group(2).split(','))
    return f"{m.group(1)}[{','.join(vals)}]"


def norm_gcl_name(name: str, parent) -> str:
    name = name.strip()
    m = re.match(r'^(.*?): \[(.*)\]$', name)  # parallel:matrix cell `test: [3.10, linux]`
    if m:
        # gitlab-ci-local orders a cell's values its own way: compare them sorted.
        name = f"{m.group(1)}[{','.join(sorted(v.strip() for v in m.group(2).split(',')))}]"
    else:
        name = norm_pipec_name(name)
    if name.endswith('_job'):
        name = name[:-4] if name[:-4] in RESERVED else name
    if parent:
        name = parent.split(' -> ')[-1] + '/' + name
    return name


RESERVED = {'image', 'services', 'stages', 'types', 'before_script', 'after_script', 'variables',
            'cache', 'include', 'true', 'false', 'nil', 'default', 'workflow', 'spec'}


# ---- comparison ---------------------------------------------------------------------------

def result_of(jobs: dict, name: str) -> str:
    status = jobs.get(name, ('skipped', ''))[0]
    return 'skipped' if status in ('skipped', 'not run') else status


def compare(p: dict, g: dict, names=('pipec run', 'gitlab-ci-local')) -> list:
    problems = []
    pn, gn = names
    names = sorted(set(p['jobs']) | set(g['jobs']))
    rows = []
    for n in names:
        a, b = result_of(p['jobs'], n), result_of(g['jobs'], n)
        if a != b:
            reason = p['jobs'].get(n, ('', ''))[1]
            rows.append(f'  {n:<28} {pn}: {a:<18} {gn}: {b}'
                        + (f'   (pipec: {reason})' if reason else ''))
    if rows:
        problems.append('job results differ:\n' + '\n'.join(rows))
    if p['markers'] != g['markers']:
        diff = difflib.unified_diff(p['markers'], g['markers'], pn, gn, lineterm='', n=2)
        problems.append('script markers differ (@@ lines the jobs printed):\n  '
                        + '\n  '.join(list(diff)[2:]))
    pa, ga = p['exit'] == 0, g['exit'] == 0
    if pa != ga:
        problems.append(f'pipeline result differs: {pn} {"passed" if pa else "failed"} '
                        f'(exit {p["exit"]}), {gn} {"passed" if ga else "failed"} '
                        f'(exit {g["exit"]})')
    return problems


def tail(text: str, n: int = 40) -> str:
    lines = text.splitlines()
    return '\n'.join('    | ' + l for l in lines[-n:])


def run_one(case: Case, trig: Trigger, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix='pipec-diff-'))
    # `{work}` in an example's env is this run's own directory (never shared between runs).
    env = clean_env({k: v.replace('{work}', str(work)) for k, v in case.env.items()})
    # An empty HOME of the run's own: node gives its children a socket for stdin, and bash
    # with a socket on stdin and no SHLVL reads ~/.bashrc (Debian's SSH_SOURCE_BASHRC), so
    # every job shell of gitlab-ci-local ran the user's ~/.bashrc (here `pyenv init`, 8 s a
    # pipeline). Neither side may depend on the user's dotfiles.
    env['HOME'] = str(work / 'home')
    (work / 'home').mkdir()
    try:
        src = prepare_repo(case, trig, work, args.pipec, env)
        a, b = work / 'pipec', work / 'gcl'
        shutil.copytree(src, a, symlinks=True)
        shutil.copytree(src, b, symlinks=True)
        p = pipec_run(case, trig, a, args.pipec, env)
        g = None if case.original_skipped else gcl_run(case, trig, b, args.gcl, env)
        if case.imported:
            # The original under gitlab-ci-local is the reference; `pipec run` of the imported
            # Pipe (above) and the GitLab file built from it must both behave as it does.
            c = work / 'rebuilt'
            shutil.copytree(src, c, symlinks=True)
            r = sh([args.pipec, 'build', case.pipe, '--target', 'gitlab', '-o', '.'], c, env)
            if r.returncode != 0:
                raise RuntimeError(f'pipec build of the imported Pipe failed:\n{r.stdout}')
            sh(['git', 'add', '-A'], c, env)
            sh(['git', 'commit', '-qm', 'rebuilt'], c, env)
            rebuilt = gcl_run(case, trig, c, args.gcl, env)
            problems = [f'rebuilt .gitlab-ci.yml vs the imported Pipe under pipec run: {x}'
                        for x in compare(rebuilt, p, ('rebuilt', 'pipec run'))]
            if not case.original_skipped:
                problems += [f'imported Pipe under pipec run vs the original: {x}'
                             for x in compare(p, g, ('pipec run', 'original'))]
            if trig.line in case.expected:
                ran = sorted(n for n, (st, _) in p['jobs'].items() if st == 'passed')
                if ran != case.expected[trig.line]:
                    problems.append(f'jobs that ran under pipec run: {" ".join(ran) or "none"}; '
                                    f'GitLab runs: {" ".join(case.expected[trig.line]) or "none"}')
            g = rebuilt
        else:
            if case.unique_markers:
                p['markers'], g['markers'] = sorted(set(p['markers'])), sorted(set(g['markers']))
            problems = compare(p, g)
        # `pipec run` says "No pipeline: ..." and runs nothing when no trigger matches.
        if not p['jobs'] and not re.search(r'^no pipeline:', p['log'], re.I | re.M):
            problems.insert(0, 'pipec run produced no summary (did it start?)')
        return {'problems': problems, 'pipec': p, 'gcl': g}
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        return {'problems': [f'harness error: {e}'], 'pipec': None, 'gcl': None}
    finally:
        if args.keep:
            print(f'kept {work}', file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def matching(pairs, trig: Trigger):
    for rx, why in pairs:
        if re.search(rx, trig.line):
            return why
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--pipec', required=True)
    ap.add_argument('--npm-bin', default=str(ROOT / 'tests' / '.npm' / 'node_modules' / '.bin'))
    ap.add_argument('--cases', default=str(HERE / 'cases'))
    ap.add_argument('--examples', default=str(HERE / 'examples.cfg'))
    ap.add_argument('--import-cases', default=str(HERE / 'import-cases'))
    ap.add_argument('-j', '--jobs', type=int, default=2)
    ap.add_argument('--filter', default='', help='regex on "case trigger"')
    ap.add_argument('--keep', action='store_true', help='keep the temporary repositories')
    ap.add_argument('-v', '--verbose', action='store_true', help='print both logs of failing runs')
    args = ap.parse_args()
    args.pipec = os.path.abspath(args.pipec)
    if shutil.which('node') is None:
        print('differential: skipped: node is not installed (make test installs it via tools/setup.sh)')
        return 77
    args.gcl = os.path.join(args.npm_bin, 'gitlab-ci-local')
    if not os.access(args.gcl, os.X_OK):
        print(f'differential: gitlab-ci-local not found at {args.gcl}; run tools/setup-npm.sh')
        return 1
    if shutil.which('rsync') is None:
        print('differential: rsync is missing (gitlab-ci-local --shell-isolation needs it); run tools/setup.sh')
        return 1
    cases = discover(Path(args.cases), Path(args.examples), Path(args.import_cases))
    runs = [(c, t) for c in cases for t in c.triggers if re.search(args.filter, f'{c.name} {t.line}')]
    t0 = time.monotonic()
    failed, xfailed, xpassed = [], 0, []
    totals = [0.0, 0.0]
    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_one, c, t, args): (c, t) for c, t in runs}
        for fut in cf.as_completed(futures):
            c, t = futures[fut]
            res = fut.result()
            label = f'{c.name} [{t.line}]'
            if res['pipec'] and res['gcl']:
                totals[0] += res['pipec']['seconds']
                totals[1] += res['gcl']['seconds']
            xf = matching(c.xfail, t)
            if res['problems'] and xf:
                xfailed += 1
                print(f'XFAIL: {label}: {xf}')
            elif res['problems']:
                failed.append(label)
                print(f'FAIL: {label}')
                for p in res['problems']:
                    print('  ' + p.replace('\n', '\n  '))
                if args.verbose and res['pipec']:
                    print('  pipec run output:\n' + tail(res['pipec']['log']))
                    print('  gitlab-ci-local output:\n' + tail(res['gcl']['log']))
            elif xf:
                xpassed.append(label)
                print(f'XPASS: {label}: expected to differ ({xf}) but behaves the same: remove the diff-xfail line')
            else:
                print(f'PASS: {label}' + (f" (pipec run {res['pipec']['seconds']:.1f} s, gitlab-ci-local "
                                          f"{res['gcl']['seconds']:.1f} s)" if args.verbose and res['pipec'] and res['gcl'] else ''))
    wall = time.monotonic() - t0
    print(f'\ndifferential: {len(cases)} pipelines, {len(runs)} runs: '
          f'{len(runs) - len(failed) - xfailed - len(xpassed)} same, {xfailed} expected differences, '
          f'{len(failed)} differ, {len(xpassed)} unexpectedly same; {wall:.1f} s wall')
    if totals[0] > 0:
        print(f'differential: time in pipec run {totals[0]:.1f} s, in gitlab-ci-local {totals[1]:.1f} s '
              f'(ratio {totals[1] / totals[0]:.1f}x)')
    return 1 if failed or xpassed else 0


if __name__ == '__main__':
    sys.exit(main())
