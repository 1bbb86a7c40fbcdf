"""Errors that reach the user as one clear line instead of a traceback."""


class InputError(Exception):
    """A file that cannot be read as a report: names the file and the problem."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ConfigError(Exception):
    """A configuration that cannot be used (bad reviewer.toml, missing LLM settings)."""


def validation_problems(exc, root: str = "根对象", limit: int = 10) -> str:
    """A pydantic ValidationError as one Chinese line: "field: message；…" (at most ``limit`` problems)."""
    return "；".join(f"{'.'.join(map(str, e['loc'])) or root}: {e['msg']}" for e in exc.errors()[:limit])


# Why an output could not be written, by the OSError raised (the system's own text otherwise).
_WRITE_REASONS = (
    (FileNotFoundError, "所在文件夹不存在"),
    (IsADirectoryError, "这是一个文件夹，请给出文件名"),
    (NotADirectoryError, "路径中有一段不是文件夹"),
    (FileExistsError, "已有同名文件，不是文件夹"),
    (PermissionError, "没有写入权限"),
)


def write_problem(exc: OSError) -> str:
    """An output that cannot be written, as one line naming it: "审阅结果/x.docx: 无法写入（所在文件夹不存在）"."""
    reason = next((text for kind, text in _WRITE_REASONS if isinstance(exc, kind)), exc.strerror or str(exc))
    return f"{exc.filename or '输出'}: 无法写入（{reason}）"
