"""Detection: the YAML rule packs, the pattern detector, our recognizers, the rubric classifier.

Importing this package points ``tldextract.extract`` (used by Presidio's e-mail and URL
recognizers, and by our ``email`` validator) at an extractor built on the public-suffix
snapshot bundled with tldextract, so no suffix list is ever fetched from the network.
"""

from __future__ import annotations

import tldextract

#: Public-suffix lookups from the snapshot shipped inside tldextract: never the network, no cache dir.
OFFLINE_TLD_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
tldextract.extract = OFFLINE_TLD_EXTRACT  # type: ignore[assignment]
