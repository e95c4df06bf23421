"""Bad input, faults and hostile text: clear one-line errors, nothing lost, nothing injected."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.write.readers import MAX_BYTES, html_text, read_briefing

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
CATL_SEED = SEEDS / "001_b5d9c1f1c879eadf.txt"
KG = [sys.executable, "-m", "kg.cli"]


def _seed_text() -> str:
    return CATL_SEED.read_text(encoding="utf-8")


# --- formats ---------------------------------------------------------------------------------------

def test_html_page_main_text_without_scripts_or_navigation(kg, tmp_path):
    body = _seed_text().replace("\n\n", "</p>\n<p>")
    page = tmp_path / "briefing.html"
    page.write_text(f"""<!DOCTYPE html><html><head><title>t</title><script>var tracker = "Evil Corp signed";</script>
        <style>p {{ color: red }}</style></head><body><nav>Home | Subscribe | Chinese chipmaker Navbar Semiconductor</nav>
        <main><article><p>{body}</p></article></main><footer>Cookie settings</footer></body></html>""", encoding="utf-8")
    text = read_briefing(page)
    assert "tracker" not in text and "Navbar" not in text and "Cookie" not in text
    assert "CATL, the world's leading battery maker" in text
    out = tmp_path / "out"
    assert kg("build", str(page), "--out", str(out)).exit_code == 0
    assert "Stellantis" in kg("who", "CATL", "--out", str(out)).output


def _pdf(path: Path, pages: list[list[str]]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    drawing = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        y = 800
        for line in ["MERICS China Industries | Briefing", *lines, f"Page {number}"]:
            drawing.drawString(40, y, line)
            y -= 14
        drawing.showPage()
    drawing.save()


def test_pdf_text_with_running_headers_footers_and_hyphenation_repaired(kg, tmp_path):
    path = tmp_path / "briefing.pdf"
    _pdf(path, [
        ["DECEMBER 19, 2024 (REPORTING PERIOD: NOVEMBER 20 - DECEMBER 18)", "Corporate news",
         "- December 10: CATL, the world's leading battery maker, and European auto-",
         "maker Stellantis agreed to jointly build a new battery plant in Spain."],
        ["- December 12: Chinese biotech firm Qilin Biologics agreed to acquire a 30 percent stake in Nordlys Therapeutics."],
        ["- December 14: Huaxin Power Holdings and Longhai Grid Equipment announced plans to merge."],
    ])
    text = read_briefing(path)
    assert "MERICS China Industries | Briefing" not in text and "Page 2" not in text
    out = tmp_path / "out"
    result = kg("build", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Stellantis" in kg("who", "CATL", "--out", str(out)).output
    assert "Nordlys Therapeutics" in kg("who", "Qilin Biologics", "--out", str(out)).output


@pytest.mark.parametrize("encoding", ["cp1252", "gbk", "utf-8-sig", "utf-16"])
def test_encodings_are_detected(tmp_path, encoding):
    text = ("DECEMBER 19, 2024\n\n- December 10: CATL and Stellantis agreed to jointly build a plant in Spain.\n"
            "**Article:** Notice on Promoting the Café Industry (关于促进产业发展的通知)\r\n")
    if encoding == "cp1252":
        text = text.replace(" (关于促进产业发展的通知)", "") + "The “résumé” of the plan – naïve.\r\n"
    path = tmp_path / f"briefing-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    read = read_briefing(path)
    assert "Stellantis" in read
    assert ("关于促进产业发展的通知" if encoding != "cp1252" else "“résumé”") in read


# --- bad input --------------------------------------------------------------------------------------

def test_bad_files_are_reported_one_line_each_and_good_ones_still_built(kg, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(CATL_SEED, folder / "good.txt")
    (folder / "empty.md").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00" * 100)
    (folder / "huge.txt").write_bytes(b"word " * (MAX_BYTES // 5 + 10))
    (folder / "broken-link.md").symlink_to(folder / "missing.md")
    loop = folder / "loop"
    loop.mkdir()
    (loop / "back").symlink_to(folder, target_is_directory=True)
    (folder / "self.md").symlink_to(folder / "self.md")
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04")
    run = subprocess.run([*KG, "build", str(folder), str(other), str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    for name, reason in [("empty.md", "empty file"), ("binary.txt", "binary file"), ("huge.txt", "larger than"),
                         ("broken-link.md", "cannot read"), ("self.md", "symbolic link loop"), ("notes.docx", "unsupported format"),
                         ("nowhere", "no such file")]:
        assert any(name in line and reason in line for line in errors), (name, errors)
    assert "Traceback" not in run.stderr
    assert "Stellantis" in kg("who", "CATL", "--out", str(tmp_path / "out")).output


def test_nothing_readable_exits_non_zero_without_traceback(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n")
    run = subprocess.run([*KG, "build", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [f"error: {tmp_path / 'empty.txt'}: empty file"]  # one line says it all
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    run = subprocess.run([*KG, "build", str(empty), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 1 and run.stderr.strip() == "Error: nothing to build: no briefing files found"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("text")
    path.chmod(0)
    run = subprocess.run([*KG, "build", str(path), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 1 and "cannot read" in run.stderr


# --- faults ----------------------------------------------------------------------------------------

def test_a_killed_build_leaves_the_previous_graph_intact(kg, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import generate

    out = tmp_path / "out"
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.html", "void.ttl", "store/index.sqlite")}
    corpus = tmp_path / "corpus"
    generate(150, corpus)
    process = subprocess.Popen([*KG, "build", str(corpus), "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.glob(".store-work-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # well into extraction and store writing
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert process.returncode == -signal.SIGKILL
    assert {name: (out / name).read_bytes() for name in before} == before
    assert "Stellantis" in kg("who", "CATL", "--out", str(out)).output
    assert kg("validate", "--out", str(out)).exit_code == 0
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0  # the lock died with the process
    assert not list(out.glob(".store-work-*"))


# --- hostile text ----------------------------------------------------------------------------------

HOSTILE_TITLE = ('Notice on "</script><script>alert(1)</script>" <b>bold</b> & <https://evil.example/x> '
                 "SELECT * WHERE { ?s ?p ?o } ; DROP ALL ; INSERT DATA { <a> <b> <c> } \\ backslash")


def test_hostile_titles_cannot_break_turtle_sparql_html_or_who(kg, tmp_path):
    long_title = "Notice on " + " ".join(["Extremely"] * 1200) + " Long Title"
    text = (_seed_text().replace("Article:", f"Article: {HOSTILE_TITLE}\x07\x1b ({long_title}) ", 1)
            + "\n- *December 11:* Chinese chipmaker Zeta\u202eRLO Semiconductor agreed to acquire Omega Tech.\n")
    path = tmp_path / "hostile.md"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = kg("build", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    validation = kg("validate", "--out", str(out))
    assert validation.exit_code == 0, validation.output
    rows = kg("query", "SELECT ?t WHERE { ?d a cikg:PolicyDocument ; rdfs:label ?t }", "--format", "json", "--out", str(out)).output
    hostile = next(row["t"] for row in json.loads(rows) if "DROP ALL" in row["t"])  # HTML tags were stripped on input
    assert "alert(1)" in hostile and "{ ?s ?p ?o }" in hostile and "\\" in hostile and len(hostile) > 10_000
    who = kg("who", hostile, "--out", str(out))
    assert who.exit_code == 0 and "(PolicyDocument)" in who.output, who.output
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "<https://evil" not in page and "\\u003chttps://evil" in page
    assert kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--out", str(out)).exit_code == 0
    assert kg("who", "Nothing } UNION { ?s ?p ?o", "--out", str(out)).exit_code == 1  # a name is never pasted into SPARQL


def test_html_text_is_plain_text():
    assert html_text("<p>A &amp; B</p><script>x()</script><p>C</p>").split() == ["A", "&", "B", "C"]


# --- briefing ids and unreadable PDFs ----------------------------------------------------------------

def test_same_file_name_in_two_folders_gives_two_briefings(kg, tmp_path):
    import pyoxigraph as ox

    from kg.storage.store import stored_briefings

    corpus = tmp_path / "corpus"
    for folder, firm in (("2024", "Norvik Cells"), ("2025", "Talvera Motors")):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "december.md").write_text(
            f"DECEMBER 19, 2024\n\n- December 10: CATL and {firm} agreed to jointly build a battery plant in Spain.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = kg("build", str(corpus), "--out", str(out))
    assert result.exit_code == 0, result.output
    store = ox.Store.read_only(str(out / "store"))
    assert sorted(stored_briefings(store)) == ["2024/december", "2025/december"]
    del store
    who = kg("who", "CATL", "--out", str(out)).output
    assert "Norvik Cells" in who and "Talvera Motors" in who


def test_two_files_that_would_share_an_id_are_never_merged_in_silence(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(CATL_SEED, tmp_path / folder / "brief.txt")
    files = [str(tmp_path / folder / "brief.txt") for folder in ("a", "b")]
    run = subprocess.run([*KG, "build", *files, "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and str(tmp_path / "b" / "brief.txt") in errors[0] and "'brief'" in errors[0], run.stderr


def _encrypted_pdf(path: Path, user_password: str) -> None:
    from pypdf import PdfWriter

    plain = path.with_name(f"plain-{path.name}")
    _pdf(plain, [["- December 10: CATL and Stellantis agreed to jointly build a battery plant in Spain."]])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    writer.write(str(path))
    plain.unlink()


def test_aes_pdfs_open_without_a_password_and_are_refused_with_one(kg, tmp_path):
    folder = tmp_path / "briefings"
    folder.mkdir()
    _encrypted_pdf(folder / "locked.pdf", "secret")
    _encrypted_pdf(folder / "restricted.pdf", "")  # owner password only: anyone may read it
    run = subprocess.run([*KG, "build", str(folder), "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "locked.pdf: the PDF is encrypted" in errors[0], run.stderr
    assert "Stellantis" in kg("who", "CATL", "--out", str(tmp_path / "out")).output


def test_mutated_pdfs_are_read_or_refused_in_one_line(tmp_path):
    """Random byte damage makes pypdf raise many types; each must be that file's InputError."""
    import random

    from kg.errors import InputError

    _pdf(tmp_path / "base.pdf", [["CATL and Stellantis agreed to build a plant."], ["Second page of the briefing."]])
    base = (tmp_path / "base.pdf").read_bytes()
    generator = random.Random(7)
    outcomes = {"read": 0, "refused": 0}
    for number in range(150):
        data = bytearray(base)
        for _ in range(generator.choice([1, 4, 16])):
            position = generator.randrange(len(data))
            data[position:position + generator.randint(1, 8)] = bytes(generator.randrange(256) for _ in range(generator.randint(0, 8)))
        path = tmp_path / f"mutant-{number}.pdf"
        path.write_bytes(bytes(data))
        try:
            read_briefing(path)
            outcomes["read"] += 1
        except InputError as error:
            assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
            outcomes["refused"] += 1
    assert outcomes["refused"] > 0, outcomes


@pytest.mark.parametrize("error", [NotImplementedError("filter"), ZeroDivisionError("division by zero"), AssertionError(),
                                   RecursionError("deep"), MemoryError(), OverflowError("big")])
def test_any_reader_failure_is_that_files_error(tmp_path, monkeypatch, error):
    import pypdf

    from kg.errors import InputError

    path = tmp_path / "odd.pdf"
    _pdf(path, [["CATL and Stellantis agreed to build a plant."]])

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(pypdf.PdfReader, "__init__", fail)
    with pytest.raises(InputError, match="odd.pdf: not a readable PDF"):
        read_briefing(path)


@pytest.mark.parametrize("markup", ["<div>" * 100_000 + "CATL and Stellantis" + "</div>" * 100_000,
                                    "<div><span>" * 50_000 + "text" + "</b>" * 100_000])
def test_html_nested_past_the_limit_fails_that_file_quickly(tmp_path, markup):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "deep.html").write_text(f"<html><body>{markup}</body></html>", encoding="utf-8")
    shutil.copy(CATL_SEED, folder / "good.txt")
    run = subprocess.run([*KG, "build", str(folder), "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "deep.html: HTML nested" in run.stderr and "more than the 1000" in run.stderr, run.stderr


def test_html_nested_within_the_limit_is_read():
    page = "<html><body>" + "<div>" * 900 + "<p>CATL and Stellantis</p>" + "</div>" * 900 + "</body></html>"
    assert html_text(page).strip() == "CATL and Stellantis"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_extraction_workers_die_with_a_killed_build(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    long_text = "\n\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))) * 25  # about 1 MB
    for number in range(4):  # each worker is busy with one long file when the build is killed
        (corpus / f"long-{number}.txt").write_text(long_text, encoding="utf-8")
    process = subprocess.Popen([*KG, "build", str(corpus), "--jobs", "3", "--out", str(tmp_path / "out")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = [pid for pid in _children(process.pid) if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        time.sleep(0.1)
    assert len(workers) >= 2, "the build started no extraction workers"
    time.sleep(1.0)
    process.kill()
    process.wait(10)
    deadline = time.monotonic() + 2  # far less than a worker needs for its long file
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
    assert not alive, f"workers outlived their killed build: {alive}"


def test_file_names_cannot_forge_report_lines_and_long_names_are_not_echoed_whole(kg, tmp_path):
    folder = tmp_path / "briefings"
    folder.mkdir()
    shutil.copy(CATL_SEED, folder / "good.txt")
    (folder / "x\nerror: forged.txt").write_text("", encoding="utf-8")  # empty: reported, with its name
    (folder / "y\u202etxt.md").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([*KG, "build", str(folder), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert not any(line.startswith("error: forged") for line in lines), lines
    assert any("x\\nerror: forged.txt: empty file" in line for line in lines), lines
    assert "\u202e" not in run.stderr and any("y\\u202etxt.md: empty file" in line for line in lines), lines
    who = kg("who", "Q" * 100_000, "--out", str(out))
    assert who.exit_code == 1 and len(who.output) < 400 and "…" in who.output, who.output[:400]


def test_files_of_other_formats_in_a_folder_are_counted_in_the_summary(tmp_path):
    folder = tmp_path / "briefings"
    (folder / "notes").mkdir(parents=True)
    shutil.copy(CATL_SEED, folder / "good.txt")
    (folder / "notes" / "minutes.docx").write_bytes(b"PK\x03\x04")
    (folder / "chart.png").write_bytes(b"\x89PNG")
    (folder / ".hidden").write_text("x")
    run = subprocess.run([*KG, "build", str(folder), "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    line = next(line for line in run.stderr.splitlines() if "of other formats left out" in line)
    assert line.startswith("2 file(s)") and "chart.png" in line and "minutes.docx" in line and ".hidden" not in line, line


def test_a_file_past_the_time_limit_is_named_and_the_rest_is_built(kg, tmp_path):
    folder = tmp_path / "briefings"
    folder.mkdir()
    shutil.copy(CATL_SEED, folder / "good.txt")
    long_text = "\n\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    (folder / "long.txt").write_text(long_text * 80, encoding="utf-8")  # about 3 MB: over ten seconds of work
    run = subprocess.run([*KG, "build", str(folder), "--time-limit", "2", "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "long.txt: extraction took longer than 2 s" in errors[0], run.stderr
    assert "Stellantis" in kg("who", "CATL", "--out", str(tmp_path / "out")).output


def test_an_html_pages_masthead_is_no_entity(kg, tmp_path):
    page = tmp_path / "brief.html"
    page.write_text("<html><body><main><h1>MERICS China Industries</h1><p>DECEMBER 19, 2024</p><p>CATL, the world's leading "
                    "battery maker, and European automaker Stellantis agreed to jointly build a new battery plant in Spain.</p>"
                    "</main></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert kg("build", str(page), "--out", str(out)).exit_code == 0
    rows = json.loads(kg("query", "SELECT ?l WHERE { ?x a ?c ; rdfs:label ?l FILTER (?c != cikg:Briefing) }", "--format", "json",
                         "--out", str(out)).output)
    assert sorted(row["l"] for row in rows) == ["CATL", "Spain", "Stellantis"]  # nothing from "MERICS China Industries"
