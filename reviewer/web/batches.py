"""Pages of batches: the upload of several files or .zip archives, progress, summary and its workbook."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from reviewer.inputs import SKIPPED_PREFIX, Skipped, skipped_lines
from reviewer.web.context import DOWNLOADS, WebContext, content_disposition
from reviewer.web.guard import megabytes
from reviewer.web.uploads import (
    REVIEW_SKIPPED, Upload, UploadRejected, accepted_suffixes, check_content, display_name, suffix_of, unpack_zip,
)

MAX_FILES_BATCH = 500


def batch_routes(ctx: WebContext) -> APIRouter:
    """The routes of batches, working on ``ctx``'s batch runner."""
    router = APIRouter()
    settings, runner = ctx.settings, ctx.runner

    @router.get("/batch", response_class=HTMLResponse)
    async def batch_form(request: Request) -> HTMLResponse:
        """The batch upload form."""
        return ctx.page(request, "batch_new.html", accepted=" ".join(accepted_suffixes()), errors=[])

    @router.post("/batch", response_class=HTMLResponse)
    async def batch_post(request: Request) -> Response:
        """Accept several files or .zip archives and start a batch."""
        form = await ctx.read_form(request, MAX_FILES_BATCH)
        refused: list[tuple[str, str]] = []
        skipped: list[Skipped] = []  # archive members that are not reports, as `reviewer batch` skips them
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
                    members, unpacked_refused, unpacked_skipped = await run_in_threadpool(
                        unpack_zip, upload, settings.max_upload_bytes
                    )
                    refused.extend(unpacked_refused)
                    skipped.extend(unpacked_skipped)
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
        if not uploads:
            errors = [reason for _, reason in refused] + skipped_lines(skipped, REVIEW_SKIPPED) or ["请选择要审阅的文件或 .zip 压缩包"]
            return ctx.page(request, "batch_new.html", 400, accepted=" ".join(accepted_suffixes()), errors=errors)
        batch = await run_in_threadpool(runner.start, uploads, refused, ctx.llm if ctx.use_llm(form) else None, skipped)
        return RedirectResponse(f"/batches/{batch.key}", status_code=303)

    def batch_or_404(key: str):
        """The batch with this key and its rows, or 404."""
        found = runner.get(key)
        if found is None:
            raise HTTPException(404)
        return found

    @router.get("/batches/{key}", response_class=HTMLResponse)
    def batch_page(request: Request, key: str) -> HTMLResponse:
        """A batch's progress, then its summary."""
        batch, rows = batch_or_404(key)
        skipped = [line for line in (batch.summary or "").splitlines() if line.startswith(SKIPPED_PREFIX)]
        return ctx.page(request, "batch.html", batch=batch, rows=rows, skipped=skipped)

    @router.get("/batches/{key}/progress")
    def batch_progress(key: str) -> JSONResponse:
        """Progress of a batch for the page script."""
        batch, _ = batch_or_404(key)
        return JSONResponse({"total": batch.total, "done": batch.done, "finished": batch.finished_at is not None})

    @router.get("/batches/{key}/download/xlsx")
    def batch_download(key: str) -> Response:
        """The batch summary workbook, as `reviewer batch` writes it."""
        batch, _ = batch_or_404(key)
        if batch.summary_xlsx is None:
            raise HTTPException(404)
        headers = {"Content-Disposition": content_disposition("批量审阅汇总.xlsx", f"batch-{key}.xlsx")}
        return Response(batch.summary_xlsx, media_type=DOWNLOADS["xlsx"][0], headers=headers)

    return router
