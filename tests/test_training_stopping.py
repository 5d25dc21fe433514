"""Tests of kit.training.stopping: the first Ctrl-C asks, the second one stops at once."""

import os
import signal
import threading

import pytest

from kit.training.stopping import StopButton

pytestmark = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signals need the main thread"
)


def test_first_interrupt_only_asks_and_the_handler_comes_back():
    handler = signal.getsignal(signal.SIGINT)
    with StopButton() as button:
        assert not button.requested
        os.kill(os.getpid(), signal.SIGINT)
        assert button.requested
    assert signal.getsignal(signal.SIGINT) is handler


def test_second_interrupt_stops_at_once():
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), StopButton():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is handler


def test_outside_the_main_thread_the_button_leaves_signals_alone():
    handler = signal.getsignal(signal.SIGINT)
    seen = []

    def use_button():
        with StopButton() as button:
            seen.append((button.requested, signal.getsignal(signal.SIGINT)))

    worker = threading.Thread(target=use_button)
    worker.start()
    worker.join()
    assert seen == [(False, handler)]
