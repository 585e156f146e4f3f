"""Translations that stay in step, on a whole site: a source edit makes its translation stale (a
warning naming the sections, an error under --strict, a notice on the page), `translations` reports
and diffs it, `--sync` clears it; past revisions come from .cache/translations/ or the git history."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from htmltools import parse
from sites import make_site
from sitegen.build import BuildOptions, build
from sitegen.cli import main
from sitegen.errors import SiteError
from sitegen.scaffold import new_post
from sitegen.translate import with_revision

FR = "content/posts/fr/2024-03-01-descente-de-gradient.md"
EN = "content/posts/en/2024-03-01-gradient-descent.md"
FR_PAGE = "fr/2024/03/01/descente-de-gradient/index.html"
EN_PAGE = "en/2024/03/01/gradient-descent/index.html"
EDIT = ("une\nvariance de 1 suffit ici.", "une\nvariance de 1 suffit ici, même sur des données bruitées.")
EN_EDIT = ("a\nvariance of one is enough here.", "a\nvariance of one is enough here, even on noisy data.")


@pytest.fixture
def site(tmp_path):
    return make_site("translations", tmp_path)


def edit(root, path, old, new):
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def stale_warning(section_count: str = '1 section changed since it was made: "Le principe"') -> str:
    return (f"{EN}:4: warning: translation of {FR} is stale: {section_count} "
            f"(see `python site.py translations --diff {EN}`)")


def notice(root, page):
    doc = parse((root / "_site" / page).read_bytes())
    return doc.find("div", **{"class": "stale-notice"})


def cli(capsys, root, *args) -> tuple[int, str, str]:
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def stored(root) -> list[str]:
    folder = root / ".cache/translations"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_in_step_no_warning_no_notice(site):
    report = build(site)
    assert [str(w) for w in report.warnings] == []
    assert notice(site, EN_PAGE) is None and notice(site, FR_PAGE) is None
    named = (site / EN).read_text(encoding="utf-8").split('revision: "')[1][:10]
    assert stored(site) == [f"{named}.json"]   # what later drift is measured from


def test_an_edit_of_the_source_makes_the_translation_stale_then_sync_clears_it(site, capsys):
    build(site)
    edit(site, FR, *EDIT)
    report = build(site)
    assert [str(w) for w in report.warnings] == [stale_warning()]

    box = notice(site, EN_PAGE)
    assert box is not None and box.attrs["role"] == "note"
    assert "This translation may be out of date" in box.text
    [link] = box.find_all("a")
    assert link.attrs == {"href": "/fr/2024/03/01/descente-de-gradient/", "hreflang": "fr", "lang": "fr"}
    assert link.text == "La descente de gradient en 5 minutes"
    assert notice(site, FR_PAGE) is None

    code, out, err = cli(capsys, site, "translations")
    assert code == 1 and stale_warning() in err
    assert 'gradient-descent   fr en      —        en ← fr: stale since' in out and '(1 changed: "Le principe")' in out

    code, out, _ = cli(capsys, site, "translations", "--diff", EN)
    assert code == 1
    assert f'=== "Le principe", {FR}:12' in out
    assert "-variance de 1 suffit ici. Les réglages sont détaillés [plus bas](#en-pratique)." in out
    assert "+variance de 1 suffit ici, même sur des données bruitées. Les réglages sont détaillés" in out

    before = (site / EN).read_text(encoding="utf-8")
    edit(site, EN, *EN_EDIT)                  # the author carries the change over…
    code, out, _ = cli(capsys, site, "translations", "--sync", EN)   # …then says so
    assert code == 0 and f"{EN}: marked as translated from {FR} at revision" in out
    after = (site / EN).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.replace(*EN_EDIT).splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("translated_from: {lang: fr, revision: \"")
    new_revision = changed[0][1].split('"')[1]

    report = build(site)
    assert [str(w) for w in report.warnings] == []
    assert notice(site, EN_PAGE) is None
    assert stored(site) == [f"{new_revision}.json"]   # the old revision is no longer named: gone
    assert cli(capsys, site, "translations")[0] == 0
    code, out, _ = cli(capsys, site, "translations", "--diff", EN)
    assert code == 0 and "is up to date with" in out


def test_whitespace_and_front_matter_edits_leave_it_in_step(site):
    build(site)
    edit(site, FR, "Ce billet la présente en\n3 parties ;", "Ce billet  la présente\nen 3 parties ;")
    edit(site, FR, "categories: [Optimisation]", "categories: [Optimisation, Calcul]\ntags: [gradient]")
    assert [str(w) for w in build(site).warnings] == []


def test_strict_fails_and_leaves_the_output(site):
    build(site)
    page = (site / "_site" / EN_PAGE).read_bytes()
    edit(site, FR, *EDIT)
    with pytest.raises(SiteError) as failure:
        build(site, BuildOptions(strict=True))
    assert stale_warning() in [str(p) for p in failure.value.problems]
    assert (site / "_site" / EN_PAGE).read_bytes() == page


def test_the_notice_can_be_turned_off(site):
    with open(site / "site.yaml", "a", encoding="utf-8") as config:
        config.write("translations:\n  stale_notice: false\n")
    build(site)
    edit(site, FR, *EDIT)
    assert [str(w) for w in build(site).warnings] == [stale_warning()]
    assert notice(site, EN_PAGE) is None


def test_a_bad_setting_is_an_error_at_its_line(site):
    with open(site / "site.yaml", "a", encoding="utf-8") as config:
        config.write("translations:\n  stale_notice: maybe\n")
    with pytest.raises(SiteError) as failure:
        build(site)
    [problem] = failure.value.problems
    line = (site / "site.yaml").read_text(encoding="utf-8").splitlines().index("  stale_notice: maybe") + 1
    assert str(problem) == f"site.yaml:{line}: `translations.stale_notice`: expected true or false, got str 'maybe'"


def test_a_french_translation_says_so_in_french(site, capsys):
    """Roles swapped: the French post is the translation of the English one."""
    en_text = (site / EN).read_text(encoding="utf-8")
    revision_line = next(line for line in en_text.splitlines() if line.startswith("translated_from"))
    edit(site, EN, revision_line + "\n", "")
    edit(site, FR, "translation_key: gradient-descent", "translation_key: gradient-descent\ntranslated_from: en")
    code, out, _ = cli(capsys, site, "translations", "--sync", FR)
    assert code == 0
    build(site)
    edit(site, EN, "Gradient descent follows the slope", "Gradient descent simply follows the slope")
    report = build(site)
    assert [w.message for w in report.warnings] == [
        f"translation of {EN} is stale: 1 section changed since it was made: the introduction "
        f"(see `python site.py translations --diff {FR}`)"]
    box = notice(site, FR_PAGE)
    assert "Cette traduction n'est peut-être plus à jour\u00a0: l'original a été modifié depuis." in box.text
    assert box.find("a").attrs["hreflang"] == "en" and box.find("a").text == "Gradient descent in 5 minutes"
    assert notice(site, EN_PAGE) is None


# --- where past revisions come from --------------------------------------------------------------------

def git(root, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main",
                    *args], cwd=root, check=True, capture_output=True)


def test_without_cache_the_git_history_names_the_sections_and_a_fresh_clone_agrees(site, tmp_path):
    git(site, "init", "-q")
    git(site, "add", "content", "site.yaml")
    git(site, "commit", "-q", "-m", "in step")
    edit(site, FR, *EDIT)
    assert not (site / ".cache").exists()
    assert [str(w) for w in build(site).warnings] == [stale_warning()]
    assert len(stored(site)) == 1    # found in the history, then kept

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(site), str(clone)], check=True, capture_output=True)
    for part in ("templates", "static", "i18n"):
        shutil.copytree(site / part, clone / part, dirs_exist_ok=True)
    edit(clone, FR, *EDIT)
    assert [str(w) for w in build(clone).warnings] == [stale_warning()]


def test_without_cache_or_git_the_translation_is_stale_with_sections_unknown(site):
    build(site)
    shutil.rmtree(site / ".cache")
    edit(site, FR, *EDIT)
    [warning] = build(site).warnings
    assert warning.message.startswith(f"translation of {FR} is stale: its source changed since revision ")
    assert "(which sections is unknown: that version is neither in .cache/translations/ nor in the git history)" in warning.message
    assert notice(site, EN_PAGE) is not None


def test_a_corrupt_store_is_ignored_with_a_warning(site):
    build(site)
    [name] = stored(site)
    (site / ".cache/translations" / name).write_text("{not json", encoding="utf-8")
    edit(site, FR, *EDIT)
    corrupt, drift = sorted(str(w) for w in build(site).warnings)
    assert corrupt.startswith(f".cache/translations/{name}: warning: unreadable record of a past revision, ignored (")
    assert "which sections is unknown" in drift
    assert stored(site) == []          # useless, so removed; nothing else to keep (the source moved on)

    (site / ".cache/translations").mkdir(exist_ok=True)
    (site / ".cache/translations" / name).write_text(json.dumps({"format": 2, "sections": [["title", "x", 1, "y", "0" * 16]]}))
    warnings = [str(w) for w in build(site, BuildOptions(force=True)).warnings]
    assert any("its sections do not hash to its name" in w for w in warnings)

    (site / ".cache/translations").mkdir(exist_ok=True)     # another version's format: set aside quietly
    (site / ".cache/translations" / name).write_text(json.dumps({"format": 1, "sections": []}))
    warnings = [str(w) for w in build(site, BuildOptions(force=True, jobs=1)).warnings]
    assert len(warnings) == 1 and "which sections is unknown" in warnings[0]
    assert stored(site) == []


def test_the_store_is_written_only_by_successful_builds(site):
    edit(site, "content/posts/en/2024-02-01-the-basics.md", "title: The basics", "title: [The basics")
    with pytest.raises(SiteError):
        build(site)
    assert stored(site) == []
    with pytest.raises(SiteError):
        build(site, BuildOptions(strict=True))
    assert stored(site) == []


# --- the command's refusals, and `new` ---------------------------------------------------------------

def test_sync_refuses_what_is_not_a_translation(site, capsys):
    code, out, err = cli(capsys, site, "translations", "--sync", FR)
    assert code == 1 and out == ""
    assert err.startswith(f"{FR}: not a translation: it has no `translated_from`")
    edit(site, EN, "translated_from: {lang: fr,", "translated_from: {lang: de,")
    code, _, err = cli(capsys, site, "translations", "--sync", EN)
    assert code == 1 and "no `de` post has this post's translation_key `gradient-descent` (the translation is orphaned)" in err
    code, out, err = cli(capsys, site, "translations")
    assert code == 1 and "en ← de: orphaned" in out
    code, _, err = cli(capsys, site, "translations", "--diff", "2024-03-01-nothing")
    assert code == 1 and "2024-03-01-nothing: no such post" in err


def test_sync_refuses_a_translated_from_it_cannot_rewrite_alone(site, capsys):
    edit(site, EN, "translated_from: {lang: fr,", '"translated_from": {lang: fr,')
    before = (site / EN).read_bytes()
    edit(site, FR, *EDIT)
    code, _, err = cli(capsys, site, "translations", "--sync", EN)
    assert code == 1 and err.startswith(f"{EN}: could not rewrite `translated_from` alone (unusual formatting?)")
    assert "Traceback" not in err and (site / EN).read_bytes() == before


def test_new_translation_records_what_it_was_made_from(site):
    first, second = new_post(site, "Un essai", translation="A trial", day="2024-04-01")
    assert "translated_from: {lang: fr, revision: " in second.read_text(encoding="utf-8")
    report = build(site, BuildOptions(drafts=True))
    assert [str(w) for w in report.warnings] == []
    edit(site, first.relative_to(site).as_posix(), "La suite du billet.", "La suite, écrite.")
    [warning] = build(site, BuildOptions(drafts=True)).warnings
    assert "is stale: 1 section changed since it was made: the introduction" in warning.message


# --- rewriting the translated_from line ----------------------------------------------------------------

@pytest.mark.parametrize("before, after", [
    ("translated_from: fr\n", 'translated_from: {lang: fr, revision: "abcdef0123"}\n'),
    ('translated_from: {lang: fr, revision: "0123456789"}   # kept\n',
     'translated_from: {lang: fr, revision: "abcdef0123"}   # kept\n'),
    ("translated_from:\n  lang: fr\n  revision: '0123456789'\n", "translated_from:\n  lang: fr\n  revision: \"abcdef0123\"\n"),
    ("translated_from:\n    lang: fr\n", "translated_from:\n    lang: fr\n    revision: \"abcdef0123\"\n"),
    ("translated_from: fr\r\n", 'translated_from: {lang: fr, revision: "abcdef0123"}\r\n'),
])
def test_with_revision_rewrites_that_line_only(before, after):
    head = "---\r\n" if "\r\n" in before else "---\n"
    nl = head[3:]
    text = f"{head}title: x{nl}{before}tags: [a]   # mine{nl}---{nl}Body{nl}\n  indented: 1{nl}"
    assert with_revision(text, "fr", "abcdef0123") == text.replace(before, after)
    with pytest.raises(ValueError):
        with_revision("---\ntitle: x\n---\ntranslated_from: fr\n", "fr", "abcdef0123")


def test_parity_slips_are_build_warnings_unless_turned_off(site):
    edit(site, EN, "goes from 2.5 down to 0.013", "goes from 2.5 down to 0.031")
    [warning] = build(site).warnings
    assert str(warning) == f"{EN}:19: warning: the number 0.031 here is 0,013 in {FR}:18"
    with open(site / "site.yaml", "a", encoding="utf-8") as config:
        config.write("translations: {parity: false}\n")
    assert build(site).warnings == []
