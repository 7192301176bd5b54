import subprocess
import sys
from pathlib import Path

import pytest

from sim.engine import KINDS

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("kind", KINDS)
def test_each_engine_imports_and_runs_without_django(kind):
    code = (
        "import sys; from sim.engine import get_engine; "
        f"engine = get_engine({kind!r}); engine.simulate(engine.parse_params({{}})).to_dict(); "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
