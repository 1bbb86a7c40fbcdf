"""What every page of the web app shares: settings, stores, templates, and reading the posted forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from reviewer.config import LLMConfig
from reviewer.rules import Settings
from reviewer.web.guard import TooLarge, megabytes
from reviewer.web.history import History
from reviewer.web.jobs import BatchRunner
from reviewer.web.settings import WebSettings
from reviewer.web.store import ReviewRecord
from reviewer.web.uploads import PASTED_NAME, Upload, UploadRejected, accepted_suffixes, check_content, display_name, suffix_of

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


@dataclass
class WebContext:
    """The app's settings and stores, with the helpers its pages share."""

    settings: WebSettings
    history: History
    runner: BatchRunner
    rule_settings: Settings
    llm: LLMConfig | None  # None: no LLM stage offered
    templates: Jinja2Templates

    def page(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        """Render a template."""
        return self.templates.TemplateResponse(request, template, context, status_code=status)

    def home_page(self, request: Request, status: int = 200, **context) -> HTMLResponse:
        """The home page, with errors, finished reviews and the user's text as given."""
        context.setdefault("errors", [])
        context.setdefault("done", [])
        return self.page(request, "home.html", status, accepted=" ".join(accepted_suffixes()), **context)

    async def read_form(self, request: Request, max_files: int) -> FormData:
        """The posted form; TooLarge past the body limit, FormRejected with a Chinese reason when malformed."""
        limit = request.scope.get("reviewer.too_large")
        if limit:
            raise TooLarge(limit)
        max_bytes = self.settings.max_upload_bytes
        try:
            return await request.form(max_files=max_files, max_fields=50, max_part_size=max_bytes)
        except StarletteHTTPException as exc:  # what Starlette raises for a multipart limit
            detail = str(exc.detail)
            if "Too many files" in detail:
                raise FormRejected(f"一次最多上传 {max_files} 个文件，更多文件请打包为 .zip 后在“批量审阅”上传") from exc
            if "exceeded maximum size" in detail:
                raise FormRejected(f"粘贴的文字超过 {megabytes(max_bytes)} MB 上限") from exc
            raise FormRejected("表单内容无法读取，请重新提交") from exc

    async def files_of(self, form: FormData, field: str, limit: int) -> tuple[list[Upload], list[str]]:
        """The uploaded files of one field, read up to ``limit`` bytes and checked by content; and the refusals."""
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

    @staticmethod
    def pasted(form: FormData) -> Upload | None:
        """The pasted text as an upload, or None when the textarea is empty."""
        text = str(form.get("text") or "")
        if not text.strip():
            return None
        name = display_name(str(form.get("name") or ""), PASTED_NAME)
        return Upload(name=name, suffix=".txt", data=text.encode("utf-8"), pasted=True)

    @staticmethod
    def kept(form: FormData) -> dict[str, str]:
        """What the user typed, to show again with an error."""
        return {"text": str(form.get("text") or ""), "name": str(form.get("name") or "")}

    def use_llm(self, form: FormData) -> bool:
        """True when the user switched the LLM stage on and it is available."""
        return self.llm is not None and form.get("llm") == "on"

    def record_or_404(self, key: str) -> ReviewRecord:
        """The review with this key, or 404."""
        record = self.history.get(key)
        if record is None:
            raise HTTPException(404)
        return record
