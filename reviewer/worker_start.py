"""What the batch's fork server prepares once for all its worker processes beyond importing their modules.

Imported by the fork server only (pool.PRELOAD): the pydantic adapters of
Review, Document and Features take about 0.15 s to build, which every worker
of every pool would otherwise spend again.
"""

from reviewer.crosscheck import Features
from reviewer.document import Document
from reviewer.finding import Review
from reviewer.jsonio import prepare

prepare(Review, Document, Features)
