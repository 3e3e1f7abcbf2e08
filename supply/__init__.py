"""Build and supply-chain tooling run by the Makefile (``python -m supply.<tool>``).

``bundle`` (the offline bundle and its ``install.sh``), ``airgap_check`` (installs the bundle
inside a network namespace with no network and scans there), ``sbom`` (CycloneDX),
``audit`` (pip-audit against the lock), ``pin_model`` and ``verify_model`` (the spaCy model's
pinned hashes and their comparison with the official wheel). None of this runs during a scan.

``bundle``, ``audit`` and ``verify_model`` download (on a connected machine, by design), so the tooling lives
here, outside the packages the wheel ships (``spill``, ``scanners``, ``tui``, ``rules``): what a responder
installs holds no code that reaches the network.
"""
