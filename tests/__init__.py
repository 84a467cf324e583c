"""The test suite. Imported before every conftest, so the environment set here holds for the
whole session and the processes the tests start.

One OpenMP thread per test process: scikit-learn's gradient boosting (the monitoring model)
runs on OpenMP, whose threads spin while they wait, so with more threads than free cores (two
pytest-xdist workers, or other jobs on the machine) it crawls: on this 2-core machine at load
10, a training on 600 outcomes took 132 s with the default threads and 9 s with one. The
runtime reads the variable when it loads, so it is set before anything imports scikit-learn.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
