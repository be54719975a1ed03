"""演示数据: fill a database with realistic records in every ledger.

For trying the app, screenshots and benchmarks. Records span the 18 months
before ``today``: older ones completed, recent ones in progress, and some
open items due today, soon or overdue so the dashboard has something to
show. Deterministic for a given seed and day.

Fast enough for 100,000 records: rows are built as plain dicts linked by
reference, then numbered (primary keys after the current maximum, ledger
serials per year in chronological order) and inserted in batches inside one
unit of work. One audit entry records the run.

Modules: ``builder`` (the entry point, numbering and writing), ``core`` (the
run's state and helpers), ``reference`` and ``staff`` (reference data), one
module per ledger system (``complaints``, ``cases``, ``referrals``,
``criminal``, ``assistance``, ``disputes``, ``info_shares``,
``consultation``) and the word lists (``text_people``, ``text_matters``,
``text_ledgers``). The systems run in a fixed order and share one
``random.Random``: moving a random call changes the data of every seed.
"""

from desktop_app.services.demo.builder import MAX_RECORDS, generate_demo
from desktop_app.services.demo.core import WINDOW_DAYS

__all__ = ["MAX_RECORDS", "WINDOW_DAYS", "generate_demo"]
