"""The wheel ships every subpackage and the files the code loads at run time."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_subpackage_is_listed():
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "reviewer").rglob("__init__.py")}
    assert on_disk | {"reviewer.prompts"} == set(CONFIG["packages"])


def test_prompts_ship_inside_the_package():
    assert CONFIG["package-dir"]["reviewer.prompts"] == "prompts"
    assert CONFIG["package-data"]["reviewer.prompts"] == ["*.md"]
    assert list((ROOT / "prompts").glob("*.md"))


def test_runtime_files_are_package_data():
    patterns = CONFIG["package-data"]["reviewer"]
    for folder in ("data", "render/static", "web/templates", "web/static"):
        files = [p for p in (ROOT / "reviewer" / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files, folder
        assert any(pattern.startswith(folder + "/") for pattern in patterns), folder
