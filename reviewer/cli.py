"""Command line: arguments → pipeline → renderer. Nothing else lives here."""

# No ``from __future__ import annotations`` here: typer reads every command's parameter
# types at each start, and string annotations cost it a compile and eval apiece (half of
# building the commands). Names imported only for type checking are quoted.
import gc
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

# A run builds many small objects and few reference cycles: CPython's default
# collects every 700 allocations, 13% of the time of a 400-table review; at
# 50 000 the collector takes 2%. Set on import, before typer and the readers
# load (the console script imports this module, then calls main()): the
# collections during those imports were 2-3% of a rules-only review of a .docx.
gc.set_threshold(50_000, 20, 20)

import typer  # noqa: E402 - after the collector's threshold

from reviewer import __version__
from reviewer.clihelp import ChineseCommand, ChineseGroup
from reviewer.errors import ConfigError, InputError, write_problem
from reviewer.terminal import error, say, show

if TYPE_CHECKING:
    from reviewer.finding import Review

# Each command imports what it uses, so that --help and a rules-only review load
# neither the LLM client, the web framework nor readers of other formats.

app = typer.Typer(
    cls=ChineseGroup,
    add_completion=False,
    rich_markup_mode=None,  # plain help and usage errors: rich's help renderer alone costs 0.1 s per start
    no_args_is_help=True,
    help="绩效自评报告审阅器：检查部门整体支出绩效自评报告、项目支出绩效自评表和基础数据表。",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    """Output formats of ``review``."""

    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    docx = "docx"
    xlsx = "xlsx"


FORMAT_HELP = "输出格式（默认按 -o 文件的扩展名，如 .html .docx .xlsx .json .md；否则 text）"
# What an output file's extension asks for when --format is not given.
SUFFIX_FORMATS = {
    ".txt": Format.text, ".json": Format.json, ".md": Format.markdown, ".markdown": Format.markdown,
    ".html": Format.html, ".htm": Format.html, ".docx": Format.docx, ".xlsx": Format.xlsx,
}


def output_format(fmt: Optional[Format], output: Optional[Path]) -> Format:
    """The format asked for, else the one the output file's extension names, else text."""
    if fmt is not None:
        return fmt
    return SUFFIX_FORMATS.get(output.suffix.lower(), Format.text) if output is not None else Format.text


class FailOn(str, Enum):
    """Severity at or above which ``review`` exits with 1."""

    error = "error"
    warning = "warning"
    never = "never"


def fail(message: str) -> None:
    """Print one error line and exit 2."""
    from reviewer.render.text import printable

    error(printable(message))
    raise typer.Exit(2)


def exit_code(reviews: "list[Review]", fail_on: FailOn) -> int:
    """0 when no finding reaches ``fail_on``, else 1."""
    from reviewer.finding import SEVERITY_ORDER

    if fail_on == FailOn.never:
        return 0
    limit = SEVERITY_ORDER[fail_on.value]
    return int(any(SEVERITY_ORDER[f.severity] <= limit for r in reviews for f in r.findings))


def _default_output(path: str, suffix: str) -> Path:
    stem = "stdin" if path == "-" else Path(path).stem
    return Path(f"{stem}.审阅{suffix}")


@app.command(cls=ChineseCommand)
def review(
    paths: list[str] = typer.Argument(..., metavar="文件...", help="报告文件（.docx .xlsx .pdf .txt .md），- 表示标准输入"),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", case_sensitive=False, help=FORMAT_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="输出文件（多个输入且格式为 html/docx 时为目录）"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="出现该级别及以上问题时退出码为1"),
    config: Optional[Path] = typer.Option(None, "--config", help="配置文件（默认：输入文件旁或上级目录中的 reviewer.toml）"),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="基线文件（默认：配置文件旁的 reviewer-baseline.json）"),
    llm: bool = typer.Option(False, "--llm", help="用大模型审阅报告文字（未配置大模型时报错）"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不用大模型，只做规则审阅"),
    llm_dry_run: bool = typer.Option(False, "--llm-dry-run", help="只显示将发送给大模型的全部内容及 token 数，不发送、不审阅"),
) -> None:
    """审阅一份或多份报告，列出问题清单。"""
    from reviewer.baseline import suppress
    from reviewer.config import LLM_HINT, choose_llm, load_setup
    from reviewer.pipeline import ReviewOptions, review_path
    from reviewer.pipeline import llm_dry_run as dry_run

    try:
        setup = load_setup(paths, config, baseline)
        endpoint = choose_llm(setup.llm, llm, no_llm)
    except ConfigError as exc:
        fail(str(exc))
    if llm_dry_run:
        for path in paths:
            try:
                sys.stdout.write(dry_run(path, setup.llm))
            except (InputError, ConfigError) as exc:
                fail(str(exc))
        raise typer.Exit(0)
    dismissed = setup.baseline
    options = ReviewOptions(settings=setup.settings, llm=endpoint)
    results = []
    failed = False
    for path in paths:
        try:
            review_, document = review_path(path, options)
        except InputError as exc:
            from reviewer.render.text import printable

            error(printable(str(exc)))
            failed = True
            continue
        except ConfigError as exc:
            fail(str(exc))
        results.append((suppress(review_, dismissed), document, path))
    if results:
        try:
            _write(results, output_format(fmt, output), output, single=len(paths) == 1)
        except OSError as exc:
            fail(write_problem(exc))
        if not setup.llm.configured and not no_llm:
            say(LLM_HINT)
    if failed:
        raise typer.Exit(2)
    raise typer.Exit(exit_code([r for r, _, _ in results], fail_on))


def _source_bytes(path: str) -> bytes | None:
    return None if path == "-" else Path(path).read_bytes()


def _write(results: list, fmt: Format, output: Optional[Path], single: bool) -> None:
    reviews = [r for r, _, _ in results]
    if fmt == Format.text:
        from reviewer.render.text import render_plain, render_text

        if output:
            output.write_text("\n".join(render_plain(r, d) for r, d, _ in results), encoding="utf-8")
            return
        lines = []
        for i, (r, d, _) in enumerate(results):
            lines += [("", None)] * bool(i) + render_text(r, d)
        show(lines)
        return
    if fmt == Format.json:
        from reviewer.render.json import render_json

        _emit(render_json(reviews, single=single, documents=[d for _, d, _ in results]), output)
        return
    if fmt == Format.markdown:
        from reviewer.render.markdown import render_markdown

        _emit("\n".join(render_markdown(r, d) for r, d, _ in results), output)
        return
    if fmt == Format.xlsx:
        from reviewer.render.xlsx import render_xlsx

        target = output or Path("审阅结果.xlsx")
        target.write_bytes(render_xlsx([(r, d) for r, d, _ in results]))
        say(f"已写入 {target}")
        return
    from reviewer.render.docx import render_docx
    from reviewer.render.html import render_html

    render = render_html if fmt == Format.html else render_docx
    suffix = f".{fmt.value}"
    for review_, document, path in results:
        if single:
            target = output or _default_output(path, suffix)
        else:
            folder = output or Path(".")
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / _default_output(path, suffix)
        data = render(review_, document, _source_bytes(path))
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        else:
            target.write_bytes(data)
        say(f"已写入 {target}")


def _emit(text: str, output: Optional[Path]) -> None:
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command(cls=ChineseCommand)
def verify(
    path: str = typer.Argument(..., metavar="文件", help="报告文件，- 表示标准输入"),
    candidates: Path = typer.Option(..., "--candidates", help="候选问题 JSON 文件（格式见 docs/llm.md 与 docs/candidates.schema.json）"),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", case_sensitive=False, help=FORMAT_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="输出文件"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="出现该级别及以上问题时退出码为1"),
) -> None:
    """核验其他模型或人员给出的候选问题：引文是否在原文中、数字是否有据、算式是否成立。"""
    from reviewer.pipeline import verify_path

    try:
        review_, document = verify_path(path, candidates)
    except InputError as exc:
        fail(str(exc))
    _write([(review_, document, path)], output_format(fmt, output), output, single=True)
    raise typer.Exit(exit_code([review_], fail_on))


@app.command(cls=ChineseCommand)
def batch(
    inputs: list[str] = typer.Argument(..., metavar="输入...", help="报告文件、目录（含子目录）、通配符或 .zip 压缩包"),
    out: Path = typer.Option(..., "--out", "-o", help="结果目录（每份报告的审阅结果、summary.json、summary.xlsx 和缓存）"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="并行进程数（默认：CPU 核数，最多 8；用大模型时不超过其并发数）"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="任一报告出现该级别及以上问题时退出码为1"),
    formats: str = typer.Option("", "--formats", help="每份报告的输出格式，逗号分隔：json,html,docx,markdown,text（默认 json,html，.docx 报告另加 docx）"),
    config: Optional[Path] = typer.Option(None, "--config", help="配置文件（默认：输入旁或上级目录中的 reviewer.toml）"),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="基线文件（默认：配置文件旁的 reviewer-baseline.json）"),
    llm: bool = typer.Option(False, "--llm", help="用大模型审阅报告文字（未配置大模型时报错）"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不用大模型，只做规则审阅"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0, help="每份报告的审阅时限（秒），超时的记为失败；0 表示不限（默认 300，用大模型时 1800）"),
    memory_limit: Optional[int] = typer.Option(None, "--memory-limit", min=0, metavar="MB", help="每个审阅进程的内存上限（MB），超出的报告记为失败；0 表示不限（默认 2048）"),
) -> None:
    """批量审阅（发布前把关）：并行审阅、跨报告比对、汇总表；再次运行只审阅有改动的文件。"""
    from reviewer.batch import BatchOptions, default_jobs, parse_formats, run_batch
    from reviewer.batch_result import report_lines
    from reviewer.config import LLM_HINT, choose_llm, load_setup
    from reviewer.progress import on_stderr

    try:
        setup = load_setup(inputs, config, baseline)
        chosen = parse_formats(formats)
        endpoint = choose_llm(setup.llm, llm, no_llm)
    except (ConfigError, ValueError) as exc:
        fail(str(exc))
    options = BatchOptions(
        settings=setup.settings,
        formats=chosen,
        jobs=jobs or default_jobs(),
        baseline=setup.baseline,
        llm=endpoint,
        timeout=timeout,
        memory_limit=memory_limit,
    )
    try:
        with on_stderr() as bar:
            result = run_batch(inputs, out, options, bar)
    except KeyboardInterrupt:
        say("已中断。已完成的审阅结果保存在缓存中，重新运行同一命令会从中断处继续。")
        raise typer.Exit(130) from None
    except ConfigError as exc:
        fail(str(exc))
    except OSError as exc:  # the results folder (each input's own problem is its line in the batch)
        fail(write_problem(exc))
    hint = [LLM_HINT] if not setup.llm.configured and not no_llm else []
    for line in report_lines(result, hint):
        say(line)
    raise typer.Exit(result.exit_code(fail_on.value))


@app.command("baseline", cls=ChineseCommand)
def baseline_command(
    inputs: list[str] = typer.Argument(..., metavar="输入...", help="报告文件、目录、通配符或 .zip 压缩包"),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="基线文件（默认：配置文件旁的 reviewer-baseline.json）"),
    note: str = typer.Option("存量问题，建立基线时确认", "--note", help="写入每条记录的说明"),
    config: Optional[Path] = typer.Option(None, "--config", help="配置文件（默认：输入旁或上级目录中的 reviewer.toml）"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="并行进程数（默认：CPU 核数，最多 8）"),
) -> None:
    """把当前全部问题记入基线文件：之后的 review 和 batch 不再报告这些问题（内容或位置改变时重新报告）。"""
    from reviewer.batch import BatchOptions, default_jobs, run_batch
    from reviewer.batch_result import record_baseline, report_lines
    from reviewer.config import load_setup
    from reviewer.progress import on_stderr

    try:
        setup = load_setup(inputs, config, baseline)
        settings, dismissed = setup.settings, setup.baseline
    except ConfigError as exc:
        fail(str(exc))
    with on_stderr() as bar:
        result = run_batch(inputs, None, BatchOptions(settings=settings, jobs=jobs or default_jobs()), bar)
    added = record_baseline(result, dismissed, note)
    dismissed.save()
    for line in report_lines(result):
        say(line)
    say(f"已将 {added} 个问题写入基线文件 {dismissed.path}（共 {len(dismissed.entries)} 条）")
    raise typer.Exit(2 if result.failed else 0)


class ExtractFormat(str, Enum):
    """Output formats of ``extract``."""

    text = "text"
    json = "json"


@app.command(cls=ChineseCommand)
def extract(
    path: str = typer.Argument(..., metavar="文件", help="报告文件，- 表示标准输入"),
    fmt: ExtractFormat = typer.Option(ExtractFormat.text, "--format", "-f", help="输出格式"),
) -> None:
    """显示从报告中识别出的内容（表格、指标、章节、数据），用于核对识别是否正确。"""
    from reviewer.extract import extract as build_report
    from reviewer.ingest import load
    from reviewer.render.report import render_report_text

    try:
        report = build_report(load(path))
    except InputError as exc:
        fail(str(exc))
    if fmt == ExtractFormat.json:
        sys.stdout.write(report.to_json() + "\n")
    else:
        sys.stdout.write(render_report_text(report))


@app.command(cls=ChineseCommand)
def rules(
    codes: Optional[list[str]] = typer.Argument(None, metavar="[规则代码]", help="只看这些规则的完整说明，如 SUM005"),
    markdown: bool = typer.Option(False, "--markdown", help="输出 docs/rules.md 的内容"),
) -> None:
    """列出全部审阅规则；给出规则代码时显示其完整说明（为什么重要、示例）。"""
    from reviewer.render.rules_doc import render_rule_details, render_rules_markdown, render_rules_text

    if codes:
        try:
            sys.stdout.write(render_rule_details(codes))
        except KeyError as exc:
            fail(exc.args[0])
        return
    sys.stdout.write(render_rules_markdown() if markdown else render_rules_text())


@app.command(cls=ChineseCommand)
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（默认仅本机；内网共用时设为本机内网 IP 或 0.0.0.0）"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="端口"),
) -> None:
    """启动网页版：粘贴或上传报告，查看标注结果，逐条处置，保存历史，批量审阅。"""
    from reviewer.web.app import serve as run_server

    try:
        run_server(host, port)
    except ConfigError as exc:
        fail(str(exc))


def version_callback(value: bool) -> None:
    """Print the version and exit."""
    if value:
        typer.echo(f"reviewer {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True, help="显示版本"),
) -> None:
    """绩效自评报告审阅器。"""


def main() -> None:
    """Console entry point."""
    try:
        app()
    finally:
        # The process ends here. The collector's passes at interpreter exit would walk every
        # object of the run (modules, classes, patterns, the document) only to free memory the
        # operating system takes back anyway: 10-15% of a rules-only review's CPU. Frozen
        # objects are left out of those passes; whatever is not in a reference cycle is still
        # released (files closed) as the interpreter clears its modules.
        gc.freeze()
