"""Suite-wide settings.

Hypothesis explores new random examples on every developer run, but CI (CI=true) derandomizes:
a submission's CI result must not depend on the luck of the draw. Crashes a developer's run finds
are kept in .hypothesis/ and replayed first.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")
