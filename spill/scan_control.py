"""Steering a running scan from outside its process: pause by signal.

A scan listens for ``SIGUSR1`` (:data:`PAUSE_SIGNAL`): the engine then stops handing out
files, takes back the batches no worker has started, lets each worker finish the batch in
its hands, writes everything and ends the scan as ``interrupted`` — the CLI exits 130 and
``spill scan … --resume`` continues, exactly as after a Ctrl-C, except that no finished
work is thrown away. The triage app pauses the scans it runs this way; a person can too::

    kill -USR1 PID        # pause the scan running as PID

Cancelling is Ctrl-C (``SIGINT``) or ``SIGTERM``, as before. A signal needs no file beside
the case and reaches the scan however it was started (the app, a terminal, nohup).
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

PAUSE_SIGNAL = signal.SIGUSR1


@dataclass
class ScanControl:
    """What the engine checks between batches; set from a signal handler, so only plain flags."""

    pause_requested: bool = False

    def pause(self) -> None:
        self.pause_requested = True

    def listen(self) -> None:
        """Pause when this process receives :data:`PAUSE_SIGNAL` (call from the main thread)."""
        signal.signal(PAUSE_SIGNAL, lambda _signum, _frame: self.pause())
