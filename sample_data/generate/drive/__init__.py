"""Drive/: Finance and HR records, and the hard negatives (Ops, Misc, Marketing, public contacts)."""

from __future__ import annotations

from sample_data.generate.drive.finance import write_finance
from sample_data.generate.drive.hr import write_hr
from sample_data.generate.drive.public import write_negatives
from sample_data.generate.world import World
from sample_data.synth.writers import Blob, Share


def write_drive(share: Share, w: World) -> Blob:
    """Write Drive/; return the contractor invoice, which a mail in Email/ carries as an attachment."""
    invoice = write_finance(share, w)
    write_hr(share, w)
    write_negatives(share)
    return invoice
