"""Errors a person acts on.

`UserError` is the one exception type that crosses from the library into the CLI and the web
app. Its message says what happened *and what to do*, in words meant for the person at the
keyboard; `code` is a stable identifier that scripts and translations can key on; `cause` is the
technical detail, which goes to the log only (and never holds personal data).
"""

from __future__ import annotations

# Exit statuses used by the CLI. 2 is also what click uses for usage errors, so every
# "your input was wrong, nothing was written" case shares one status.
EXIT_FAILURE = 1
EXIT_INVALID_INPUT = 2


class UserError(Exception):
    """Something the user can fix; `message` says how."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, code: str = "error", cause: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.cause = cause


class InvalidInput(UserError):
    """A value given on the command line or in a form is malformed; nothing was written."""

    exit_code = EXIT_INVALID_INPUT

    def __init__(self, message: str, *, code: str = "invalid_input", cause: str | None = None):
        super().__init__(message, code=code, cause=cause)


class NotFound(UserError):
    """The thing asked for does not exist (or the asker may not see it, which looks the same)."""

    def __init__(self, message: str, *, code: str = "not_found") -> None:
        super().__init__(message, code=code)


class KeyProblem(UserError):
    """The data key is missing, wrong, or unreadable: refuse rather than return garbage."""

    def __init__(self, message: str, *, code: str = "key_error", cause: str | None = None):
        super().__init__(message, code=code, cause=cause)
