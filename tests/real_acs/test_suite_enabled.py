"""Collected only when the real-ACS suite is off: one skip line that says how to turn it on."""

import pytest

from tests.real_acs.harness import SKIP_LINE


@pytest.mark.real_acs
def test_real_acs_suite():
    pytest.skip(SKIP_LINE)
