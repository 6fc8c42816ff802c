"""Writes the translated evaluation facts (de, es, fr, zh, ja) of the paper set from the tables
in translations/<relation>.py.

Each table module holds:
- TEMPLATES: {language: the relation's first template, translated, ending with the language's
  "? Answer:" (ANSWER_CUE)};
- SUBJECTS: one line per evaluation fact, "fact_id | de | es | fr | zh | ja";
- OBJECTS: one line per evaluation fact (same columns), or LEXICON: one line per English object
  ("English object | de | es | fr | zh | ja") for relations whose objects are a closed class;
  with FEMALE (fact ids), the line "<object>#f" gives those facts the feminine forms.
A cell "=" keeps the English form, and a line with the id alone keeps it in every language;
SHARED_SUBJECTS (optional) is a table shared by several relations (people), from which the
lines of the evaluation facts are taken. A cell may list accepted variants after the canonical form,
separated by " / " (subjects take one form). Every evaluation fact needs its lines: a missing
or unknown id stops the build, so that no entry falls back to English unnoticed.

Each written sample lists in "source_form" the fields ("subject", "object") whose canonical form
is the English one, and has "split": "test".
"""

import importlib
import os

LANGUAGES = ["de", "es", "fr", "zh", "ja"]
ANSWER_CUE = {"de": "? Antwort:", "es": "? Respuesta:", "fr": " ? Réponse :", "zh": "？答案：", "ja": "？答え："}
SAME = "="


def parse_table(text, where):
    rows = {}
    for n, line in enumerate(text.strip().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 1:  # a bare id: the English form in every language
            cells += [SAME] * len(LANGUAGES)
        if len(cells) != 1 + len(LANGUAGES):
            raise ValueError(f"{where} line {n}: {len(cells)} cells, expected {1 + len(LANGUAGES)}: {line}")
        key = cells[0]
        if key in rows:
            raise ValueError(f"{where} line {n}: {key} twice")
        forms = {}
        for lang, cell in zip(LANGUAGES, cells[1:]):
            if not cell:
                raise ValueError(f"{where} line {n}: empty cell for {lang}")
            forms[lang] = [f.strip() for f in cell.split(" / ")]
        rows[key] = forms
    return rows


def resolve(forms, english):
    """The forms of one cell with '=' replaced by the English form; duplicates dropped."""
    out = []
    for f in forms:
        f = english if f == SAME else f
        if f not in out:
            out.append(f)
    return out


def translate_relation(rid, en_doc):
    table = importlib.import_module(f"translations.{rid}")
    facts = [s for s in en_doc["samples"] if s.get("split") == "test"]
    ids = {s["id"] for s in facts}
    subjects = parse_table(table.SUBJECTS, f"translations/{rid}.py SUBJECTS")
    if hasattr(table, "SHARED_SUBJECTS"):  # a table shared by several relations: take the rows needed
        shared = parse_table(table.SHARED_SUBJECTS, f"translations/{rid}.py SHARED_SUBJECTS")
        subjects.update({k: v for k, v in shared.items() if k in ids and k not in subjects})
    if hasattr(table, "LEXICON"):
        lexicon = parse_table(table.LEXICON, f"translations/{rid}.py LEXICON")
        objects = {}
        female = getattr(table, "FEMALE", set())
        for s in facts:
            key = s["object"] + "#f" if s["id"] in female and s["object"] + "#f" in lexicon else s["object"]
            if key not in lexicon:
                raise ValueError(f"translations/{rid}.py LEXICON: no line for {key!r}")
            objects[s["id"]] = lexicon[key]
        unknown = sorted(set(female) - ids)
        if unknown:
            raise ValueError(f"translations/{rid}.py FEMALE: not evaluation facts: {unknown}")
    else:
        objects = parse_table(table.OBJECTS, f"translations/{rid}.py OBJECTS")
    for name, rows in (("SUBJECTS", subjects), ("OBJECTS", objects)):
        missing = sorted(ids - set(rows))
        extra = sorted(set(rows) - ids)
        if missing or extra:
            raise ValueError(f"translations/{rid}.py {name}: missing {missing}, extra {extra}")
    docs = {}
    for lang in LANGUAGES:
        template = table.TEMPLATES[lang]
        if not template.endswith(ANSWER_CUE[lang]) or template.count("{}") != 1:
            raise ValueError(f"translations/{rid}.py: template {template!r} ({lang})")
        samples = []
        seen_subjects = {}
        for s in facts:
            subject_forms = resolve(subjects[s["id"]][lang], s["subject"])
            if len(subject_forms) != 1:
                raise ValueError(f"translations/{rid}.py SUBJECTS {s['id']} ({lang}): one form only")
            subject = subject_forms[0]
            if subject in seen_subjects:
                raise ValueError(f"translations/{rid}.py SUBJECTS {s['id']} ({lang}): {subject!r} is also {seen_subjects[subject]}")
            seen_subjects[subject] = s["id"]
            answers = resolve(objects[s["id"]][lang], s["object"])
            kept = [f for f, same in (("subject", subject == s["subject"]), ("object", answers[0] == s["object"])) if same]
            sample = {"id": s["id"], "subject": subject, "object": answers[0], "answers": answers, "split": "test"}
            if kept:
                sample["source_form"] = kept
            samples.append(sample)
        docs[lang] = {
            "id": rid,
            "name": en_doc["name"],
            "language": lang,
            "kind": en_doc["kind"],
            "translation_of": "en",
            "prompt_templates": [template],
            "samples": samples,
        }
    return docs


def write_all(english_docs, out, write_json):
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for rid, en_doc in english_docs.items():
        try:
            importlib.import_module(f"translations.{rid}")
        except ModuleNotFoundError:
            print(f"{rid}: no translation table yet")
            continue
        for lang, doc in translate_relation(rid, en_doc).items():
            write_json(os.path.join(out, lang, rid + ".json"), doc)
        kept = {lang: sum(1 for s in doc["samples"] if "subject" in s.get("source_form", [])) for lang, doc in translate_relation(rid, en_doc).items()}
        print(f"{rid}: translated; subjects kept in the English form: {kept}")
    return 0
