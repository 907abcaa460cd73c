"""Load the catalogue's YAML files into the database: validated first, written whole or not at all.

A file that breaks a rule fails with its name, line and the rule, and the catalogue in
the database stays as it was. Loading the same files again changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from jsonschema import Draft202012Validator

from thiqa.audit.services import record
from thiqa.catalogue.models import Citation, Framework, Item, Relation, SourceDocument, Term
from thiqa.catalogue.schema import framework_schema
from thiqa.catalogue.signals import catalogue_loaded

DATA_DIR = Path(__file__).parent / "data"


class CatalogueError(Exception):
    """A data file breaks a rule. ``str()`` reads ``file:line: where: rule``."""

    def __init__(self, file: str, line: int | None, where: str, rule: str) -> None:
        self.file, self.line, self.where, self.rule = file, line, where, rule
        place = f"{file}:{line}" if line else file
        super().__init__(f"{place}: {where}: {rule}" if where else f"{place}: {rule}")


@dataclass
class LoadResult:
    frameworks: int
    items: int
    withdrawn: int


SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


@dataclass
class Parsed:
    file: str
    data: Any
    text: str

    @property
    def node(self) -> yaml.Node:
        """The node tree, with line numbers; composed only when an error must be located."""
        return yaml.compose(self.text, Loader=SafeLoader)


def _parse(path: Path) -> Parsed:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(path.name, None, "", f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise CatalogueError(path.name, None, "", f"cannot be read ({exc.strerror})") from None
    try:
        return Parsed(path.name, yaml.load(text, Loader=SafeLoader), text)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise CatalogueError(path.name, line, "", f"not valid YAML: {exc.problem}") from None


def _line(node: yaml.Node | None, path: list[Any]) -> int | None:
    """The line of the YAML node at ``path`` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _where(path: list[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _fail(parsed: Parsed, path: list[Any], rule: str) -> CatalogueError:
    return CatalogueError(parsed.file, _line(parsed.node, path), _where(path), rule)


def read_vocabulary(data_dir: Path) -> dict[str, dict[str, dict[str, str]]]:
    parsed = _parse(data_dir / "vocabulary.yaml")
    vocabulary = parsed.data
    for axis in ("kind", "modality", "pillar", "theme"):
        if not isinstance(vocabulary, dict) or not isinstance(vocabulary.get(axis), dict):
            raise _fail(parsed, [axis], "a mapping of codes to {en, ar} labels is required")
        for code, labels in vocabulary[axis].items():
            if not (isinstance(labels, dict) and labels.get("en") and labels.get("ar")):
                raise _fail(parsed, [axis, code], "needs an English and an Arabic label")
    return vocabulary


def read_catalogue(data_dir: Path = DATA_DIR) -> tuple[dict[str, Any], list[Parsed]]:
    """Read and validate every file; raise CatalogueError at the first broken rule."""
    vocabulary = read_vocabulary(data_dir)
    index = _parse(data_dir / "catalogue.yaml")
    files = index.data.get("frameworks") if isinstance(index.data, dict) else None
    if not isinstance(files, list) or not files:
        raise _fail(index, ["frameworks"], "a list of framework files is required")
    validator = Draft202012Validator(framework_schema(vocabulary))
    parsed_files = [_parse(data_dir / name) for name in files]
    for parsed in parsed_files:
        errors = sorted(validator.iter_errors(parsed.data), key=lambda e: list(e.absolute_path))
        if errors:
            error = errors[0]
            raise _fail(parsed, list(error.absolute_path), error.message)
    _check_references(parsed_files)
    return vocabulary, parsed_files


def _check_references(parsed_files: list[Parsed]) -> None:
    codes: dict[str, str] = {}
    frameworks: set[str] = set()
    for parsed in parsed_files:
        code = parsed.data["framework"]["code"]
        if code in frameworks:
            raise _fail(parsed, ["framework", "code"], f"framework {code!r} is defined twice")
        frameworks.add(code)
        symbols = {d["symbol"] for d in parsed.data["framework"]["documents"]}
        for i, item in enumerate(parsed.data["items"]):
            if item["code"] in codes:
                raise _fail(
                    parsed, ["items", i, "code"], f"{item['code']!r} is already used in {codes[item['code']]}"
                )
            codes[item["code"]] = parsed.file
            for j, citation in enumerate(item["citations"]):
                if citation["document"] not in symbols:
                    raise _fail(
                        parsed,
                        ["items", i, "citations", j, "document"],
                        f"{citation['document']!r} is not one of the framework's documents",
                    )
                if citation.get("lines"):
                    first, last = (int(n) for n in citation["lines"].split("-"))
                    if first > last or first == 0:
                        raise _fail(parsed, ["items", i, "citations", j, "lines"], "not a valid line range")
    for parsed in parsed_files:
        for i, item in enumerate(parsed.data["items"]):
            for j, relation in enumerate(item.get("relations") or []):
                if relation["target"] not in codes:
                    raise _fail(
                        parsed,
                        ["items", i, "relations", j, "target"],
                        f"no item has the code {relation['target']!r}",
                    )
                if relation["target"] == item["code"]:
                    raise _fail(
                        parsed, ["items", i, "relations", j, "target"], "an item cannot relate to itself"
                    )


def load_catalogue(data_dir: Path = DATA_DIR, progress: Callable[[int], None] | None = None) -> LoadResult:
    """Validate every file, then write the whole catalogue in one transaction."""
    vocabulary, parsed_files = read_catalogue(data_dir)
    with transaction.atomic():
        terms = _write_vocabulary(vocabulary)
        seen: set[str] = set()
        for order, parsed in enumerate(parsed_files):
            seen |= _write_framework(parsed.data, order, terms)
            if progress:
                progress(1)
        item_ids = dict(Item.objects.values_list("code", "id"))
        Relation.objects.all().delete()
        Relation.objects.bulk_create(
            Relation(source_id=item_ids[item["code"]], target_id=item_ids[rel["target"]], type=rel["type"])
            for parsed in parsed_files
            for item in parsed.data["items"]
            for rel in {(r["type"], r["target"]): r for r in item.get("relations") or []}.values()
        )
        withdrawn = Item.objects.filter(is_active=True).exclude(code__in=seen).update(is_active=False)
        record(
            "catalogue.loaded",
            data={"frameworks": len(parsed_files), "items": len(seen), "withdrawn": withdrawn},
        )
    catalogue_loaded.send(sender=LoadResult)
    return LoadResult(len(parsed_files), len(seen), withdrawn)


def _write_vocabulary(vocabulary: dict[str, dict[str, dict[str, str]]]) -> dict[tuple[str, str], Term]:
    terms = {}
    for axis, entries in vocabulary.items():
        for order, (code, labels) in enumerate(entries.items()):
            term, _ = Term.objects.update_or_create(
                axis=axis,
                code=code,
                defaults={"title_en": labels["en"], "title_ar": labels["ar"], "order": order},
            )
            terms[(axis, code)] = term
    return terms


ITEM_FIELDS = [
    "framework",
    "number",
    "order",
    "is_active",
    "kind",
    "modality",
    "title_en",
    "title_ar",
    "summary_en",
    "summary_ar",
    "parameters",
]


def _write_framework(data: dict[str, Any], order: int, terms: dict[tuple[str, str], Term]) -> set[str]:
    """Write one framework with bulk statements (a few queries, however many items)."""
    spec = data["framework"]
    description = spec.get("description") or {"en": "", "ar": ""}
    framework, _ = Framework.objects.update_or_create(
        code=spec["code"],
        defaults={
            "title_en": spec["title"]["en"],
            "title_ar": spec["title"]["ar"],
            "description_en": description["en"],
            "description_ar": description["ar"],
            "version": spec["version"],
            "order": order,
        },
    )
    framework.documents.all().delete()
    SourceDocument.objects.bulk_create(
        SourceDocument(
            framework=framework,
            symbol=d["symbol"],
            title_en=d["title"]["en"],
            title_ar=d["title"]["ar"],
            source_file=d.get("source_file") or "",
        )
        for d in spec["documents"]
    )
    items = _write_items(framework, data["items"], terms)
    _write_tags(items, data["items"], terms)
    files = {d["symbol"]: d.get("source_file") or "" for d in spec["documents"]}
    Citation.objects.filter(item__in=items.values()).delete()
    Citation.objects.bulk_create(
        _citation(items[entry["code"]], c, position, files)
        for entry in data["items"]
        for position, c in enumerate(entry["citations"])
    )
    return set(items)


def _write_items(
    framework: Framework, entries: list[dict[str, Any]], terms: dict[tuple[str, str], Term]
) -> dict[str, Item]:
    existing = Item.objects.in_bulk([e["code"] for e in entries], field_name="code")
    rows = []
    for position, entry in enumerate(entries):
        item = existing.get(entry["code"]) or Item(code=entry["code"])
        item.framework, item.number, item.order, item.is_active = framework, entry["number"], position, True
        item.kind, item.modality = terms[("kind", entry["kind"])], terms[("modality", entry["modality"])]
        item.title_en, item.title_ar = entry["title"]["en"], entry["title"]["ar"]
        item.summary_en, item.summary_ar = entry["summary"]["en"], entry["summary"]["ar"]
        item.parameters = entry.get("parameters") or {}
        rows.append(item)
    Item.objects.bulk_update([i for i in rows if i.pk], ITEM_FIELDS)
    Item.objects.bulk_create([i for i in rows if not i.pk])
    return Item.objects.in_bulk([e["code"] for e in entries], field_name="code")


def _write_tags(
    items: dict[str, Item], entries: list[dict[str, Any]], terms: dict[tuple[str, str], Term]
) -> None:
    for field, axis in (("pillars", "pillar"), ("themes", "theme")):
        through = getattr(Item, field).through
        through.objects.filter(item__in=items.values()).delete()
        through.objects.bulk_create(
            through(item_id=items[e["code"]].pk, term_id=terms[(axis, code)].pk)
            for e in entries
            for code in e.get(field) or []
        )


def _citation(item: Item, c: dict[str, Any], position: int, files: dict[str, str]) -> Citation:
    first, last = (int(n) for n in c["lines"].split("-")) if c.get("lines") else (None, None)
    return Citation(
        item=item,
        document_symbol=c["document"],
        locator=c["locator"],
        source_file=files[c["document"]],
        first_line=first,
        last_line=last,
        anchor=c.get("anchor") or "",
        order=position,
    )
