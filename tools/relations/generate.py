#!/usr/bin/env python3
"""Writes data/relations/demo/<lang>/<relation_id>.json from the tables in this folder.

Usage: python3 tools/relations/generate.py [lang ...]   (default: en de fr es)

The JSON files are the product; this script only keeps the four languages consistent
(same fact ids, translations shared through lexicon.py).
"""

import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lexicon import CITIES, COUNTRIES, EN_COUNTRY_ARTICLE, LANGS, LANGUAGES, L  # noqa: E402
import data_company  # noqa: E402
import data_country  # noqa: E402
import data_person  # noqa: E402
import data_place  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "relations", "demo")

ORDER = [
    "country_capital", "country_currency", "country_language", "company_ceo", "company_headquarters",
    "landmark_country", "person_occupation", "person_native_language", "person_instrument",
    "person_sport", "product_company", "star_constellation",
]


def slug(text):
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("ł", "l").replace("Ł", "L").replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# German adjectives decline after the (stripped) article: "der japanische Yen", "im Sternbild des
# Großen Hundes". Add the weak forms so a correct German continuation still matches by prefix.
_DE_CAPITAL_ADJ = {"Groß", "Klein", "Südlich", "Nördlich", "Neu"}
_DE_ADJ = re.compile(r"^([A-Za-zÄÖÜäöüß]+?)(er|es|e) (\S.*)$")


def german_variants(form):
    m = _DE_ADJ.match(form)
    if not m:
        return []
    stem, _, rest = m.groups()
    if not (stem[0].islower() or stem in _DE_CAPITAL_ADJ):
        return []
    return [f"{stem}e {rest}", f"{stem}en {rest}"]


def answers_for(forms, lang):
    out = []
    for f in forms:
        for v in [f] + (german_variants(f) if lang == "de" else []):
            if v not in out:
                out.append(v)
    return out


def country_subject(key, lang):
    name = COUNTRIES[key][lang][0]
    if lang == "en" and key in EN_COUNTRY_ARTICLE:
        return "the " + name
    return name


def build_facts(rid, rel, lang):
    """Returns [(id, subject, answers)] for one relation in one language."""
    facts = []
    for fact in rel["facts"]:
        if rid in ("country_capital", "country_language"):
            country, obj = fact
            table = CITIES if rid == "country_capital" else LANGUAGES
            facts.append((slug(country), country_subject(country, lang), table[obj][lang]))
        elif rid == "country_currency":
            country, cur = fact
            facts.append((slug(country), country_subject(country, lang), cur[lang]))
        elif rid == "company_ceo":
            company, ceo = fact
            facts.append((slug(company), company, L(ceo)[lang]))
        elif rid == "company_headquarters":
            company, city = fact
            facts.append((slug(company), company, CITIES[city][lang]))
        elif rid == "product_company":
            product, maker = fact
            facts.append((slug(product["en"][0]), product[lang][0], L(maker)[lang]))
        elif rid == "landmark_country":
            landmark, country = fact
            facts.append((slug(landmark["en"][0]), landmark[lang][0], COUNTRIES[country][lang]))
        elif rid == "star_constellation":
            star, const = fact
            facts.append((slug(star["en"][0]), star[lang][0], data_place.C[const][lang]))
        elif rid == "person_occupation":
            person, occ, gender = fact
            male, female = data_person.OCC[occ]
            forms = (female or male) if gender == "f" else male
            facts.append((slug(person["en"][0]), person[lang][0], forms[lang]))
        elif rid == "person_native_language":
            person, language = fact
            facts.append((slug(person["en"][0]), person[lang][0], LANGUAGES[language][lang]))
        elif rid == "person_instrument":
            person, instr = fact
            facts.append((slug(person["en"][0]), person[lang][0], data_person.INSTR[instr][lang]))
        elif rid == "person_sport":
            person, sport = fact
            facts.append((slug(person["en"][0]), person[lang][0], data_person.SPORT[sport][lang]))
        else:
            raise KeyError(rid)
    return facts


def all_relations():
    rels = {}
    for module in (data_country, data_company, data_place, data_person):
        rels.update(module.RELATIONS)
    missing = set(ORDER) ^ set(rels)
    if missing:
        raise SystemExit(f"relation set mismatch: {sorted(missing)}")
    return rels


def relation_document(rid, rel, lang):
    samples = []
    for fid, subject, forms in build_facts(rid, rel, lang):
        answers = answers_for(forms, lang)
        samples.append({"id": fid, "subject": subject, "object": answers[0], "answers": answers})
    return {
        "id": rid,
        "name": rel["name"],
        "language": lang,
        "kind": rel["kind"],
        "prompt_templates": rel["templates"][lang],
        "samples": samples,
    }


def main(argv):
    langs = argv or list(LANGS)
    rels = all_relations()
    for lang in langs:
        if lang not in LANGS:
            raise SystemExit(f"unknown language {lang!r}")
        os.makedirs(os.path.join(OUT, lang), exist_ok=True)
        for rid in ORDER:
            doc = relation_document(rid, rels[rid], lang)
            path = os.path.join(OUT, lang, rid + ".json")
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=2)
                f.write("\n")
            os.replace(tmp, path)
            print(f"{lang}/{rid}: {len(doc['samples'])} facts")


if __name__ == "__main__":
    main(sys.argv[1:])
