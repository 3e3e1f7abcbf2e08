"""Importing this module switches the network guard on.

It is the forkserver's first preload (``scanners.pool``), so Presidio, spaCy and every
other module a scan worker inherits are imported with the guard already armed: a
dependency that reaches for the network while it is being imported is refused too.
"""

from spill import netguard

netguard.install(True)
