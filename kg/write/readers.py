"""Read a briefing file into text: plain text or Markdown, HTML pages, PDFs.

First step of the pipeline, before normalisation. Each problem becomes an `InputError` naming
the file and the reason, so a build reports it in one line and goes on with the other files.
Well-kept libraries do the parsing: Beautiful Soup for HTML, pypdf for PDF, charset-normalizer
to tell GBK from cp1252 when a file is not UTF-8.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from kg.errors import InputError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
READABLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
MAX_BYTES = 20 * 1024 * 1024  # briefings are a few hundred KB; a bigger file is refused, never half-read
_DROPPED_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template", "button")
_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "blockquote", "pre")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.IGNORECASE)


def read_briefing(path: Path) -> str:
    """The text of one briefing file, whatever its format and encoding."""
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise InputError(f"{path}: unsupported format {path.suffix or '(no extension)'!r}; "
                         f"use {', '.join(s for s in READABLE_SUFFIXES if s not in ('.text', '.xhtml'))}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size / 2**20:.0f} MB is larger than the {MAX_BYTES // 2**20} MB a briefing may have; split it")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if suffix in PDF_SUFFIXES:
        text = pdf_text(data, path)
    else:
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(f"{path}: binary file, not text")
        text = decode(data, path)
        if suffix in HTML_SUFFIXES:
            text = html_text(text, path)
    if not text.strip():
        raise InputError(f"{path}: no text found")
    return text


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; otherwise GBK/GB18030 or cp1252, as detected."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "cp1252"]).best()
    if best is None:
        raise InputError(f"{path}: not decodable as UTF-8, GB18030 or cp1252")
    return str(best)


MAX_HTML_DEPTH = 1000  # real pages nest a few dozen elements; a deeper one is a hostile or broken file
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]{0,40})[^<>]{0,2000}?(/?)>")
# elements with no end tag, or whose end tag HTML lets an author leave out: they never deepen the page
_NOT_NESTING = frozenset("area base br col embed hr img input link meta source track wbr p li dt dd tr td th option".split())


def html_depth(markup: str) -> int:
    """How deep the page's elements nest, read in one pass over its tags (no parse tree).

    >>> html_depth("<html><body><div><p>a<p>b<br></div></body></html>")
    3
    """
    open_tags: list[str] = []
    still_open: Counter[str] = Counter()  # so a stray end tag is checked in constant time
    deepest = 0
    for closing, name, self_closing in _TAG.findall(markup):
        name = name.lower()
        if name in _NOT_NESTING or self_closing:
            continue
        if not closing:
            open_tags.append(name)
            still_open[name] += 1
            deepest = max(deepest, len(open_tags))
        elif still_open[name]:
            while (closed := open_tags.pop()) != name:
                still_open[closed] -= 1
            still_open[name] -= 1
    return deepest


def html_text(markup: str, path: Path | str = "page") -> str:
    """The main text of an HTML page: scripts, styles and navigation dropped, blocks on their own lines.

    A page nested deeper than `MAX_HTML_DEPTH` is refused before it is parsed: the parser's tree
    work grows with the square of the depth, so 100,000 levels would hold a build for hours.
    """
    from bs4 import BeautifulSoup

    depth = html_depth(markup)
    if depth > MAX_HTML_DEPTH:
        raise InputError(f"{path}: HTML nested {depth} elements deep, more than the {MAX_HTML_DEPTH} a page may have")
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_DROPPED_TAGS):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in root.get_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def pdf_text(data: bytes, path: Path) -> str:
    """The text of a PDF, with running headers, footers and page numbers removed.

    A line that opens or closes most pages (digits ignored, so "Page 3" matches "Page 4") is a
    running header or footer, not part of the briefing. Hyphenated line breaks are repaired
    later, by `extract.normalize`, for every format alike.
    """
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR + 10)  # its warnings would interleave with the build's lines
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: the PDF is encrypted; save a copy without a password")
        pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - damaged PDFs make pypdf raise nearly any type; each is this file's problem
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise InputError(f"{path}: not a readable PDF ({reason})") from None
    return "\n".join("\n".join(lines) for lines in _without_running_lines(pages)) + "\n"


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    shape = lambda line: re.sub(r"\d+", "#", line.strip().lower())  # noqa: E731
    edges = Counter()
    for lines in pages:
        content = [line for line in lines if line.strip()]
        edges.update({shape(line) for line in content[:2] + content[-2:]})
    running = {edge for edge, count in edges.items() if len(pages) >= 3 and count >= 0.6 * len(pages)}
    cleaned = []
    for lines in pages:
        cleaned.append([line for line in lines if not _PAGE_NUMBER.match(line) and shape(line) not in running])
    return cleaned
