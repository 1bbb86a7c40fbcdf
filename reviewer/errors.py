"""Errors that reach the user as one clear line instead of a traceback."""


class InputError(Exception):
    """A file that cannot be read as a report: names the file and the problem."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ConfigError(Exception):
    """A configuration that cannot be used (bad reviewer.toml, missing LLM settings)."""
