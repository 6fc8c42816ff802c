#!/usr/bin/env python3
"""Writes the built-in relation set 'paper' (data/relations/paper/) from the LRE files in
data/lre/ and the translation tables in this folder.

Usage: python3 tools/relations/paper/build.py

- en/<relation>.json: every LRE fact of the relation under the paper's relation name, with the
  LRE templates in the paper's prompt format ("The CEO of {} is? Answer:"), the fact ids the
  project's reader derives from the LRE file, the 50 evaluation facts (P^eva) marked
  "split": "test" (chosen once with the project's seeded splitter, seed 0, see split.py), the
  second template (P^eva-2) and the object sentences.
- de|es|fr|zh|ja/<relation>.json: the 50 evaluation facts, translated (translations/*.py).
- LICENSE (LRE's MIT licence) beside them.

The JSON files are the product; run this script after changing a table and commit both.
"""

import json
import os
import re
import shutil
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from relations import (ALTERNATIVE_TEMPLATES, ANSWER_CUE, NEEDS_THE, RELATION_WORDS,  # noqa: E402
                       RELATIONS, SENTENCE_FRAMES)
from split import choose_test_facts, slug  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LRE = os.path.join(ROOT, "data", "lre")
OUT = os.path.join(ROOT, "data", "relations", "paper")
SEED = 0
MAX_SENTENCES = 50
SOURCE = "LRE: Hernandez et al. 2024, Linearity of Relation Decoding in Transformer Language Models (github.com/evandez/relations, data/factual, commit 1b9ec3c); MIT licence, see LICENSE"
# Objects that are not instruments / not sensible in a sentence frame.
SENTENCE_EXCLUDE = {"person_plays_instrument": {"singing", "slide"}}


def read_lre(rid):
    """The facts of an LRE file as RelationReader reads it: rows of one subject are one fact
    (answers = their objects, in order); the id is the subject's slug, '_2', '_3'... when taken."""
    file, _ = RELATIONS[rid]
    with open(os.path.join(LRE, file), encoding="utf-8") as f:
        doc = json.load(f)
    facts = []
    by_subject = {}
    ids = set()
    for i, row in enumerate(doc["samples"]):
        subject, obj = row["subject"].strip(), row["object"].strip()
        if subject in by_subject:
            fact = facts[by_subject[subject]]
            if obj not in fact["answers"]:
                fact["answers"].append(obj)
            continue
        base = slug(subject) or f"fact_{i}"
        fid, n = base, 2
        while fid in ids:
            fid, n = f"{base}_{n}", n + 1
        ids.add(fid)
        by_subject[subject] = len(facts)
        facts.append({"id": fid, "subject": subject, "object": obj, "answers": [obj]})
    return doc, facts


def tokens(text):
    return [t for t in re.split(r"_", slug(text)) if t]


def contains_tokens(haystack, needle):
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def has_relation_word(text, words):
    return any(re.search(r"\b" + re.escape(w), text, re.IGNORECASE) for w in words)


def object_sentences(rid, facts):
    """Up to 50 sentences from the relation's frames: objects by frequency (then first
    appearance), each round gives every object the next frame; no sentence contains a subject
    of the relation or a word naming the relation."""
    frames = SENTENCE_FRAMES[rid]
    counts = Counter(a for f in facts for a in f["answers"])
    first = {}
    for f in facts:
        for a in f["answers"]:
            first.setdefault(a, len(first))
    subjects = [tokens(f["subject"]) for f in facts]
    objects = []
    for obj in sorted(counts, key=lambda o: (-counts[o], first[o])):
        if obj in SENTENCE_EXCLUDE.get(rid, set()):
            continue
        if has_relation_word(obj, RELATION_WORDS[rid]):
            continue
        ot = tokens(obj)
        if any(contains_tokens(ot, s) for s in subjects):
            continue
        objects.append(obj)
    sentences = []
    for rnd in range(len(frames)):
        for j, obj in enumerate(objects):
            if len(sentences) >= MAX_SENTENCES:
                return sentences
            frame = frames[(j + rnd) % len(frames)]
            shown = f"the {obj}" if obj in NEEDS_THE else obj
            text = frame.replace("{}", shown, 1)
            if text[0].islower():
                text = text[0].upper() + text[1:]
            if obj not in text:
                continue
            tt = tokens(text)
            if any(contains_tokens(tt, s) for s in subjects) or has_relation_word(text, RELATION_WORDS[rid]):
                continue
            sentences.append({"object": obj, "text": text})
        if len(objects) >= MAX_SENTENCES:
            break
    return sentences


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def english(rid, doc, facts, test_ids):
    _, name = RELATIONS[rid]
    samples = []
    for f in facts:
        s = dict(f)
        if f["id"] in test_ids:
            s["split"] = "test"
        samples.append(s)
    return {
        "id": rid,
        "name": name,
        "language": "en",
        "kind": doc["properties"]["domain_name"],
        "source": {"data_set": SOURCE, "file": RELATIONS[rid][0], "name": doc["name"], "samples": len(doc["samples"])},
        "prompt_templates": [t + ANSWER_CUE for t in doc["prompt_templates"]],
        "alternative_templates": [ALTERNATIVE_TEMPLATES[rid]],
        "samples": samples,
        "object_sentences": object_sentences(rid, facts),
    }


def main():
    loaded = {rid: read_lre(rid) for rid in RELATIONS}
    split = choose_test_facts({rid: [(f["id"], f["subject"]) for f in facts] for rid, (_, facts) in loaded.items()}, SEED)
    os.makedirs(OUT, exist_ok=True)
    shutil.copyfile(os.path.join(LRE, "LICENSE"), os.path.join(OUT, "LICENSE"))
    english_docs = {}
    for rid, (doc, facts) in loaded.items():
        en = english(rid, doc, facts, split[rid])
        english_docs[rid] = en
        write_json(os.path.join(OUT, "en", rid + ".json"), en)
        print(f"en/{rid}: {len(facts)} facts ({len(doc['samples'])} LRE rows), "
              f"{len(split[rid])} test, {len(en['object_sentences'])} object sentences")
    try:
        import translate
    except ImportError:
        return 0
    return translate.write_all(english_docs, OUT, write_json)


if __name__ == "__main__":
    sys.exit(main())
