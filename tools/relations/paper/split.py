"""The project's seeded prompt split, as src/RelationNeurons/Data/PromptSplitter.cs makes it.

build.py uses it once to choose the paper set's evaluation facts (P^eva) with seed 0; the
test PaperRelationsTests.StoredSplitIsTheSplittersSplit checks that the C# splitter, given the
same facts without their split marks, holds out exactly the stored facts. Keep the two in step.
"""

import unicodedata

MASK = (1 << 64) - 1


class SplitMix64:
    """SplitMix64 (Vigna), as RelationNeurons.Randomness.SplitMix64."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def next_int(self, bound):
        limit = MASK - (MASK % bound)
        while True:
            x = self.next_u64()
            if x < limit:
                return x % bound

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.next_int(i + 1)
            items[i], items[j] = items[j], items[i]

    @staticmethod
    def for_stream(seed, name):
        h = 0xCBF29CE484222325
        for b in name.encode("utf-8"):
            h ^= b
            h = (h * 0x100000001B3) & MASK
        return SplitMix64(SplitMix64(seed ^ h).next_u64())


def slug(text):
    """RelationNeurons.Data.Slug.From: NFKD, marks dropped, lower case, runs of anything but
    letters and digits become one '_' (none at either end)."""
    out = []
    pending = False
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.category(ch) == "Mn":
            continue
        c = ch.lower() if len(ch.lower()) == 1 else ch
        cat = unicodedata.category(c)
        if cat[0] == "L" or cat == "Nd":
            if pending and out:
                out.append("_")
            pending = False
            out.append(c)
        else:
            pending = True
    return "".join(out)


def ordinal_key(s):
    """C#'s StringComparer.Ordinal compares UTF-16 code units."""
    return s.encode("utf-16-be")


def test_size(candidates):
    """TestSize.Auto: 50 when a relation has at least 100 candidate facts, else 25 %."""
    if candidates >= 100:
        return 50
    return int(candidates * 0.25 + 0.5)


def choose_test_facts(relations, seed=0):
    """relations: {relation_id: [(fact_id, subject), ...]} in one language (English).
    Returns {relation_id: set(fact_id)} as PromptSplitter.ChooseTestFacts does for a set
    whose relations all leave the split to the seeded draw."""
    ids = sorted(relations, key=ordinal_key)
    # Subject groups: facts joined when their subjects have the same slug.
    parent = {}
    order_of_nodes = []

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    index = {}
    by_key = {}
    for rid in ids:  # RelationSet.All: by language, then relation id
        for fid, subject in relations[rid]:
            node = (rid, fid)
            if node not in index:
                index[node] = len(order_of_nodes)
                order_of_nodes.append(node)
                parent[index[node]] = index[node]
            s = slug(subject)
            key = s if s else subject
            n = index[node]
            if key in by_key:
                a, b = find(n), find(by_key[key])
                if a != b:
                    if a < b:
                        parent[b] = a
                    else:
                        parent[a] = b
            else:
                by_key[key] = n
    members = {}
    for i, node in enumerate(order_of_nodes):
        members.setdefault(find(i), []).append(node)

    def group(rid, fid):
        return find(index[(rid, fid)])

    plans = {}
    for rid in ids:
        candidates = sorted({fid for fid, _ in relations[rid]}, key=ordinal_key)
        n = test_size(len(candidates))
        if n < 1 or n >= len(candidates):
            raise ValueError(f"{rid}: too few facts")
        order = list(candidates)
        SplitMix64.for_stream(seed, rid).shuffle(order)
        plans[rid] = (order, set(candidates), n)

    decided = {}
    count = {rid: 0 for rid in ids}
    position = {rid: 0 for rid in ids}
    drew = True
    while drew:
        drew = False
        for rid in ids:
            order, _, n = plans[rid]
            if count[rid] >= n:
                continue
            pos = position[rid]
            while pos < len(order) and group(rid, order[pos]) in decided:
                pos += 1
            if pos == len(order):
                position[rid] = pos
                continue
            g = group(rid, order[pos])
            position[rid] = pos + 1
            drew = True
            ms = members[g]
            per = {}
            for r, _ in ms:
                per[r] = per.get(r, 0) + 1
            fits = all(r in plans and f in plans[r][1] for r, f in ms) and \
                all(count[r] + k <= plans[r][2] for r, k in per.items())
            decided[g] = fits
            if fits:
                for r, _ in ms:
                    count[r] += 1
    result = {}
    for rid in ids:
        if count[rid] < plans[rid][2]:
            raise ValueError(f"{rid}: only {count[rid]} test facts")
        result[rid] = {fid for fid, _ in relations[rid] if decided.get(group(rid, fid), False)}
    return result
