"""Recomputes stancemark's per-unit agreement with the field's reference implementations.

    python3 agreement_reference.py PROJECT.stance.json AGREEMENT.json

PROJECT is a project file (format 8); AGREEMENT is `stancemark agreement PROJECT --unit char
--format json` of it. For every kappa and alpha row, the value is recomputed from the project
with scikit-learn's `cohen_kappa_score` and the `krippendorff` package (nominal), and percent
agreement by its definition, following stancemark's rules:

- an analyst counts on an article when they marked it coded or have an annotation there;
- the stances of an article are those its counting analysts (of the row's group) used;
- a unit (here a code point, a Python string index) is coded with a stance by an analyst when
  it lies inside one of their non-orphaned passages of that stance;
- "overall" pools the (unit, stance) decisions; the corpus pools the articles.

An undefined value is null in stancemark's JSON and nan (kappa) or a ValueError (alpha) here.
Prints one line per mismatch and exits 1 when there is any.
"""

import json
import math
import sys
import warnings

import numpy as np
import krippendorff
from sklearn.metrics import cohen_kappa_score

warnings.simplefilter("ignore")


def load(project_path):
    with open(project_path, encoding="utf-8") as f:
        project = json.load(f)["project"]
    texts = {a["id"]: a["text"] for a in project["articles"]}
    coded = {(m["article"], m["analyst"]) for m in project.get("team", {}).get("coded", [])}
    passages = {}  # (article, analyst) -> {stance: [(start, end)]}
    anyone = set()  # (article, analyst) with any annotation
    for a in project["annotations"]:
        key = (a["article"], a["analyst"])
        anyone.add(key)
        if a.get("orphaned"):
            continue
        r = a["range"]
        if r["end"] > r["start"]:
            passages.setdefault(key, {}).setdefault(a["stance"], []).append((r["start"], r["end"]))
    return texts, coded, passages, anyone


def decisions(texts, coded, passages, anyone, article, group, only_stance):
    """{stance: list of per-unit rows (one value per analyst, None when missing)}."""
    counting = [a for a in group if (article, a) in coded or (article, a) in anyone]
    if only_stance is not None:
        stances = [only_stance]
    else:
        stances = sorted({s for a in counting for s in passages.get((article, a), {})})
    n = len(texts[article])
    out = {}
    for s in stances:
        columns = []
        for a in group:
            if a not in counting:
                columns.append([None] * n)
                continue
            coded_units = np.zeros(n, dtype=bool)
            for start, end in passages.get((article, a), {}).get(s, []):
                coded_units[start:end] = True
            columns.append([bool(x) for x in coded_units])
        out[s] = [list(row) for row in zip(*columns)] if columns else []
    return counting, out


def kappa(items):
    pairs = [(x, y) for x, y in items if x is not None and y is not None]
    if not pairs:
        return None
    a = [int(x) for x, _ in pairs]
    b = [int(y) for _, y in pairs]
    value = cohen_kappa_score(a, b, labels=[0, 1])
    return None if math.isnan(value) else float(value)


def alpha(items):
    if not items:
        return None
    data = np.array(
        [[np.nan if v is None else float(v) for v in row] for row in items], dtype=float
    ).T  # raters x units
    try:
        value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:
        return None
    return None if math.isnan(value) else float(value)


def percent(items):
    given = [[v for v in row if v is not None] for row in items]
    given = [g for g in given if len(g) >= 2]
    if not given:
        return None
    return sum(all(v == g[0] for v in g) for g in given) / len(given)


def main():
    texts, coded, passages, anyone = load(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        report = json.load(f)
    assert report["format"] == "stancemark-agreement", report.get("format")
    measures = {"kappa": kappa, "alpha": alpha, "percent": percent}
    mismatches, checked = 0, 0
    for row in report["rows"]:
        if row["measure"] not in measures:
            continue
        assert row["unit"] == "char", "run stancemark agreement with --unit char"
        group = row["analysts"].split(";")
        stance = row["stance_id"]
        articles = [row["article_id"]] if row["article_id"] else list(texts)
        pooled = []
        for article in articles:
            counting, by_stance = decisions(texts, coded, passages, anyone, article, group, stance)
            if len(counting) < 2 or (row["measure"] == "kappa" and len(counting) < len(group)):
                continue
            for s, items in by_stance.items():
                if stance is None or s == stance:
                    pooled.extend(items)
        expected = measures[row["measure"]](pooled)
        got = row["value"]
        checked += 1
        same = (expected is None and got is None) or (
            expected is not None and got is not None and abs(expected - got) <= 1e-9
        )
        if not same:
            mismatches += 1
            print(
                f"{row['measure']} {row['article_title'] or 'corpus'} / "
                f"{row['stance_label'] or 'overall'} / {row['analysts']}: "
                f"stancemark {got}, reference {expected}"
            )
    print(f"{checked} rows checked against scikit-learn and krippendorff, {mismatches} differ")
    sys.exit(1 if mismatches or checked == 0 else 0)


if __name__ == "__main__":
    main()
