"""The service layer stays a house a newcomer can read (issue 21): no circle between service
modules and no chain of imports between them longer than five floors. The command is the one the
map in ARCHITECTURE.md gives: `python tools/service_floors.py`."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_service_graph_has_no_circle_and_no_chain_past_five_floors():
    run = subprocess.run([sys.executable, "tools/service_floors.py", "--max", "5"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "longest chain: " in run.stdout
