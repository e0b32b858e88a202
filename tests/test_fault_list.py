"""tests/fault_list.py stays replayable: each fault names a line the code still has, once (docs/testing.md)."""

import pytest

from tests.fault_list import FAULTS, REPO


def test_the_list_covers_at_least_twelve_faults_each_with_the_tests_that_catch_it():
    assert len(FAULTS) >= 12
    assert all(fault.tests and fault.faulty != fault.line for fault in FAULTS)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.what)
def test_each_fault_names_a_line_the_code_has_once(fault):
    assert (REPO / fault.path).read_text().count(fault.line) == 1, f"{fault.path} lost the line {fault.line!r}"
