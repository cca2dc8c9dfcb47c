"""The ledger's expected failures, each mapped to one CLI exit code (DESIGN.md)."""


class LedgerError(Exception):
    """Base of every expected failure; `exit_code` is the CLI contract's."""

    exit_code = 1

    def __reduce__(self):
        # Subclasses take (rule or field, message): unpickled (from a worker process) as said, not re-initialised.
        return _restored, (type(self), self.args, self.__dict__)


def _restored(kind: type, args: tuple, state: dict) -> LedgerError:
    error = Exception.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class RuleViolation(LedgerError):
    """A command the rules forbid; the message starts with the rule id (`REG-4: ...`)."""

    exit_code = 1

    def __init__(self, rule: str, message: str):
        super().__init__(f"{rule}: {message}")
        self.rule = rule


class BadInput(LedgerError):
    """Malformed input; the message starts with the field's name."""

    exit_code = 2

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class NotFound(BadInput):
    """What the input names is not in the ledger (exit 2, like any input that names nothing)."""


class NotInitialised(LedgerError):
    """The database has no (or an older) ledger schema: `yibao init` is the cure."""

    exit_code = 2


class StorageFailure(LedgerError):
    """The store could not be read or written, or a concurrent writer won; nothing was written."""

    exit_code = 3


class Conflict(StorageFailure):
    """Another writer recorded on the same stream first; nothing was written, and the command may run again."""
