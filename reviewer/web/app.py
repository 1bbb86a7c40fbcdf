"""The FastAPI application: settings and stores, housekeeping, error pages; the pages are in reviews.py and batches.py.

Pages are rendered on the server with Jinja2 (autoescape on: every user
string is escaped); the review markup comes from render/html.py, which
escapes its own content. Scripts are files, never inline, so the Content
Security Policy can forbid inline script.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool

from reviewer import __version__
from reviewer.config import Config, load_config, rules_settings
from reviewer.errors import ConfigError
from reviewer.finding import SEVERITY_LABELS
from reviewer.render.html import html_assets
from reviewer.render.layout import category_label
from reviewer.web.batches import batch_routes
from reviewer.web.context import FormRejected, WebContext, localtime
from reviewer.web.guard import FORM_OVERHEAD, Guard, TooLarge, megabytes
from reviewer.web.history import NOTE_LIMIT, History
from reviewer.web.jobs import BatchRunner
from reviewer.web.reviews import review_routes
from reviewer.web.settings import LOOPBACK_HOSTS, WebSettings, web_settings
from reviewer.web.store import open_database, safe_url
from reviewer.web.uploads import UploadStore

HERE = Path(__file__).parent
log = logging.getLogger("reviewer.web")


def create_app(settings: WebSettings | None = None, config: Config | None = None) -> FastAPI:
    """Build the web app; the database schema is created (or migrated) here. ConfigError when it cannot."""
    if config is None:
        config = load_config()
    if settings is None:
        settings = web_settings(config.section("web"), origin=str(config.path or "环境变量"))
    sessions = open_database(settings.url)
    uploads = UploadStore(settings.uploads_dir, settings.retention_hours)
    history = History(
        sessions, uploads, settings.baseline_path(config.path), settings.max_review_bytes, settings.max_history_bytes
    )
    rule_settings = rules_settings(config)
    runner = BatchRunner(sessions, history, rule_settings, settings.data_dir / "work")
    llm = config.llm if config.llm.configured and _llm_stage_present() else None

    def housekeeping() -> None:
        """Delete expired uploads, staged files no batch uses, and the oldest reviews past the history budget."""
        uploads.purge()
        runner.purge_staged()
        history.trim()

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
        """Purge and close interrupted batches on start, purge on a timer; finish the running batch on stop."""
        uploads.purge()
        runner.recover()
        history.trim()
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
    ctx = WebContext(settings, history, runner, rule_settings, llm, Jinja2Templates(env=env))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    review_css, review_js = html_assets()

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> HTMLResponse:
        """A request body over the limit."""
        message = f"上传内容超过 {megabytes(exc.limit - FORM_OVERHEAD)} MB 上限，请减少文件或分批上传"
        return ctx.page(request, "error.html", 413, title="上传内容过大", message=message)

    @app.exception_handler(FormRejected)
    async def form_rejected(request: Request, exc: FormRejected) -> HTMLResponse:
        """A form that could not be read."""
        return ctx.page(request, "error.html", 400, title="无法读取提交的内容", message=str(exc))

    @app.exception_handler(ConfigError)
    async def config_error(request: Request, exc: ConfigError) -> HTMLResponse:
        """A configuration problem met while serving (e.g. a broken baseline file)."""
        return ctx.page(request, "error.html", 500, title="配置错误", message=str(exc))

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> HTMLResponse:
        """Unknown page or record."""
        return ctx.page(request, "error.html", 404, title="页面不存在", message="找不到这个页面或审阅记录（可能地址有误）。")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> HTMLResponse:
        """Anything unexpected: logged, and a page instead of a traceback."""
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return ctx.page(request, "error.html", 500, title="服务器内部错误", message="处理请求时出错，已记录日志；请稍后重试或联系维护人员。")

    app.include_router(review_routes(ctx))
    app.include_router(batch_routes(ctx))

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
