"""The root `yibao` command: maps the ledger's named failures onto the contract's exit codes.

The root group is lazy: a command's module is imported only when the command runs or its own help is asked
for, so `yibao --help` imports neither the ledger nor a storage driver. `COMMANDS` names each command's
module and carries its one-line summary for the listing (tests/test_cli_startup.py keeps the summaries
equal to the commands' docstrings); a new command is one more entry there.
"""

from __future__ import annotations

import importlib
import inspect
import sys

import click

from commands.wide import fit_click
from ledger.core.errors import BadInput, LedgerError
from ledger.core.i18n import N_, _, catalog, language, translated

# name -> ("module:attribute", the first line of the command's docstring, shown by `yibao --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("commands.init:command",
             N_("Create or upgrade the ledger's schema; running it again changes nothing.")),
    "policy": ("commands.policy:command", N_("Policy parameters (政策参数).")),
    "employer": ("commands.employer:command", N_("Employers (参保单位).")),
    "person": ("commands.person:command", N_("Insured persons (参保人员).")),
    "contributions": ("commands.contributions:command",
                      N_("Contributions (缴费): assessment, receipts, unmatched money, year closing.")),
    "account": ("commands.account:command", N_("The personal account (个人账户).")),
    "institution": ("commands.institution:command", N_("Designated institutions (定点医药机构).")),
    "benefit": ("commands.benefit:command",
                N_("Medical benefit payments (医疗待遇): settlements and reimbursements.")),
    "maternity": ("commands.maternity:command", N_("Maternity insurance (生育保险).")),
    "resident": ("commands.resident:command", N_("Urban-rural resident insurance (城乡居民医保).")),
    "refund": ("commands.refund:command", N_("Special refunds (特殊退费).")),
    "correct": ("commands.correct:command",
                N_("Reverse an earlier event (冲正): it stays in the timeline, marked, and folds skip it from now on.")),
    "timeline": ("commands.timeline:command",
                 N_("List a person's events (or an employer's, given a credit code), reversed ones marked.")),
    "status": ("commands.status:command", N_("Print a person's status on a date as the ledger knew it at a moment.")),
    "months": ("commands.months:command",
               N_("One row per person-month: scheme, base, employer, amounts, state and account credit.")),
    "diff": ("commands.diff:command",
             N_("Show what the ledger said differently about a person at two moments (for disputes).")),
    "demo": ("commands.demo:command",
             N_("Fill a ledger (created if needed) with a synthetic Ningxia region and show a sample person.")),
    "projections": ("commands.projections:command", N_("Materialised read tables: catch-up, rebuild, check.")),
    "report": ("commands.report:command",
               N_("Statistical reports (统计报表, E68, E69, R50, R51) from the read side's tables.")),
    "operator": ("commands.operator:command", N_("Operators and their roles (经办、复核、审批、审计、管理, AUD-1).")),
    "review": ("commands.review:command",
               N_("Vouchers (业务凭证): review, approve or reject what a clerk proposed (AUD-1).")),
    "keygen": ("commands.keygen:command", N_("Print a new key to encrypt a ledger at rest (YIBAO_CIPHER_KEY).")),
    "info": ("commands.info:command",
             N_("Where the ledger is and how it stands: store, schema, events, the read side's lag, policy, versions.")),
    "verify": ("commands.verify:command",
               N_("Check the log against its hash chains; with a kept digest, prove nothing was rewritten (AUD-2).")),
    "export": ("commands.export:command",
               N_("Export in the national platform's codes (1101 insuinfo, FHIR Coverage) and check a platform extract.")),
}

# The storage failures that exit 3: (module, exception class).
STORAGE_ERRORS = (("eventsourcing.persistence", "PersistenceError"), ("psycopg", "Error"), ("sqlite3", "Error"))


def is_storage_failure(error: BaseException) -> bool:
    """Whether `error` is one of STORAGE_ERRORS, none of their modules imported to tell: an error of a module
    not yet loaded (psycopg, on a SQLite ledger) cannot have been raised."""
    for module_name, class_name in STORAGE_ERRORS:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(error, getattr(module, class_name)):
            return True
    return False


def is_broken_stream(error: BaseException) -> bool:
    """The library found a stream whose versions do not follow one another: only an edit of the database does it."""
    domain = sys.modules.get("eventsourcing.domain")
    return domain is not None and isinstance(error, domain.OriginatorVersionError)


def print_failure(label: str, error: Exception, tail: str = "") -> None:
    """The label in bold red, then the error's message, on stderr (rich is imported only to say so)."""
    from rich.markup import escape

    from commands.console import stderr

    stderr.print(f"[bold red]{label}[/] {escape(str(error))}{tail}", highlight=False)


def load_command(target: str) -> click.Command:
    """The command named by "module:attribute", its module imported now."""
    module_name, _colon, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


class LedgerGroup(click.Group):
    """A group whose commands are imported when they run or their help is shown (`lazy`: name ->
    ("module:attribute", summary)); the listing in its help shows the summaries without importing."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            command = load_command(self.lazy[name][0])
            if command.name != name:
                raise RuntimeError(f"{self.lazy[name][0]} is the command {command.name!r}, listed as {name!r}")
            self.add_command(command)
        command = self.commands.get(name)
        return with_conventions(command) if command is not None else None

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            if not isinstance(error, getattr(click.exceptions, "NoSuchCommand", ())):  # click < 8.4 suggests none
                raise
            # click suggests the closest of the group's commands: of all of them, not only those loaded
            raise type(error)(error.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click.Group's, a command not yet imported listed by its summary."""
        listed = [(name, self.commands.get(name) or click.Command(name, help=translated(self.lazy[name][1])))
                  for name in self.list_commands(ctx)]
        listed = [(name, command) for name, command in listed if not command.hidden]
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _command in listed)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in listed])

    def main(self, *args, **kwargs):
        """Every run speaks the reader's language of the moment: its help, click's own words, its messages."""
        speak_click()
        fit_click()
        in_language(self)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LedgerError as error:
            label = _("refused") if error.exit_code == 1 else _("error")
            print_failure(label, error)
            raise click.exceptions.Exit(error.exit_code) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as error:
            if is_storage_failure(error):
                print_failure(_("storage failure"), error, _("; nothing was written"))
            elif is_broken_stream(error):
                print_failure(_("storage failure"), _(
                    "a stream in the store has an event missing or out of order ({error}); nothing was written: "
                    "run `yibao verify` to find what was changed in the database").format(error=error), "")
            else:
                print_failure(_("internal error"), _(
                    "{kind}: the command stopped; what it had not committed was not written (run it again to "
                    "complete it); the details are in {log}").format(kind=type(error).__name__, log=crash_log(error)),
                    "")
            raise click.exceptions.Exit(3) from None


def with_conventions(command: click.Command) -> click.Command:
    """Every command of the tree, once: its help's examples kept verbatim (click rewraps every other paragraph, and
    a rewrapped example does not paste), and a bad input said naming the option as typed: a
    `BadInput("known-at", ..)` from a command with a `--known-at` option reads `--known-at: ..`; one naming an
    argument (`IDNO`, `file`) or neither (a column of a file, say) is said as it is.
    """
    if getattr(command, "_conventions", False):
        return in_language(command)
    command._conventions = True
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_conventions(sub)
        return in_language(command)
    invoke = command.invoke

    def invoke_naming(ctx: click.Context):
        try:
            return invoke(ctx)
        except BadInput as error:
            raise as_typed(error, ctx.command) from None

    command.invoke = invoke_naming
    return in_language(command)


def in_language(command: click.Command) -> click.Command:
    """The command's help and its options' help in the reader's language of this run, from the English written
    in the code (kept aside the first time: one process may run in both languages), examples kept verbatim."""
    if not hasattr(command, "_english"):
        command._english = command.help
        for parameter in command.params:
            parameter._english = getattr(parameter, "help", None)
    command.help = verbatim_examples(translated(inspect.cleandoc(command._english)) if command._english else None)
    command._help_option = None  # click keeps its --help option, said in the language of its first use
    for parameter in command.params:
        if parameter._english:
            parameter.help = translated(parameter._english)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            in_language(sub)
    return command


CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion", "termui", "types",
                 "utils", "_termui_impl")


def speak_click() -> None:
    """click's own words (Usage, Options, its errors) from our `click` catalog: click binds the standard library's
    gettext functions in each module, which read only `.mo` files and only the locale, never YIBAO_LANG."""
    if getattr(speak_click, "done", False):
        return
    import gettext

    for name in CLICK_MODULES:
        module = sys.modules.get(f"click.{name}") or importlib.import_module(f"click.{name}")
        if getattr(module, "_", None) is gettext.gettext:
            module._ = click_gettext
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = click_ngettext
    speak_click.done = True


def click_gettext(message: str) -> str:
    return catalog(language(), "click").gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(language(), "click").ngettext(singular, plural, n)


def verbatim_examples(text: str | None) -> str | None:
    """Each paragraph of indented lines (an example's commands) marked `\\b`, which click prints as written."""
    if not text:
        return text
    import inspect

    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join("\b\n" + p if all(line.startswith("    ") for line in p.splitlines() if line) and p.strip()
                       and not p.startswith("\b") else p for p in paragraphs)


def as_typed(error: BadInput, command: click.Command) -> BadInput:
    field = error.field
    wanted = {field, field.replace("_", "-"), field.replace("-", "_")}
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            typed = [o for o in (*parameter.opts, *parameter.secondary_opts) if o.lstrip("-") in wanted]
            if typed or parameter.name in wanted:
                named = typed[0] if typed else parameter.opts[0]
                break
        elif parameter.name in wanted or (parameter.metavar or "") in wanted:
            return error  # an argument is named as the usage line names it (IDNO), or as it was (file)
    else:
        return error
    said = str(error)
    error.args = (named + said[len(field):] if said.startswith(field) else f"{named}: {said}",)
    error.field = named
    return error


def crash_log(error: Exception) -> str:
    """Where an unexpected error's traceback goes instead of the clerk's screen: $YIBAO_LOG_DIR or the user's
    state folder, readable by its owner only."""
    import datetime
    import os
    import traceback
    from pathlib import Path

    folder = Path(os.environ.get("YIBAO_LOG_DIR") or Path.home() / ".local" / "state" / "yibao")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "errors.log"
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(f"--- {datetime.datetime.now(datetime.timezone.utc).isoformat()} yibao "
                      f"{' '.join(sys.argv[1:2])}\n{''.join(traceback.format_exception(error))}\n")
        return str(path)
    except OSError:
        return "no log (the log folder could not be written: set YIBAO_LOG_DIR)"


@click.group(cls=LedgerGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="URL", envvar="YIBAO_DB",
              help="Store URL: sqlite:///path (default ./yibao.sqlite3) or postgresql://user:pw@host:port/db.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress and no confirmation lines on success: a query still prints what it was asked for, "
                   "a proposed voucher its id; errors still go to stderr and exit codes do not change.")
@click.version_option(package_name="yibao-ledger", prog_name="yibao", message="%(prog)s %(version)s",
                      help="Print the version (the README's changelog names what it holds) and exit.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, quiet: bool) -> None:
    """yibao: the event-sourced ledger of Ningxia medical-insurance histories.

    Example:

        yibao init && yibao demo
        yibao --version
        yibao --quiet init
    """
    from commands import console

    console.masking = True  # each invocation masks until it records a reveal (one process may run several)
    console.quiet = quiet
    ctx.call_on_close(lambda: setattr(console, "quiet", False))  # not left on for what runs next in this process
    obj = ctx.ensure_object(dict)
    if db:
        obj.setdefault("db", db)
