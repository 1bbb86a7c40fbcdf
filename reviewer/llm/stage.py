"""The LLM stage: narrative -> masked prompts -> the model's claims and suspicions.

The narrative sections (merged while they fit the token budget, split when
one is too long), the 实际完成情况 texts of the forms and any prose outside
sections are sent, masked, once per chunk, each paragraph only if it holds
something the code can check (``worth_sending``): one request asks for the claims
the text makes and the problems it suspects, with the table facts the chunk
names. The system message is the same for every chunk and every document,
so providers that cache shared prefixes (DeepSeek, Qwen/DashScope, vLLM)
bill it once. The answers are candidates only: the pipeline hands them to
reviewer.verify, which decides what is shown. A failed request becomes a
note and the review completes without it.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pydantic import BaseModel, Field

from reviewer.config import LLMConfig
from reviewer.document import Document, Paragraph
from reviewer.llm.cache import ResponseCache
from reviewer.llm.client import Answer, LLMClient, LLMError, schema_instruction
from reviewer.llm.privacy import Masker
from reviewer.extract.vocabulary import KEY_PATTERN, key_of_synonym
from reviewer.figures import digits_of, fmt, significant_digits
from reviewer.llm.schemas import QUANTITY_KEYS, Claim, Reading, Suspicion
from reviewer.llm.tokens import count_messages, count_tokens, chunk_paragraphs
from reviewer.llm.prompt import Prompt, get_prompt
from reviewer.report import Fact, Report

TASK = "read_narrative"
TASKS = (TASK,)  # every prompt the stage uses (the batch cache key names them)

# Batch results carrying this note are not cached, so a re-run asks again.
INCOMPLETE_NOTE = "文字审阅不完整"

# What a claim or a suspicion the code can check is made of: a figure (digits, a per cent
# sign, a Chinese numeral before a measure word), or a denial or compliance word. A
# paragraph with none of these nor a quantity's name (duties, plans, measures) is not sent:
# nothing in it can be verified, and on some reports it is most of the text.
CHECKABLE = re.compile(
    r"[0-9０-９%％]|[零〇一二两三四五六七八九十百千]+(?:名|人|个|项|次|家|所|条|户|亩|元|万|亿|成|倍)"
    r"|无|未|没有|不存在|均|全部|全额|足额|按时|按期|如期|超出|超过|超支|满意"
)
# A list item's number ("1、", "（三）", "第五条") is no figure.
LIST_MARKER = re.compile(r"^\s*(?:[（(]?[0-9０-９一二三四五六七八九十]+[)）、.．]|第[一二三四五六七八九十百]+条)")
# Signature lines (填表人：… 填报日期：… 联系电话：…) are the rules' business (TEXT002), not the model's.
SIGNATURE = re.compile(r"^\s*(?:填表人|联系人|联系电话|单位负责人|经办人)")


@dataclass
class Passage:
    """A titled run of narrative paragraphs."""

    title: str
    paragraphs: list[str]


@dataclass
class Chunk:
    """What one request is about: section titles and their text (already masked)."""

    title: str
    text: str


class PlannedRequest(BaseModel):
    """One request the stage sends (or, in a dry run, would send)."""

    prompt_id: str
    prompt_version: int
    chunk: str
    messages: list[dict[str, str]]
    tokens: int  # of the messages
    format_tokens: int  # of the output schema, sent alongside as response_format, tool or prompt text


class TokenCounts(BaseModel):
    """What the stage costs for one document, in tokens (o200k_base estimate unless reported)."""

    document_tokens: int = 0  # masked document text selected for the model
    left_out: int = 0  # paragraphs not sent: nothing checkable in them, signature lines, repeats
    chunks: int = 0
    planned_requests: int = 0
    planned_input_tokens: int = 0  # all planned requests: messages plus output schema
    requests_sent: int = 0  # including re-asks
    cache_hits: int = 0
    input_tokens: int = 0  # of the requests actually sent (server-reported when available)
    output_tokens: int = 0


class LLMStageResult(BaseModel):
    """The model's candidates (not yet verified), notes for the user, and the token bill."""

    claims: list[Claim] = Field(default_factory=list)
    suspicions: list[Suspicion] = Field(default_factory=list)
    failed: int = 0  # requests that gave no usable answer
    notes: list[str] = Field(default_factory=list)
    token_counts: TokenCounts = Field(default_factory=TokenCounts)
    dry_run_messages: list[PlannedRequest] = Field(default_factory=list)


def worth_sending(text: str) -> bool:
    """Whether a paragraph may hold a claim or suspicion the code can check (see CHECKABLE), and is no signature line."""
    body = LIST_MARKER.sub("", text, count=1)
    return bool(CHECKABLE.search(body) or KEY_PATTERN.search(body)) and not SIGNATURE.search(text)


def passages(document: Document, report: Report) -> list[Passage]:
    """All the prose: sections, the forms' 实际完成情况, and paragraphs outside sections (``selected`` keeps what is sent)."""
    found: list[Passage] = []
    covered: set[int] = set()
    for section in report.sections:
        texts = [p.text for p in section.paragraphs if p.text.strip()]
        covered.update(p.loc.block for p in section.paragraphs if p.loc.block is not None)
        if section.loc.block is not None:
            covered.add(section.loc.block)
        if texts:
            found.append(Passage(f"{section.number}{section.title}", texts))
    for evaluation in report.evaluations:
        if evaluation.goal_actual and evaluation.goal_actual.text.strip():
            name = f"{evaluation.label or evaluation.title}{'「' + evaluation.name + '」' if evaluation.name else ''}"
            found.append(Passage(f"{name} 年度总体目标实际完成情况", [evaluation.goal_actual.text]))
    loose = [
        block.text
        for number, block in enumerate(document.blocks)
        if isinstance(block, Paragraph) and block.text.strip() and (block.loc.block or number) not in covered
    ]
    if loose:
        found.append(Passage("表格外的其他文字" if report.sections else "全文", loose))
    return found


def selected(items: list[Passage]) -> tuple[list[Passage], int]:
    """The passages cut to the paragraphs worth sending, each paragraph once; and how many paragraphs were left out."""
    seen: set[str] = set()
    kept: list[Passage] = []
    total = 0
    for passage in items:
        total += len(passage.paragraphs)
        texts = []
        for text in passage.paragraphs:
            if worth_sending(text) and text.strip() not in seen:
                seen.add(text.strip())
                texts.append(text)
        if texts:
            kept.append(Passage(passage.title, texts))
    return kept, total - sum(len(p.paragraphs) for p in kept)


def chunks_of(items: list[Passage], budget: int, masker: Masker) -> list[Chunk]:
    """Merge consecutive passages while they fit the budget; split a passage that does not."""
    chunks: list[Chunk] = []
    titles: list[str] = []
    body: list[str] = []
    used = 0

    def flush() -> None:
        nonlocal titles, body, used
        if body:
            chunks.append(Chunk("；".join(titles), "\n".join(body)))
        titles, body, used = [], [], 0

    for passage in items:
        heading = f"【{passage.title}】"
        paragraphs = [masker(p) for p in passage.paragraphs]
        size = count_tokens("\n".join([heading, *paragraphs]))
        if size > budget:
            flush()
            pieces = chunk_paragraphs(paragraphs, budget - count_tokens(heading) - 1)
            for number, piece in enumerate(pieces, 1):
                title = f"{passage.title}（第{number}/{len(pieces)}部分）"
                chunks.append(Chunk(title, f"【{title}】\n{piece}"))
            continue
        if used + size > budget:
            flush()
        titles.append(passage.title)
        body.extend([heading, *paragraphs])
        used += size + 1
    flush()
    return chunks


def fact_entry(fact: Fact, year: int | None) -> str:
    """One fact as a chunk's facts show it: "项目支出（决算，2023年）296" — its 口径 and any year but the report's in brackets."""
    quantity = fact.quantity
    value = quantity.raw.strip() if quantity.value is None else fmt(quantity.value) + (quantity.unit or "")
    notes = [fact.measure] if fact.measure and fact.measure not in fact.label else []
    if fact.year is not None and fact.year != year:
        notes.append(f"{fact.year}年")
    return f"{fact.label}{'（' + '，'.join(notes) + '）' if notes else ''} {value}"


def facts_table(report: Report, text: str, masker: Masker) -> str:
    """The table facts a chunk names, one line per table part: its quantities (by name), its projects, and the figures it writes.

    A canonical quantity the text names (基本支出, 执行率 …) brings its
    department-level facts, and a project's facts when the text names the
    project too; any fact whose number the text writes comes along. Each
    part is named once for all its facts (a column per fact cost twice the
    tokens).
    """
    named = {key_of_synonym(m.group(0)) for m in KEY_PATTERN.finditer(text)}
    projects = {e.name for e in report.projects if e.name and e.name in text}
    mentioned = set(digits_of(text))
    parts: dict[str, list[str]] = {}
    for fact in report.facts:
        if fact.source != "table" or fact.quantity.value is None:
            continue
        project = fact.part.startswith("项目")
        of_project = project and any(name in fact.part for name in projects)
        by_name = fact.key in named and (not project or of_project)
        # A 0 or a single digit appears in almost any text: it does not make a fact relevant.
        specific = significant_digits(fact.quantity.value) >= 2 and fmt(fact.quantity.value) in mentioned
        if by_name or specific:
            entries = parts.setdefault(masker(fact.part or "其他表格"), [])
            entry = masker(fact_entry(fact, report.year))
            if entry not in entries:
                entries.append(entry)
    if not parts:
        return "（没有与这段文字有关的表格数据）"
    return "\n".join(f"{part}：{'；'.join(entries)}" for part, entries in parts.items())


def plan(document: Document, report: Report, budget: int) -> tuple[list[PlannedRequest], TokenCounts]:
    """The requests for a document, masked; with what they cost (document-text tokens, chunks, requests, paragraphs left out)."""
    masker = Masker(document_texts(document))
    sent, left_out = selected(passages(document, report))
    chunks = chunks_of(sent, budget, masker)
    prompt = get_prompt(TASK)
    format_tokens = count_tokens(schema_instruction(prompt.schema_model))
    requests: list[PlannedRequest] = []
    for chunk in chunks:
        system, user = prompt.render(
            {
                "quantity_keys": "、".join(QUANTITY_KEYS),
                "unit": masker(report.unit or "未识别"),
                "year": str(report.year or "未识别"),
                "facts_table": facts_table(report, chunk.text, masker),
                "section_text": chunk.text,
            }
        )
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        requests.append(
            PlannedRequest(
                prompt_id=prompt.id,
                prompt_version=prompt.version,
                chunk=chunk.title,
                messages=messages,
                tokens=count_messages(messages),
                format_tokens=format_tokens,
            )
        )
    counts = TokenCounts(
        document_tokens=sum(count_tokens(c.text) for c in chunks),
        left_out=left_out,
        chunks=len(chunks),
        planned_requests=len(requests),
        planned_input_tokens=sum(r.tokens + r.format_tokens for r in requests),
    )
    return requests, counts


def document_texts(document: Document) -> list[str]:
    """Every paragraph and cell text in order (for learning the names to mask)."""
    texts: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        else:
            texts.extend(cell.text for row in block.rows for cell in row)
    return texts


def run_llm_stage(document: Document, report: Report, config: LLMConfig, dry_run: bool = False) -> LLMStageResult:
    """Ask the model about every chunk of the narrative; its answers, unverified, with notes and token counts."""
    requests, counts = plan(document, report, config.token_budget)
    if dry_run:
        return LLMStageResult(token_counts=counts, dry_run_messages=requests, notes=["大模型预演：只列出将要发送的内容，未发送任何请求"])
    if not config.configured:
        return LLMStageResult(token_counts=counts, notes=["未配置大模型，跳过文字审阅"])
    notes: list[str] = []
    cache = None
    if config.cache_dir is not None:
        try:
            cache = ResponseCache(config.cache_dir)
        except OSError as exc:
            notes.append(f"无法使用缓存目录 {config.cache_dir}（{exc.strerror}），本次不缓存")
    client = LLMClient(config, cache)
    outcomes = ask_all(client, requests, config.concurrency)
    result = LLMStageResult(token_counts=counts)
    failures: list[str] = []
    for request, outcome in zip(requests, outcomes):
        if isinstance(outcome, LLMError):
            failures.append(f"{request.chunk}：{outcome}")
            continue
        counts.requests_sent += outcome.requests
        counts.cache_hits += int(outcome.cached)
        counts.input_tokens += outcome.input_tokens
        counts.output_tokens += outcome.output_tokens
        assert isinstance(outcome.data, Reading)
        result.claims.extend(outcome.data.claims)
        result.suspicions.extend(outcome.data.suspicions)
    result.failed = len(failures)
    if failures:
        notes.append(f"大模型有 {len(failures)}/{len(requests)} 个请求失败，{INCOMPLETE_NOTE}。首个错误：{failures[0]}")
    notes.append(
        f"大模型文字审阅（{config.model}）：{len(requests)} 个请求，发送 {counts.requests_sent} 次，"
        f"{counts.cache_hits} 个来自缓存；输入约 {counts.input_tokens} tokens，输出约 {counts.output_tokens} tokens；"
        f"摘录陈述 {len(result.claims)} 条、疑点 {len(result.suspicions)} 条"
    )
    result.notes = notes
    return result


def ask_all(client: LLMClient, requests: list[PlannedRequest], concurrency: int) -> list[Answer | LLMError]:
    """Ask every request with at most ``concurrency`` in flight; results in request order."""

    def ask(request: PlannedRequest) -> Answer | LLMError:
        prompt: Prompt = get_prompt(request.prompt_id)
        try:
            return client.ask(prompt, request.messages)
        except LLMError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(ask, requests))


def render_dry_run(result: LLMStageResult, path: str = "") -> str:
    """The dry run as text: every message that would be sent, with token counts."""
    lines: list[str] = []
    counts = result.token_counts
    lines.append(f"# 大模型预演{('：' + path) if path else ''}")
    lines.append(
        f"# {counts.planned_requests} 个请求，{counts.chunks} 段文字（正文约 {counts.document_tokens} tokens），"
        f"输入合计约 {counts.planned_input_tokens} tokens（o200k_base 估算，含输出格式约 "
        f"{sum(r.format_tokens for r in result.dry_run_messages)} tokens）"
    )
    if counts.left_out:
        lines.append(f"# 另有 {counts.left_out} 段文字未发送：没有数字、量名或否认、合规的说法（无可核对的内容），或是签署栏、重复段落")
    for number, request in enumerate(result.dry_run_messages, 1):
        lines.append("")
        lines.append(
            f"===== 请求 {number}/{len(result.dry_run_messages)}：{request.prompt_id} v{request.prompt_version}"
            f"｜{request.chunk}｜约 {request.tokens} tokens（另加输出格式 {request.format_tokens}）====="
        )
        for message in request.messages:
            lines.append(f"--- {message['role']} ---")
            lines.append(message["content"])
    return "\n".join(lines) + "\n"
