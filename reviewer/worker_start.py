"""What a batch prepares once for all its worker processes beyond importing their modules.

Imported only where workers are forked from (pool.PRELOAD: the batch, or its
fork server): the pydantic adapters of Review, Document and Features take
about 0.15 s to build, which every worker of every pool would otherwise spend
again.
"""

from reviewer.crosscheck import Features
from reviewer.document import Document
from reviewer.finding import Review
from reviewer.jsonio import prepare

prepare(Review, Document, Features)
