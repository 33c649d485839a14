#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the example content (content/),
the real documents of the seeds folder (../shared/seeds/*.txt) and the
deadlines the tests already know (tests/when_test.cpp).

    python3 fuzz/make_corpus.py OUT_DIR [SEEDS_DIR]

writes OUT_DIR/<target>/<name> for each target of fuzz/CMakeLists.txt. The
targets that take several kinds of file read the first byte as the kind
(`data[0] % kinds`, see fuzz/scratch_content.hpp): each seed starts with a
printable byte that picks its own kind. A missing seeds folder only warns.
"""
import hashlib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# The order of kFiles in yaml_content.cpp and markdown.cpp (site_build.cpp: both), kFormats in data_source.cpp.
YAML_KINDS = ["site.yaml", "indicators.yaml", "documents.yaml", "results.yaml", "roadmaps/*.yaml",
              "schools/*/school.yaml", "schools/*/roadmaps/*.yaml", "schools/*/documents.yaml",
              "schools/*/results.yaml"]
MARKDOWN_KINDS = ["news/*.md", "pages/*.md", "programs/*.md", "schools/*/index.md",
                  "schools/*/news/*.md", "schools/*/pages/*.md"]
SOURCE_FORMATS = ["csv", "json", "yaml"]

# Words of deadlines («Сроки») in the seeds' tables.
DEADLINE_WORDS = re.compile(
    r"январ|феврал|март|апрел|\bма[йяю]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|квартал|полугоди|"
    r"ежегодно|ежемесячно|еженедельно|постоянно|в течение|до \d|\b(19|20)\d\d\b|учебн",
    re.IGNORECASE)
MAX_DEADLINE = 120    # bytes: a cell, not a paragraph
MAX_MARKDOWN = 8192   # bytes of a seed document made a page


def kind_byte(index, kinds):
    """The first printable byte b with b % kinds == index."""
    return next(b for b in range(0x30, 0x7F) if b % kinds == index).to_bytes(1, "big")


class Corpus:
    def __init__(self, out):
        self.out = pathlib.Path(out)
        self.counts = {}

    def add(self, target, data, prefix=b""):
        if isinstance(data, str):
            data = data.encode("utf-8")
        data = prefix + data
        folder = self.out / target
        folder.mkdir(parents=True, exist_ok=True)
        # Named by content, so the same seed twice is one file.
        (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
        self.counts[target] = len(list(folder.iterdir()))


def of_kinds(corpus, target, kinds):
    for index, pattern in enumerate(kinds):
        for path in sorted(CONTENT.glob(pattern)):
            corpus.add(target, path.read_bytes(), kind_byte(index, len(kinds)))


def site_yaml_for_scratch(text):
    """The example's site.yaml with its schools list cut to the scratch tree's one school `s`."""
    lines, out, in_list = text.splitlines(), [], False
    for line in lines:
        if line.startswith("schools:"):
            in_list = True
            out += [line, "  - s"]
            continue
        if in_list and line.startswith("  - "):
            continue
        in_list = False
        out.append(line)
    return "\n".join(out) + "\n"


def seed_texts(seeds_dir):
    if not seeds_dir.is_dir():
        print(f"make_corpus: no seeds folder {seeds_dir}: only the example content is used", file=sys.stderr)
        return []
    return [(path.name, path.read_text(encoding="utf-8", errors="replace"))
            for path in sorted(seeds_dir.glob("*.txt"))]


def deadlines(seeds):
    found = set()
    for path in sorted(CONTENT.rglob("*.yaml")):
        for match in re.finditer(r"^\s*when:\s*(.+?)\s*$", path.read_text(encoding="utf-8"), re.MULTILINE):
            found.add(match.group(1).strip("\"'").encode("utf-8"))
    tests = (ROOT / "tests" / "when_test.cpp").read_text(encoding="utf-8")
    for match in re.finditer(r'\{"((?:[^"\\]|\\.)*)",', tests):
        # C escapes made bytes: some cases are broken UTF-8 on purpose.
        found.add(match.group(1).encode("utf-8").decode("unicode_escape").encode("latin-1"))
    for _, text in seeds:
        for cell in re.split(r"[\t\n]", text):
            cell = cell.strip()
            if 0 < len(cell.encode("utf-8")) <= MAX_DEADLINE and DEADLINE_WORDS.search(cell):
                found.add(cell.encode("utf-8"))
    return sorted(found)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    corpus = Corpus(sys.argv[1])
    seeds_dir = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else ROOT.parent / "shared" / "seeds"
    seeds = seed_texts(seeds_dir)

    of_kinds(corpus, "yaml_content", YAML_KINDS)
    corpus.add("yaml_content", site_yaml_for_scratch((CONTENT / "site.yaml").read_text(encoding="utf-8")),
               kind_byte(0, len(YAML_KINDS)))

    of_kinds(corpus, "markdown", MARKDOWN_KINDS)
    page = kind_byte(1, len(MARKDOWN_KINDS))
    for name, text in seeds:  # a real document as the body of a page
        body = text.encode("utf-8")[:MAX_MARKDOWN].decode("utf-8", errors="ignore")
        corpus.add("markdown", f"---\ntitle: {name}\n---\n{body}", page)

    # site_build: yaml_content's kinds then markdown's, one list.
    build_kinds = YAML_KINDS + MARKDOWN_KINDS
    of_kinds(corpus, "site_build", build_kinds)
    corpus.add("site_build", site_yaml_for_scratch((CONTENT / "site.yaml").read_text(encoding="utf-8")),
               kind_byte(0, len(build_kinds)))

    for path in sorted(CONTENT.rglob("*.csv")) + sorted((ROOT / "tests" / "fixtures" / "excel").glob("*")):
        if path.suffix in (".csv", ".txt"):
            corpus.add("csv_results", path.read_bytes())

    # import_tables: byte 0 even → word/document.xml, odd → CSV. The seeds'
    # tab-separated tables as CSV, and one as a Word table.
    for name, text in seeds:
        corpus.add("import_tables", text.encode("utf-8")[:65535], b"\x01")
    rows = "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{cell}</w:t></w:r></w:p></w:tc>" for cell in row) + "</w:tr>"
                   for row in [["№ п/п", "Мероприятие", "Срок", "Ответственные", "Ожидаемый результат"],
                               ["1", "Семинар", "Март 2025", "Отдел", "Протокол"]])
    corpus.add("import_tables", f'<w:document xmlns:w="w"><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>',
               b"\x00")

    for text in deadlines(seeds):
        corpus.add("when_text", text)

    csv, json, yaml = (kind_byte(i, len(SOURCE_FORMATS)) for i in range(3))
    for path in sorted(CONTENT.rglob("*.csv")):
        corpus.add("data_source", path.read_bytes(), csv)
    for path in sorted(CONTENT.glob("*.yaml")) + sorted(CONTENT.glob("schools/*/results.yaml")):
        corpus.add("data_source", path.read_bytes(), yaml)
    for text in ['{"region": "Новосибирская область", "schools": [{"slug": "sosh-1", "students": 512}]}',
                 '[{"scope": "region", "exam": "ОГЭ", "subject": "Математика", "year": 2024, "mean": 3.4}]',
                 '{"a": [1, 2.5, -3e2, true, false, null, "\\u0410"]}']:
        corpus.add("data_source", text, json)
    site_data = ROOT / "site" / "data"  # the example's open data, when .ci/setup has built it
    for path in sorted(site_data.glob("*.json")) if site_data.is_dir() else []:
        if path.stat().st_size <= 65536:
            corpus.add("data_source", path.read_bytes(), json)

    for target, count in sorted(corpus.counts.items()):
        print(f"make_corpus: {target}: {count} seeds")


if __name__ == "__main__":
    main()
