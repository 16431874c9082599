"""Work in a forked child beside the process (allocator.forked)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from allocator.forked import FORKS, beside, forking

needs_fork = pytest.mark.skipif(not FORKS, reason="Linux forks; elsewhere "
                                "the work is done in the process")


@needs_fork
def test_the_work_runs_in_a_child_and_its_answer_comes_back():
    parent = os.getpid()
    with beside(lambda: (os.getpid(), [1, 2, 3]), fork=True) as work:
        assert work.forked
        pid, value = work.result()
    assert pid != parent
    assert value == [1, 2, 3]
    assert work.result()[1] == [1, 2, 3]  # asked again: the same answer


def test_without_fork_the_work_is_done_when_asked_for():
    done = []
    with beside(lambda: done.append(os.getpid()) or "answer",
                fork=False) as work:
        assert not work.forked
        assert done == []
        assert work.result() == "answer"
    assert done == [os.getpid()]


@needs_fork
def test_a_failing_work_raises_its_own_error_in_the_parent():
    def work():
        raise KeyError("no such household")

    with beside(work, fork=True) as failing, pytest.raises(
            KeyError, match="no such household"):
        failing.result()


@needs_fork
def test_a_child_killed_at_work_leaves_the_work_to_the_parent():
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "done by the parent"

    with beside(work, fork=True) as work_:
        assert work_.result() == "done by the parent"


@needs_fork
def test_leaving_the_block_ends_a_child_whose_answer_is_not_wanted():
    with beside(lambda: time.sleep(60), fork=True) as work:
        pid = work._pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # ended and reaped: no such child


@needs_fork
def test_buffered_output_is_written_once():
    script = ("import sys\n"
              "from allocator.forked import beside\n"
              "sys.stdout.write('before the fork;')\n"
              "with beside(lambda: 42, fork=True) as work:\n"
              "    print(work.result())\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True,
                         text=True, check=True)
    assert run.stdout == "before the fork;42\n"


@needs_fork
def test_a_forking_block_says_whether_work_forks_where_the_caller_does_not():
    def forks() -> bool:
        with beside(os.getpid) as work:
            return work.forked

    assert not forks()
    with forking():
        assert forks()
        with forking(False):
            assert not forks()
        assert forks()
    assert not forks()
