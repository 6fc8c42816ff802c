#!/usr/bin/env python3
"""Checks the demo relation files in data/relations/demo/<lang>/<relation_id>.json.

Usage: python3 tools/relations/validate.py [data/relations/demo]
Exit code 0 when every check passes, 1 otherwise (each problem printed on its own line).

Checks: every file parses; id/name/language/kind present and consistent with the path; every
template has exactly one "{}" and no leading/trailing whitespace; at least MIN_FACTS samples;
fact ids unique within a file and identical across the languages of a relation; every sample
has a subject, an object and non-empty answers that contain the object; no duplicate subjects
within a relation; the expected 12 relations exist in every language.
"""

import json
import os
import sys
import unicodedata

MIN_FACTS = 60
EXPECTED = {
    "country_capital": "country", "country_currency": "country", "country_language": "country",
    "company_ceo": "company", "company_headquarters": "company", "landmark_country": "landmark",
    "person_occupation": "person", "person_native_language": "person", "person_instrument": "person",
    "person_sport": "person", "product_company": "product", "star_constellation": "star",
}


def norm(text):
    """Loose normal form used only to detect duplicate subjects."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def check_file(path, lang, rid, problems):
    where = os.path.relpath(path)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        problems.append(f"{where}: does not parse: {e}")
        return None
    for key in ("id", "name", "language", "kind", "prompt_templates", "samples"):
        if key not in doc or doc[key] in ("", None, []):
            problems.append(f"{where}: missing or empty '{key}'")
    if problems and problems[-1].startswith(where + ": missing"):
        return None
    if doc["id"] != rid:
        problems.append(f"{where}: id {doc['id']!r} does not match the file name")
    if doc["language"] != lang:
        problems.append(f"{where}: language {doc['language']!r} does not match the folder")
    if rid in EXPECTED and doc["kind"] != EXPECTED[rid]:
        problems.append(f"{where}: kind {doc['kind']!r}, expected {EXPECTED[rid]!r}")

    templates = doc["prompt_templates"]
    if len(templates) < 3:
        problems.append(f"{where}: {len(templates)} templates, expected at least 3")
    if len(set(templates)) != len(templates):
        problems.append(f"{where}: duplicate templates")
    for t in templates:
        if not isinstance(t, str) or t.count("{}") != 1:
            problems.append(f"{where}: template {t!r} must contain exactly one '{{}}'")
        elif t != t.strip():
            problems.append(f"{where}: template {t!r} has leading or trailing whitespace")

    samples = doc["samples"]
    if len(samples) < MIN_FACTS:
        problems.append(f"{where}: {len(samples)} samples, expected at least {MIN_FACTS}")
    ids, subjects = set(), {}
    for i, s in enumerate(samples):
        tag = f"{where}: sample {i} ({s.get('id')!r})"
        for key in ("id", "subject", "object"):
            if not isinstance(s.get(key), str) or not s[key].strip():
                problems.append(f"{tag}: missing or empty '{key}'")
        answers = s.get("answers")
        if not isinstance(answers, list) or not answers or not all(isinstance(a, str) and a.strip() for a in answers):
            problems.append(f"{tag}: answers must be a non-empty list of non-empty strings")
        elif s.get("object") not in answers:
            problems.append(f"{tag}: answers do not contain the object {s.get('object')!r}")
        elif len(set(answers)) != len(answers):
            problems.append(f"{tag}: duplicate answers")
        if s.get("id") in ids:
            problems.append(f"{tag}: duplicate fact id")
        ids.add(s.get("id"))
        key = norm(s.get("subject", ""))
        if key in subjects:
            problems.append(f"{tag}: duplicate subject {s.get('subject')!r} (also sample {subjects[key]})")
        subjects[key] = i
        if "{}" in s.get("subject", "") or s.get("subject", "") != s.get("subject", "").strip():
            problems.append(f"{tag}: subject has braces or surrounding whitespace")
    return doc


def main(argv):
    root = argv[0] if argv else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                             "data", "relations", "demo")
    root = os.path.abspath(root)
    problems = []
    langs = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    if not langs:
        print(f"{root}: no language folders")
        return 1
    ids_by_relation = {}  # rid -> {lang: ids}
    counts = {}
    for lang in langs:
        files = sorted(f for f in os.listdir(os.path.join(root, lang)) if f.endswith(".json"))
        present = {f[:-5] for f in files}
        for rid in sorted(set(EXPECTED) - present):
            problems.append(f"{lang}: relation {rid} missing")
        for f in files:
            rid = f[:-5]
            doc = check_file(os.path.join(root, lang, f), lang, rid, problems)
            if doc is None:
                continue
            ids_by_relation.setdefault(rid, {})[lang] = [s.get("id") for s in doc["samples"]]
            counts[(rid, lang)] = len(doc["samples"])
    for rid, by_lang in sorted(ids_by_relation.items()):
        reference_lang = "en" if "en" in by_lang else sorted(by_lang)[0]
        reference = set(by_lang[reference_lang])
        for lang, ids in sorted(by_lang.items()):
            if set(ids) != reference:
                only_here = sorted(set(ids) - reference)[:5]
                only_ref = sorted(reference - set(ids))[:5]
                problems.append(f"{lang}/{rid}: fact ids differ from {reference_lang}: "
                                f"extra {only_here}, missing {only_ref}")
        for lang in langs:
            if lang not in by_lang:
                problems.append(f"{lang}/{rid}: relation present in other languages but not here")

    rids = sorted(ids_by_relation)
    print("relation".ljust(26) + "".join(lang.rjust(6) for lang in langs))
    for rid in rids:
        print(rid.ljust(26) + "".join(str(counts.get((rid, lang), "-")).rjust(6) for lang in langs))
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
