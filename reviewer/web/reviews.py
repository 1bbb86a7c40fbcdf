"""Pages of single reviews: paste or upload, the result with its decisions, re-review, downloads, history."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from reviewer.errors import InputError
from reviewer.render.html import render_html_body
from reviewer.web.context import DOWNLOADS, FormRejected, WebContext, content_disposition
from reviewer.web.history import NOTE_LIMIT, TooLargeToKeep, decision_counts
from reviewer.web.jobs import llm_preview, review_upload
from reviewer.web.store import ReviewRecord
from reviewer.web.uploads import Upload, accepted_suffixes

log = logging.getLogger("reviewer.web")
MAX_FILES_HOME = 20
PAGE_SIZE = 50
WHO_COOKIE = "reviewer_who"


def review_routes(ctx: WebContext) -> APIRouter:
    """The routes of single reviews, working on ``ctx``'s stores."""
    router = APIRouter()
    settings, history = ctx.settings, ctx.history

    async def attempt(upload: Upload, with_llm: bool, parent: ReviewRecord | None = None) -> ReviewRecord | str:
        """Review and store one upload; the Chinese reason instead when it cannot be reviewed or kept."""

        def work() -> ReviewRecord:
            """Review and store (runs in a worker thread)."""
            review, document = review_upload(upload, ctx.rule_settings, ctx.llm if with_llm else None)
            return history.add(upload, review, document, parent=parent, llm=with_llm)

        try:
            return await run_in_threadpool(work)
        except InputError as exc:
            return f"「{exc.path}」无法审阅：{exc.problem}"
        except TooLargeToKeep as exc:
            return str(exc)
        except Exception as exc:  # a reader or rule bug on one file must not cost the user the page
            log.exception("reviewing %s failed", upload.name)
            return f"「{upload.name}」审阅时发生内部错误（{type(exc).__name__}），已记录日志；请确认文件能正常打开，或反馈给维护人员"

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        """The paste-or-upload form."""
        return ctx.home_page(request)

    @router.post("/review", response_class=HTMLResponse)
    async def review_post(request: Request) -> Response:
        """Review pasted text and uploaded files; one result redirects to its page."""
        form = await ctx.read_form(request, MAX_FILES_HOME)
        files, errors = await ctx.files_of(form, "files", settings.max_upload_bytes)
        text = ctx.pasted(form)
        inputs = ([text] if text else []) + files
        keep = ctx.kept(form)
        if not inputs:
            errors = errors or ["请粘贴报告文字，或选择要上传的文件"]
            return ctx.home_page(request, 400, errors=errors, **keep)
        done = []
        for upload in inputs:
            outcome = await attempt(upload, ctx.use_llm(form))
            if isinstance(outcome, str):
                errors.append(outcome)
            else:
                done.append(outcome)
        if len(done) == 1 and not errors:
            return RedirectResponse(f"/reviews/{done[0].key}", status_code=303)
        if not done:
            return ctx.home_page(request, 400, errors=errors, **keep)
        return ctx.home_page(request, errors=errors, done=done)

    @router.post("/llm/preview", response_class=HTMLResponse)
    async def preview(request: Request) -> Response:
        """Show what the LLM stage would send for the first input, sending nothing."""
        if ctx.llm is None:
            raise HTTPException(404)
        form = await ctx.read_form(request, MAX_FILES_HOME)
        files, errors = await ctx.files_of(form, "files", settings.max_upload_bytes)
        text = ctx.pasted(form)
        upload = text or (files[0] if files else None)
        keep = ctx.kept(form)
        if upload is None:
            return ctx.home_page(request, 400, errors=errors or ["请粘贴报告文字，或选择要上传的文件"], **keep)
        try:
            result = await run_in_threadpool(llm_preview, upload, ctx.llm)
        except InputError as exc:
            return ctx.home_page(request, 400, errors=[f"「{exc.path}」无法审阅：{exc.problem}"], **keep)
        return ctx.page(request, "preview.html", name=upload.name, result=result)

    def result_page(request: Request, record: ReviewRecord, status: int = 200, errors: list[str] | None = None) -> HTMLResponse:
        """The result page of a review (with errors when a re-review failed)."""
        review = record.review()
        comparison = history.comparison(record, review)
        views = history.views(record, review, comparison)
        fragment = Markup(render_html_body(review, history.document(record), "rv"))  # escaped by the renderer
        return ctx.page(
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

    @router.get("/reviews/{key}", response_class=HTMLResponse)
    def result(request: Request, key: str) -> HTMLResponse:
        """The marked-up report, the findings and their dispositions."""
        return result_page(request, ctx.record_or_404(key))

    def dispose_work(key: str, finding_id: str, action: str, note: str, who: str):
        """Store a disposition; return all views and the changed one."""
        record = ctx.record_or_404(key)
        review = record.review()
        finding = next((f for f in review.findings if f.id == finding_id), None)
        if finding is None:
            raise HTTPException(404)
        history.dispose(record, finding, action, note, who)
        views = history.views(record, review, history.comparison(record, review))
        return views, next(v for v in views if v.finding.id == finding_id)

    @router.post("/reviews/{key}/findings/{finding_id}")
    async def dispose(request: Request, key: str, finding_id: str) -> Response:
        """Confirm, dismiss or reset one finding; JSON for the page script, else back to the page."""
        form = await ctx.read_form(request, 0)
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

    @router.post("/reviews/{key}/rereview", response_class=HTMLResponse)
    async def rereview(request: Request, key: str) -> Response:
        """Review a corrected version against this one."""
        parent = await run_in_threadpool(ctx.record_or_404, key)
        form = await ctx.read_form(request, 1)
        files, errors = await ctx.files_of(form, "files", settings.max_upload_bytes)
        text = ctx.pasted(form)
        upload = files[0] if files else text
        if upload is None:
            errors = errors or ["请选择修改后的文件，或粘贴修改后的文字"]
            return await run_in_threadpool(result_page, request, parent, 400, errors)
        outcome = await attempt(upload, ctx.use_llm(form), parent=parent)
        if isinstance(outcome, str):
            return await run_in_threadpool(result_page, request, parent, 400, [outcome])
        return RedirectResponse(f"/reviews/{outcome.key}", status_code=303)

    def download_bytes(record: ReviewRecord, fmt: str) -> bytes:
        """One download of a review: the Excel working list with every finding and its 处置状态, the others without the dismissed findings."""
        review = record.review()
        views = history.views(record, review)
        document = history.document(record)
        if fmt == "xlsx":
            from reviewer.render.xlsx import Decision, render_xlsx

            named = dataclasses.replace(review, document=dataclasses.replace(review.document, path=record.name))
            decisions = {v.finding.id: Decision(v.status, v.note, v.who) for v in views}
            return render_xlsx([(named, document)], decisions)
        dismissed = {v.finding.id for v in views if v.status == "dismissed"}
        notes = list(review.notes)
        if dismissed:
            notes.append(f"已忽略 {len(dismissed)} 条问题（审阅人判断无需修改），未列入本文件")
        shown = dataclasses.replace(review, findings=[f for f in review.findings if f.id not in dismissed], notes=notes)
        if fmt == "docx":
            from reviewer.render.docx import render_docx

            return render_docx(shown, document, history.source_bytes(record))
        if fmt == "json":
            from reviewer.render.json import render_json

            return render_json([shown], single=True, documents=[document]).encode("utf-8")
        from reviewer.render.markdown import render_markdown

        return render_markdown(shown, document).encode("utf-8")

    @router.get("/reviews/{key}/download/{fmt}")
    def download(key: str, fmt: str) -> Response:
        """Download the review as docx, xlsx, json or md."""
        if fmt not in DOWNLOADS:
            raise HTTPException(404)
        record = ctx.record_or_404(key)
        data = download_bytes(record, fmt)
        filename = f"{PurePosixPath(record.name).stem}.审阅.{fmt}"
        headers = {"Content-Disposition": content_disposition(filename, f"review-{record.key}.{fmt}")}
        return Response(data, media_type=DOWNLOADS[fmt][0], headers=headers)

    @router.get("/history", response_class=HTMLResponse)
    def history_page(request: Request, q: str = "", page_no: int = 1) -> HTMLResponse:
        """Past reviews, newest first, searchable by name or unit."""
        page_no = max(page_no, 1)
        rows, total = history.listing(q.strip(), PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        return ctx.page(request, "history.html", rows=rows, total=total, q=q, page_no=page_no, pages=pages)

    return router
