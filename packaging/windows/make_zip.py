#!/usr/bin/python3
"""Packs shnor.exe for webmasters: shnor-<version>-windows-x64.zip.

The archive holds one folder: shnor.exe, the Russian README, the .cmd files
a webmaster double-clicks, the example content and the webmaster's guide.
The same inputs give the same bytes: entries sorted, one timestamp (the
commit's, SOURCE_DATE_EPOCH), fixed permissions. Names are stored as UTF-8
with the zip's UTF-8 flag, which Windows' Explorer honours (Cyrillic names).

    make_zip.py --exe shnor.exe --repo . --version 0.1.0 --epoch 1765000000 --out DIR
"""
import argparse
import os
import struct
import time
import zipfile
import zlib
from pathlib import Path


def entries(exe: Path, repo: Path):
    """(name inside the folder, file on disk), in the order they are packed."""
    here = repo / "packaging" / "windows" / "zip"
    yield "shnor.exe", exe
    yield "README.txt", here / "README.txt"
    for cmd in sorted(here.glob("*.cmd")):
        yield cmd.name, cmd
    yield "руководство веб-мастера.md", repo / "docs" / "webmaster-guide.md"
    content = repo / "content"
    for path in sorted(content.rglob("*")):
        if path.is_symlink():
            raise SystemExit(f"{path}: a link in the example content; the archive takes plain files only")
        if path.is_file():
            yield "content/" + path.relative_to(content).as_posix(), path


def unicode_path_field(name: str) -> bytes:
    """Info-ZIP's Unicode Path extra field (0x7075): the UTF-8 name again,
    for unpackers that read it but not the UTF-8 flag."""
    encoded = name.encode("utf-8")
    body = struct.pack("<BI", 1, zlib.crc32(encoded)) + encoded
    return struct.pack("<HH", 0x7075, len(body)) + body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exe", type=Path, required=True)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--epoch", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    folder = f"shnor-{args.version}-windows-x64"
    stamp = time.gmtime(max(args.epoch, 315532800))[:6]  # zip times start in 1980
    target = args.out / f"{folder}.zip"
    partial = target.with_suffix(".zip.new")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in entries(args.exe, args.repo):
            info = zipfile.ZipInfo(f"{folder}/{name}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # made "on MS-DOS": plain Windows attributes, no Unix modes
            info.external_attr = 0
            if not info.filename.isascii():
                info.extra = unicode_path_field(info.filename)
            archive.writestr(info, path.read_bytes())
    os.replace(partial, target)
    print(target)


if __name__ == "__main__":
    main()
