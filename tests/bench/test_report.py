"""bench/report.py's ``write_section``: each script replaces its own section of RESULTS.md and
never touches another's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _report() -> ModuleType:
    sys.path.insert(0, str(BENCH))  # report.py imports its neighbour loadclient
    try:
        spec = importlib.util.spec_from_file_location("bench_report", BENCH / "report.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


report = _report()

OTHERS = """# Benchmark results

intro kept

## Server (bench_server.py)

| a | b |
|---|---|

### How it was measured

```
## not a heading: inside a code block
```

## Lobby display (lobby)

- old lobby figures

## Phone pages (screens-server)

- phone figures, exactly so
"""


def test_a_section_is_replaced_where_it_stands_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(OTHERS, encoding="utf-8")
    report.write_section(path, "Lobby display (lobby)", "- new lobby figures\n")
    text = path.read_text(encoding="utf-8")
    assert "old lobby figures" not in text
    before, after = text.split("## Lobby display (lobby)\n\n- new lobby figures\n")
    assert before == OTHERS.split("## Lobby display (lobby)")[0]
    assert after == "\n## Phone pages (screens-server)\n\n- phone figures, exactly so\n"


def test_a_heading_inside_a_code_block_is_not_a_section(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(OTHERS, encoding="utf-8")
    report.write_section(path, "Server (bench_server.py)", "- new server table")
    text = path.read_text(encoding="utf-8")
    assert "not a heading" not in text  # it belonged to the server's old section
    assert text.count("## Lobby display (lobby)") == 1
    assert "- phone figures, exactly so\n" in text


def test_a_new_section_is_appended_and_a_new_file_gets_the_title(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    report.write_section(path, "Call-next (callnext)", "| p99 |\n|---|\n| 3 ms |")
    report.write_section(path, "No-show sweep (appointments)", "- 1 ms")
    report.write_section(path, "Call-next (callnext)", "| p99 |\n|---|\n| 2 ms |")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n")
    assert "3 ms" not in text
    assert text.index("## Call-next (callnext)") < text.index("## No-show sweep (appointments)")
    assert text.endswith("## No-show sweep (appointments)\n\n- 1 ms\n")


@pytest.mark.parametrize(
    ("heading", "body", "why"),
    [
        ("", "x", "heading must be one non-empty line"),
        ("two\nlines", "x", "heading must be one non-empty line"),
        ("Mine", "## Theirs\n", "use '###'"),
    ],
)
def test_a_bad_section_is_refused_and_the_file_untouched(
    tmp_path: Path, heading: str, body: str, why: str
) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(OTHERS, encoding="utf-8")
    with pytest.raises(ValueError, match=why):
        report.write_section(path, heading, body)
    assert path.read_text(encoding="utf-8") == OTHERS
