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
