"""`make bench`: every benchmark, each in its own process (each makes its own test database),
printing ratios against a baseline from the same run."""

import subprocess
import sys

for title, module in [
    ("People and imports", "bench.people"),
    ("Placement allocation", "bench.allocation"),
    ("Evaluation pages", "bench.evaluation"),
    ("Every page of every persona, and a load run", "bench.pages"),
]:
    print(f"\n== {title} ==", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)  # noqa: S603
