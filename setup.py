"""The message catalogs are compiled when the package is built (Babel's compile_catalog), into the build only: an
installed ledger reads `.mo` files and needs no Babel, a checkout compiles its `.po` in memory (ledger/core/i18n.py).
Everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogs(build_py):
    def run(self):
        super().run()
        from babel.messages.frontend import CompileCatalog

        for po in sorted(Path("ledger/locale").glob("*/LC_MESSAGES/*.po")):
            compile_catalog = CompileCatalog(self.distribution)
            compile_catalog.initialize_options()
            compile_catalog.input_file = str(po)
            compile_catalog.output_file = str(Path(self.build_lib) / po.with_suffix(".mo"))
            compile_catalog.locale = po.parent.parent.name
            compile_catalog.finalize_options()
            compile_catalog.run()


setup(cmdclass={"build_py": build_py_with_catalogs})
