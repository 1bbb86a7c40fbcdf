"""Token counting and chunking with tiktoken, from the encoding file shipped in reviewer/data.

tiktoken downloads its BPE files on first use; government networks often
cannot, so the o200k_base ranks ship with the package and the Encoding is
built here from that file. The count is an estimate for non-OpenAI models
(DeepSeek and Qwen use their own vocabularies), close enough for budgeting.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import threading
from functools import lru_cache
from pathlib import Path

import tiktoken

ENCODING_NAME = "o200k_base"
ENCODING_FILE = Path(__file__).resolve().parent.parent / "data" / "o200k_base.tiktoken.gz"
ENCODING_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
# The pre-tokenisation pattern of o200k_base, as defined by tiktoken_ext.openai_public.
O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
O200K_SPECIAL = {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}
# Chat framing per message and for the reply primer (OpenAI's published estimate).
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3
SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")

_lock = threading.Lock()


def read_ranks(path: Path = ENCODING_FILE) -> dict[bytes, int]:
    """Read a gzipped .tiktoken file (base64 token, rank per line), checking its hash."""
    data = gzip.decompress(path.read_bytes())
    if hashlib.sha256(data).hexdigest() != ENCODING_SHA256:
        raise RuntimeError(f"{path}: 编码文件已损坏（SHA-256 不符）")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@lru_cache(maxsize=1)
def _build() -> tiktoken.Encoding:
    return tiktoken.Encoding(
        name=ENCODING_NAME,
        pat_str=O200K_PATTERN,
        mergeable_ranks=read_ranks(),
        special_tokens=O200K_SPECIAL,
    )


def encoding() -> tiktoken.Encoding:
    """The o200k_base Encoding, built once from the shipped file."""
    with _lock:  # building takes a moment; threads must not build it twice
        return _build()


def count_tokens(text: str) -> int:
    """Tokens in ``text``; special-token spellings in a document count as plain text."""
    return len(encoding().encode(text, disallowed_special=()))


def count_messages(messages: list[dict[str, str]]) -> int:
    """Prompt tokens of a chat request: contents plus per-message framing."""
    return sum(TOKENS_PER_MESSAGE + count_tokens(m["content"]) for m in messages) + TOKENS_PER_REPLY


def split_long(text: str, budget: int) -> list[str]:
    """Split one over-long paragraph at sentence ends, and by tokens when a sentence is too long."""
    pieces: list[str] = []
    current = ""
    for sentence in filter(None, SENTENCE_END.split(text)):
        if count_tokens(sentence) > budget:
            if current:
                pieces.append(current)
                current = ""
            tokens = encoding().encode(sentence, disallowed_special=())
            # Cutting inside a multi-byte character would garble it: decode each slice
            # and keep the remainder for the next slice.
            start = 0
            while start < len(tokens):
                end = min(start + budget, len(tokens))
                while end > start + 1 and "\ufffd" in encoding().decode(tokens[start:end])[-1:]:
                    end -= 1
                pieces.append(encoding().decode(tokens[start:end]))
                start = end
            continue
        if current and count_tokens(current + sentence) > budget:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def chunk_paragraphs(paragraphs: list[str], budget: int) -> list[str]:
    """Group paragraphs into chunks of at most ``budget`` tokens, never splitting one that fits."""
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for paragraph in paragraphs:
        size = count_tokens(paragraph) + 1  # +1 for the joining newline
        if size > budget:
            if current:
                chunks.append("\n".join(current))
                current, used = [], 0
            chunks.extend(split_long(paragraph, budget))
            continue
        if current and used + size > budget:
            chunks.append("\n".join(current))
            current, used = [], 0
        current.append(paragraph)
        used += size
    if current:
        chunks.append("\n".join(current))
    return chunks
