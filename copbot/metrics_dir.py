"""The folder where gunicorn's workers write their metrics, set up before prometheus_client is imported.

prometheus_client decides at import time whether samples go to files (PROMETHEUS_MULTIPROC_DIR set) or
stay in memory, so this module must not import it: `copbot serve` calls ``prepare_multiprocess_dir`` first.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir() -> Path | None:
    """Make the folder the workers share, unless the operator set one; return it when it is ours to remove.

    Must run before prometheus_client is imported by anything in the process (it reads the variable then).
    A folder the operator gave is emptied of old samples, as prometheus_client asks between runs.
    """
    given = os.environ.get(MULTIPROC_VARIABLE)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        return None
    folder = Path(tempfile.mkdtemp(prefix="copbot-metrics-"))
    os.environ[MULTIPROC_VARIABLE] = str(folder)
    return folder


def remove_multiprocess_dir(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
