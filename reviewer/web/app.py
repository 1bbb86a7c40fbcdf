"""The FastAPI application: pages for pasting or uploading reports, results, history and batches.

Pages are rendered on the server with Jinja2 (autoescape on: every user
string is escaped); the review markup comes from render/html.py, which
escapes its own content. Scripts are files, never inline, so the Content
Security Policy can forbid inline script.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from reviewer import __version__
from reviewer.config import Config, load_config, rules_settings
from reviewer.errors import ConfigError, InputError
from reviewer.finding import SEVERITY_LABELS
from reviewer.render.html import html_assets, render_html_body
from reviewer.render.layout import category_label
from reviewer.web.guard import FORM_OVERHEAD, Guard, TooLarge, megabytes
from reviewer.web.history import NOTE_LIMIT, History, decision_counts
from reviewer.web.jobs import BatchRunner, llm_preview, review_upload
from reviewer.web.settings import LOOPBACK_HOSTS, WebSettings, web_settings
from reviewer.web.store import ReviewRecord, open_database, safe_url
from reviewer.web.uploads import (
    PASTED_NAME,
    Upload,
    UploadRejected,
    UploadStore,
    accepted_suffixes,
    check_content,
    display_name,
    suffix_of,
    unpack_zip,
)

HERE = Path(__file__).parent
log = logging.getLogger("reviewer.web")
MAX_FILES_HOME = 20
MAX_FILES_BATCH = 500
PAGE_SIZE = 50
WHO_COOKIE = "reviewer_who"
DOWNLOADS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word（带批注）"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 问题清单"),
    "json": ("application/json", "JSON"),
    "md": ("text/markdown; charset=utf-8", "Markdown"),
}


class FormRejected(Exception):
    """A form that cannot be read: the message is shown on the page."""


def localtime(value: datetime | None) -> str:
    """A stored UTC time as local 'YYYY-MM-DD HH:MM'."""
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def create_app(settings: WebSettings | None = None, config: Config | None = None) -> FastAPI:
    """Build the web app; the database schema is created (or migrated) here."""
    if config is None:
        config = load_config()
    if settings is None:
        settings = web_settings(config.section("web"), origin=str(config.path or "环境变量"))
    sessions = open_database(settings.url)
    uploads = UploadStore(settings.uploads_dir, settings.retention_hours)
    history = History(sessions, uploads, settings.baseline_path(config.path))
    rule_settings = rules_settings(config)
    runner = BatchRunner(sessions, history, rule_settings, settings.data_dir / "work")
    llm = config.llm if config.llm.configured and _llm_stage_present() else None

    def housekeeping() -> None:
        """Delete expired uploads and staged files no batch uses."""
        uploads.purge()
        runner.purge_staged()

    async def purge_timer() -> None:
        """Run the housekeeping every ``purge_minutes``, so files go on time even when nobody uploads."""
        while True:
            await asyncio.sleep(settings.purge_minutes * 60)
            try:
                await run_in_threadpool(housekeeping)
            except OSError:  # a folder briefly unavailable: the next round tries again
                log.exception("purging old files failed")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        """Purge expired uploads and close interrupted batches on start, purge on a timer; finish the running batch on stop."""
        uploads.purge()
        runner.recover()
        timer = asyncio.create_task(purge_timer())
        yield
        timer.cancel()
        runner.shutdown()

    app = FastAPI(title="绩效自评报告审阅", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.settings, app.state.history, app.state.runner = settings, history, runner
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["localtime"] = localtime
    env.globals.update(
        version=__version__,
        severity_labels=SEVERITY_LABELS,
        category_label=category_label,
        max_upload_mb=megabytes(settings.max_upload_bytes),
        max_batch_mb=megabytes(settings.max_batch_bytes),
        retention_text=(
            f"上传的文件保留 {settings.retention_hours:g} 小时后自动删除" if settings.retention_hours > 0 else "上传的文件审阅后即删除"
        ),
        llm=llm,
        note_limit=NOTE_LIMIT,
    )
    templates = Jinja2Templates(env=env)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    review_css, review_js = html_assets()

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        """Render a template."""
        return templates.TemplateResponse(request, template, context, status_code=status)

    def home_page(request: Request, status: int = 200, **context) -> HTMLResponse:
        """The home page, with errors, finished reviews and the user's text as given."""
        context.setdefault("errors", [])
        context.setdefault("done", [])
        return page(request, "home.html", status, accepted=" ".join(accepted_suffixes()), **context)

    async def read_form(request: Request, max_files: int) -> FormData:
        """The posted form; FormRejected with a Chinese reason when it is too big or malformed."""
        limit = request.scope.get("reviewer.too_large")
        if limit:
            raise TooLarge(limit)
        try:
            return await request.form(max_files=max_files, max_fields=50, max_part_size=settings.max_upload_bytes)
        except StarletteHTTPException as exc:  # what Starlette raises for a multipart limit
            detail = str(exc.detail)
            if "Too many files" in detail:
                raise FormRejected(f"一次最多上传 {max_files} 个文件，更多文件请打包为 .zip 后在“批量审阅”上传") from exc
            if "exceeded maximum size" in detail:
                raise FormRejected(f"粘贴的文字超过 {megabytes(settings.max_upload_bytes)} MB 上限") from exc
            raise FormRejected("表单内容无法读取，请重新提交") from exc

    async def files_of(form: FormData, field: str, limit: int) -> tuple[list[Upload], list[str]]:
        """The uploaded files of one field, read up to ``limit`` and checked by content; and the refusals."""
        found, errors = [], []
        for value in form.getlist(field):
            if not isinstance(value, UploadFile) or not value.filename:
                continue  # a file input left empty
            name = display_name(value.filename)
            data = await value.read(limit + 1)
            if len(data) > limit:
                errors.append(f"「{name}」超过 {megabytes(limit)} MB 上限")
                continue
            upload = Upload(name=name, suffix=suffix_of(name), data=data)
            try:
                check_content(upload)
            except UploadRejected as exc:
                errors.append(str(exc))
                continue
            found.append(upload)
        return found, errors

    def pasted(form: FormData) -> Upload | None:
        """The pasted text as an upload, or None when the textarea is empty."""
        text = str(form.get("text") or "")
        if not text.strip():
            return None
        name = display_name(str(form.get("name") or ""), PASTED_NAME)
        return Upload(name=name, suffix=".txt", data=text.encode("utf-8"), pasted=True)

    def kept(form: FormData) -> dict[str, str]:
        """What the user typed, to show again with an error."""
        return {"text": str(form.get("text") or ""), "name": str(form.get("name") or "")}

    def use_llm(form: FormData) -> bool:
        """True when the user switched the LLM stage on and it is available."""
        return llm is not None and form.get("llm") == "on"

    async def attempt(upload: Upload, with_llm: bool, parent: ReviewRecord | None = None) -> ReviewRecord | str:
        """Review and store one upload; the Chinese reason instead when it cannot be reviewed."""

        def work() -> ReviewRecord:
            """Review and store (runs in a worker thread)."""
            review, document = review_upload(upload, rule_settings, llm if with_llm else None)
            return history.add(upload, review, document, parent=parent, llm=with_llm)

        try:
            return await run_in_threadpool(work)
        except InputError as exc:
            return f"「{exc.path}」无法审阅：{exc.problem}"
        except Exception as exc:  # a reader or rule bug on one file must not cost the user the page
            log.exception("reviewing %s failed", upload.name)
            return f"「{upload.name}」审阅时发生内部错误（{type(exc).__name__}），已记录日志；请确认文件能正常打开，或反馈给维护人员"

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> HTMLResponse:
        """A request body over the limit."""
        message = f"上传内容超过 {megabytes(exc.limit - FORM_OVERHEAD)} MB 上限，请减少文件或分批上传"
        return page(request, "error.html", 413, title="上传内容过大", message=message)

    @app.exception_handler(FormRejected)
    async def form_rejected(request: Request, exc: FormRejected) -> HTMLResponse:
        """A form that could not be read."""
        return page(request, "error.html", 400, title="无法读取提交的内容", message=str(exc))

    @app.exception_handler(ConfigError)
    async def config_error(request: Request, exc: ConfigError) -> HTMLResponse:
        """A configuration problem met while serving (e.g. a broken baseline file)."""
        return page(request, "error.html", 500, title="配置错误", message=str(exc))

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> HTMLResponse:
        """Unknown page or record."""
        return page(request, "error.html", 404, title="页面不存在", message="找不到这个页面或审阅记录（可能地址有误）。")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> HTMLResponse:
        """Anything unexpected: logged, and a page instead of a traceback."""
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return page(request, "error.html", 500, title="服务器内部错误", message="处理请求时出错，已记录日志；请稍后重试或联系维护人员。")

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        """The paste-or-upload form."""
        return home_page(request)

    @app.post("/review", response_class=HTMLResponse)
    async def review_post(request: Request) -> Response:
        """Review pasted text and uploaded files; one result redirects to its page."""
        form = await read_form(request, MAX_FILES_HOME)
        files, errors = await files_of(form, "files", settings.max_upload_bytes)
        text = pasted(form)
        inputs = ([text] if text else []) + files
        keep = kept(form)
        if not inputs:
            errors = errors or ["请粘贴报告文字，或选择要上传的文件"]
            return home_page(request, 400, errors=errors, **keep)
        done = []
        for upload in inputs:
            outcome = await attempt(upload, use_llm(form))
            if isinstance(outcome, str):
                errors.append(outcome)
            else:
                done.append(outcome)
        if len(done) == 1 and not errors:
            return RedirectResponse(f"/reviews/{done[0].key}", status_code=303)
        if not done:
            return home_page(request, 400, errors=errors, **keep)
        return home_page(request, errors=errors, done=done)

    @app.post("/llm/preview", response_class=HTMLResponse)
    async def preview(request: Request) -> Response:
        """Show what the LLM stage would send for the first input, sending nothing."""
        if llm is None:
            raise HTTPException(404)
        form = await read_form(request, MAX_FILES_HOME)
        files, errors = await files_of(form, "files", settings.max_upload_bytes)
        text = pasted(form)
        upload = text or (files[0] if files else None)
        keep = kept(form)
        if upload is None:
            return home_page(request, 400, errors=errors or ["请粘贴报告文字，或选择要上传的文件"], **keep)
        try:
            result = await run_in_threadpool(llm_preview, upload, llm)
        except InputError as exc:
            return home_page(request, 400, errors=[f"「{exc.path}」无法审阅：{exc.problem}"], **keep)
        return page(request, "preview.html", name=upload.name, result=result)

    def record_or_404(key: str) -> ReviewRecord:
        """The review with this key, or 404."""
        record = history.get(key)
        if record is None:
            raise HTTPException(404)
        return record

    def result_page(request: Request, record: ReviewRecord, status: int = 200, errors: list[str] | None = None) -> HTMLResponse:
        """The result page of a review (with errors when a re-review failed)."""
        review = record.review()
        comparison = history.comparison(record, review)
        views = history.views(record, review, comparison)
        fragment = Markup(render_html_body(review, record.document(), "rv"))  # escaped by the renderer
        return page(
            request,
            "result.html",
            status,
            record=record,
            review=review,
            fragment=fragment,
            views=views,
            decisions=decision_counts(views),
            comparison=comparison,
            version=history.version(record),
            source_kept=history.source_bytes(record) is not None,
            downloads=DOWNLOADS,
            who=unquote(request.cookies.get(WHO_COOKIE, "")),
            accepted=" ".join(accepted_suffixes()),
            errors=errors or [],
        )

    @app.get("/reviews/{key}", response_class=HTMLResponse)
    def result(request: Request, key: str) -> HTMLResponse:
        """The marked-up report, the findings and their dispositions."""
        return result_page(request, record_or_404(key))

    def dispose_work(key: str, finding_id: str, action: str, note: str, who: str):
        """Store a disposition; return all views and the changed one."""
        record = record_or_404(key)
        review = record.review()
        finding = next((f for f in review.findings if f.id == finding_id), None)
        if finding is None:
            raise HTTPException(404)
        history.dispose(record, finding, action, note, who)
        views = history.views(record, review, history.comparison(record, review))
        return views, next(v for v in views if v.finding.id == finding_id)

    @app.post("/reviews/{key}/findings/{finding_id}")
    async def dispose(request: Request, key: str, finding_id: str) -> Response:
        """Confirm, dismiss or reset one finding; JSON for the page script, else back to the page."""
        form = await read_form(request, 0)
        action = str(form.get("action") or "")
        if action not in ("confirm", "dismiss", "reset"):
            raise FormRejected("未知的处置操作")
        if len(str(form.get("note") or "").strip()) > NOTE_LIMIT:
            raise FormRejected(f"备注超过 {NOTE_LIMIT} 字，请精简后再保存")
        who = str(form.get("who") or "").strip()
        views, view = await run_in_threadpool(dispose_work, key, finding_id, action, str(form.get("note") or ""), who)
        if "application/json" in request.headers.get("accept", ""):
            response: Response = JSONResponse(
                {"status": view.status, "label": view.status_label, "note": view.note, "decisions": decision_counts(views)}
            )
        else:
            response = RedirectResponse(f"/reviews/{key}#{view.key}", status_code=303)
        if who:
            response.set_cookie(WHO_COOKIE, quote(who[:100]), max_age=365 * 86400, httponly=True, samesite="lax")
        return response

    @app.post("/reviews/{key}/rereview", response_class=HTMLResponse)
    async def rereview(request: Request, key: str) -> Response:
        """Review a corrected version against this one."""
        parent = await run_in_threadpool(record_or_404, key)
        form = await read_form(request, 1)
        files, errors = await files_of(form, "files", settings.max_upload_bytes)
        text = pasted(form)
        upload = files[0] if files else text
        if upload is None:
            errors = errors or ["请选择修改后的文件，或粘贴修改后的文字"]
            return await run_in_threadpool(result_page, request, parent, 400, errors)
        outcome = await attempt(upload, use_llm(form), parent=parent)
        if isinstance(outcome, str):
            return await run_in_threadpool(result_page, request, parent, 400, [outcome])
        return RedirectResponse(f"/reviews/{outcome.key}", status_code=303)

    def download_bytes(record: ReviewRecord, fmt: str) -> bytes:
        """One download of a review: the Excel working list with every finding and its 处置状态, the others without the dismissed findings."""
        review = record.review()
        views = history.views(record, review)
        document = record.document()
        if fmt == "xlsx":
            from reviewer.render.xlsx import Decision, render_xlsx

            named = review.model_copy(update={"document": review.document.model_copy(update={"path": record.name})})
            decisions = {v.finding.id: Decision(v.status, v.note, v.who) for v in views}
            return render_xlsx([(named, document)], decisions)
        dismissed = {v.finding.id for v in views if v.status == "dismissed"}
        notes = list(review.notes)
        if dismissed:
            notes.append(f"已忽略 {len(dismissed)} 条问题（审阅人判断无需修改），未列入本文件")
        shown = review.model_copy(update={"findings": [f for f in review.findings if f.id not in dismissed], "notes": notes})
        if fmt == "docx":
            from reviewer.render.docx import render_docx

            return render_docx(shown, document, history.source_bytes(record))
        if fmt == "json":
            from reviewer.render.json import render_json

            return render_json([shown], single=True).encode("utf-8")
        from reviewer.render.markdown import render_markdown

        return render_markdown(shown, document).encode("utf-8")

    @app.get("/reviews/{key}/download/{fmt}")
    def download(key: str, fmt: str) -> Response:
        """Download the review as docx, xlsx, json or md."""
        if fmt not in DOWNLOADS:
            raise HTTPException(404)
        record = record_or_404(key)
        data = download_bytes(record, fmt)
        filename = f"{PurePosixPath(record.name).stem}.审阅.{fmt}"
        headers = {"Content-Disposition": content_disposition(filename, f"review-{record.key}.{fmt}")}
        return Response(data, media_type=DOWNLOADS[fmt][0], headers=headers)

    @app.get("/history", response_class=HTMLResponse)
    def history_page(request: Request, q: str = "", page_no: int = 1) -> HTMLResponse:
        """Past reviews, newest first, searchable by name or unit."""
        page_no = max(page_no, 1)
        rows, total = history.listing(q.strip(), PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        return page(request, "history.html", rows=rows, total=total, q=q, page_no=page_no, pages=pages)

    @app.get("/batch", response_class=HTMLResponse)
    async def batch_form(request: Request) -> HTMLResponse:
        """The batch upload form."""
        return page(request, "batch_new.html", accepted=" ".join(accepted_suffixes()), errors=[])

    @app.post("/batch", response_class=HTMLResponse)
    async def batch_post(request: Request) -> Response:
        """Accept several files or .zip archives and start a batch."""
        form = await read_form(request, MAX_FILES_BATCH)
        refused: list[tuple[str, str]] = []
        uploads: list[Upload] = []
        for value in form.getlist("files"):
            if not isinstance(value, UploadFile) or not value.filename:
                continue
            name = display_name(value.filename)
            is_zip = suffix_of(name) == ".zip"
            limit = settings.max_batch_bytes if is_zip else settings.max_upload_bytes
            data = await value.read(limit + 1)
            upload = Upload(name=name, suffix=suffix_of(name), data=data)
            try:
                if len(data) > limit:
                    raise UploadRejected(f"「{name}」超过 {megabytes(limit)} MB 上限")
                if is_zip:
                    members, skipped = await run_in_threadpool(unpack_zip, upload, settings.max_upload_bytes)
                    refused.extend(skipped)
                else:
                    members = [upload]
            except UploadRejected as exc:
                refused.append((name, str(exc)))
                continue
            for member in members:
                try:
                    check_content(member)
                    uploads.append(member)
                except UploadRejected as exc:
                    refused.append((member.name, str(exc)))
        if not uploads and not refused:
            return page(request, "batch_new.html", 400, accepted=" ".join(accepted_suffixes()),
                        errors=["请选择要审阅的文件或 .zip 压缩包"])
        if not uploads:
            return page(request, "batch_new.html", 400, accepted=" ".join(accepted_suffixes()),
                        errors=[reason for _, reason in refused])
        batch = await run_in_threadpool(runner.start, uploads, refused, llm if use_llm(form) else None)
        return RedirectResponse(f"/batches/{batch.key}", status_code=303)

    def batch_or_404(key: str):
        """The batch with this key and its rows, or 404."""
        found = runner.get(key)
        if found is None:
            raise HTTPException(404)
        return found

    @app.get("/batches/{key}", response_class=HTMLResponse)
    def batch_page(request: Request, key: str) -> HTMLResponse:
        """A batch's progress, then its summary."""
        batch, rows = batch_or_404(key)
        return page(request, "batch.html", batch=batch, rows=rows)

    @app.get("/batches/{key}/progress")
    def batch_progress(key: str) -> JSONResponse:
        """Progress of a batch for the page script."""
        batch, _ = batch_or_404(key)
        return JSONResponse({"total": batch.total, "done": batch.done, "finished": batch.finished_at is not None})

    @app.get("/batches/{key}/download/xlsx")
    def batch_download(key: str) -> Response:
        """The batch summary workbook, as `reviewer batch` writes it."""
        batch, _ = batch_or_404(key)
        if batch.summary_xlsx is None:
            raise HTTPException(404)
        headers = {"Content-Disposition": content_disposition("批量审阅汇总.xlsx", f"batch-{key}.xlsx")}
        return Response(batch.summary_xlsx, media_type=DOWNLOADS["xlsx"][0], headers=headers)

    @app.get("/assets/review.css")
    async def asset_css() -> Response:
        """The html renderer's stylesheet."""
        return Response(review_css, media_type="text/css; charset=utf-8")

    @app.get("/assets/review.js")
    async def asset_js() -> Response:
        """The html renderer's script."""
        return Response(review_js, media_type="text/javascript; charset=utf-8")

    app.add_middleware(Guard, settings=settings)
    return app


def _llm_stage_present() -> bool:
    """True when the LLM stage module is installed with this version."""
    from importlib.util import find_spec

    return find_spec("reviewer.llm.stage") is not None


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the web app with uvicorn (the ``reviewer serve`` command); ConfigError when it cannot start."""
    import sys

    import uvicorn

    config = load_config()
    settings = web_settings(config.section("web"), origin=str(config.path or "环境变量"))
    if host not in LOOPBACK_HOSTS and not settings.hosts:
        # Bound to a network address, the names users type are unknown: say how to restrict them.
        settings = settings.model_copy(update={"hosts": ["*"]})
        print("注意：未配置 [web] hosts，接受任何主机名；请在 reviewer.toml 的 [web] hosts 中列出本机的访问地址", file=sys.stderr)
    baseline = settings.baseline_path(config.path).absolute()
    app = create_app(settings, config)
    print(f"数据库：{safe_url(settings.url)}；上传文件：{settings.uploads_dir}；基线文件：{baseline}", file=sys.stderr)
    if host not in LOOPBACK_HOSTS:
        print(f"注意：网页版在 {host} 上对其他计算机开放，且没有登录功能，请只在可信的内网中使用", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="info")
