"""Prompt files (prompts/*.md): YAML front matter plus a system and a user part.

A prompt file looks like::

    ---
    id: extract_claims
    version: 1
    schema: ClaimList
    description: ...
    variables: [unit, section_text]
    ---
    ## system
    ...
    ## user
    ... {{section_text}} ...

Placeholders are ``{{name}}`` so the JSON braces in a prompt need no escaping.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reviewer.errors import ConfigError, validation_problems
from reviewer.llm.schemas import SCHEMAS

# Installed from a wheel the prompts ship inside the package; in the repository they live at the top.
_PACKAGE = Path(__file__).resolve().parent.parent
_PACKAGED = _PACKAGE / "prompts"
PROMPTS_DIR = _PACKAGED if _PACKAGED.is_dir() else _PACKAGE.parent / "prompts"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)
PART_HEADING = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


class Prompt(BaseModel):
    """One task prompt: identity, output schema, declared variables and the two message texts."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    output_schema: str = Field(alias="schema")
    description: str = ""
    variables: list[str]
    system: str = Field(min_length=1)
    user: str = Field(min_length=1)

    @model_validator(mode="after")
    def check(self) -> "Prompt":
        """The schema must exist and the placeholders must be exactly the declared variables."""
        if self.output_schema not in SCHEMAS:
            raise ValueError(f"未知的输出模式 {self.output_schema}（可用：{', '.join(SCHEMAS)}）")
        used = set(PLACEHOLDER.findall(self.system)) | set(PLACEHOLDER.findall(self.user))
        declared = set(self.variables)
        if used - declared:
            raise ValueError(f"正文使用了未声明的变量：{', '.join(sorted(used - declared))}")
        if declared - used:
            raise ValueError(f"声明的变量未在正文中使用：{', '.join(sorted(declared - used))}")
        return self

    @property
    def schema_model(self) -> type[BaseModel]:
        """The pydantic model the answer must validate against."""
        return SCHEMAS[self.output_schema]

    def render(self, values: dict[str, str]) -> tuple[str, str]:
        """Fill the placeholders; every declared variable must be given, and nothing else."""
        missing = set(self.variables) - set(values)
        extra = set(values) - set(self.variables)
        if missing or extra:
            raise ValueError(f"提示词 {self.id} 的变量不匹配：缺少 {sorted(missing)}，多余 {sorted(extra)}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)

        return fill(self.system), fill(self.user)


def parse_prompt(text: str, origin: str) -> Prompt:
    """Parse the text of one prompt file; ConfigError names the file and the problem."""
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise ConfigError(f"{origin}: 缺少以 --- 包围的文件头")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: 文件头不是合法的 YAML（{exc}）") from exc
    if not isinstance(meta, dict):
        raise ConfigError(f"{origin}: 文件头必须是键值对")
    parts = PART_HEADING.split(match.group(2))
    # split() yields [preamble, name, body, name, body]: the preamble must be blank.
    if parts[0].strip() or parts[1::2] != ["system", "user"]:
        raise ConfigError(f"{origin}: 正文必须依次包含 “## system” 和 “## user” 两部分")
    try:
        return Prompt.model_validate({**meta, "system": parts[2].strip(), "user": parts[4].strip()})
    except ValidationError as exc:
        problems = validation_problems(exc, root="文件", limit=50)
        raise ConfigError(f"{origin}: {problems}") from exc


def load_prompts(directory: Path = PROMPTS_DIR) -> dict[str, Prompt]:
    """Load every prompts/*.md file, keyed by id (which must equal the file name)."""
    prompts: dict[str, Prompt] = {}
    for path in sorted(directory.glob("*.md")):
        prompt = parse_prompt(path.read_text(encoding="utf-8"), str(path))
        if prompt.id != path.stem:
            raise ConfigError(f"{path}: id {prompt.id} 与文件名不一致")
        prompts[prompt.id] = prompt
    return prompts


@lru_cache(maxsize=1)
def bundled_prompts() -> dict[str, Prompt]:
    """The prompts shipped with the tool, loaded once."""
    return load_prompts(PROMPTS_DIR)


def get_prompt(prompt_id: str) -> Prompt:
    """One shipped prompt by id."""
    prompts = bundled_prompts()
    if prompt_id not in prompts:
        raise ConfigError(f"找不到提示词 {prompt_id}（目录 {PROMPTS_DIR}）")
    return prompts[prompt_id]
