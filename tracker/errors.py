"""Errors the user can act on: one line, naming the file and what to do."""


class TrackerError(Exception):
    """An error shown to the user as a single line (no traceback)."""


class InputError(TrackerError):
    """A report file that cannot be read as a work report."""

    def __init__(self, path: str, problem: str, hint: str = "") -> None:
        self.path = path
        self.problem = problem
        self.hint = hint
        msg = f"{path}: {problem}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)
