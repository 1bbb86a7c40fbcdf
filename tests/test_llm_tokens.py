"""Token counting from the shipped encoding file, without network, and chunking to a budget."""

import gzip
import hashlib
import socket

import pytest
import tiktoken
import tiktoken_ext.openai_public as openai_public

from reviewer.llm import tokens
from reviewer.llm.tokens import (
    ENCODING_FILE,
    O200K_PATTERN,
    O200K_SPECIAL,
    chunk_paragraphs,
    count_messages,
    count_tokens,
    encoding,
    split_long,
)

O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


def test_encoding_builds_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("token counting tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    tokens._build.cache_clear()
    enc = encoding()
    assert enc.name == "o200k_base"
    assert enc.n_vocab == 200019
    assert enc.decode(enc.encode("项目支出471.28万元")) == "项目支出471.28万元"


def test_shipped_encoding_matches_tiktoken_definition(tmp_path, monkeypatch):
    """tiktoken's own o200k_base, fed our file through its cache, gives the same pattern and ranks."""
    data = gzip.decompress(ENCODING_FILE.read_bytes())
    (tmp_path / hashlib.sha1(O200K_URL.encode()).hexdigest()).write_bytes(data)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    official = openai_public.o200k_base()
    assert official["pat_str"] == O200K_PATTERN
    assert official["special_tokens"] == O200K_SPECIAL
    assert official["mergeable_ranks"] == tokens.read_ranks()
    reference = tiktoken.Encoding(**official)
    sample = "2024年本部门项目支出471.28万元，占比 69.6%。Budget execution: 100%\n"
    assert encoding().encode(sample) == reference.encode(sample)


def test_corrupted_file_is_refused(tmp_path):
    bad = tmp_path / "o200k_base.tiktoken.gz"
    bad.write_bytes(gzip.compress(b"AA== 0\n"))
    with pytest.raises(RuntimeError, match="SHA-256"):
        tokens.read_ranks(bad)


def test_counts():
    assert count_tokens("") == 0
    # Special-token spellings inside a document are plain text, not an error.
    assert count_tokens("<|endoftext|>") > 1
    one = count_tokens("本年度项目支出12.5万元")
    assert count_messages([{"role": "user", "content": "本年度项目支出12.5万元"}]) == one + 6


def test_chunks_respect_the_budget_and_keep_every_character():
    paragraphs = [f"第{i}段：本单位开展了第{i}项工作，支出{i}.5万元。" * 3 for i in range(40)]
    chunks = chunk_paragraphs(paragraphs, 200)
    assert len(chunks) > 1
    assert all(count_tokens(c) <= 200 for c in chunks)
    assert "\n".join(chunks) == "\n".join(paragraphs)


def test_an_over_long_paragraph_is_split_at_sentences_then_tokens():
    sentence = "预算执行率达到百分之百。"
    long_paragraph = sentence * 100
    pieces = split_long(long_paragraph, 60)
    assert "".join(pieces) == long_paragraph
    assert all(count_tokens(p) <= 60 for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    unbroken = "项" * 500
    pieces = split_long(unbroken, 50)
    assert "".join(pieces) == unbroken and all(count_tokens(p) <= 50 for p in pieces)
