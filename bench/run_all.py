"""`make bench`: every benchmark script in bench/, one after another, each with its defaults."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Arguments beyond a script's defaults: ws_fanout and vetting_keyboard write their sections
# only when asked; ws_fanout compares both Redis channel layers.
EXTRA_ARGUMENTS = {
    "ws_fanout.py": ["--layer", "both", "--write"],
    "vetting_keyboard.py": ["--write"],
}


def main():
    failed = []
    for script in sorted(HERE.glob("[!_]*.py")):
        if script.name == "run_all.py":
            continue
        print(f"== {script.name}", flush=True)
        command = [sys.executable, str(script), *EXTRA_ARGUMENTS.get(script.name, [])]
        if subprocess.run(command, cwd=HERE.parent, check=False).returncode:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
