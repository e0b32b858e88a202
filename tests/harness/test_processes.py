import itertools

from harness.processes import _own_ports


def test_each_test_process_draws_from_the_whole_of_its_own_thousand_ports(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    ports = list(itertools.islice(_own_ports(), 2000))
    assert sorted(ports[:1000]) == list(range(21000, 22000))
    assert ports[1000:] == ports[:1000]  # then round again, in the same order


def test_outside_pytest_xdist_the_kernel_chooses(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert list(itertools.islice(_own_ports(), 3)) == [0, 0, 0]
