"""Agreement by coding unit, recomputed from a stancemark project file with the reference
implementations: Krippendorff's nominal alpha (the `krippendorff` package) and Cohen's kappa
(scikit-learn), over one code per unit per analyst.

An analyst's code for a unit is their annotation spanning exactly the unit, leaving out codes
under the `eu_code` group; none or several (different stances) is missing. Headings are not
units of agreement. Prints the article's alpha, kappa and percent agreement as JSON.

usage: unit_agreement_reference.py PROJECT.stance.json ANALYST_A ANALYST_B
"""
import json
import math
import sys

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

path, a, b = sys.argv[1:4]
project = json.load(open(path, encoding="utf-8"))["project"]
parents = {s["id"]: s.get("parent") for s in project["stances"]}


def aside(stance):
    while stance is not None:
        if stance == "eu_code":
            return True
        stance = parents.get(stance)
    return False


article = project["articles"][0]
units = [u for u in article["units"] if not u.get("heading")]


def codes_of(analyst):
    out = []
    for u in units:
        found = {
            x["stance"]
            for x in project["annotations"]
            if x["analyst"] == analyst
            and x["article"] == article["id"]
            and x["range"] == {"start": u["start"], "end": u["end"]}
            and not x.get("orphaned")
            and not aside(x["stance"])
        }
        out.append(found.pop() if len(found) == 1 else None)
    return out


ca, cb = codes_of(a), codes_of(b)
index = {s["id"]: i for i, s in enumerate(project["stances"])}
data = np.array(
    [[index[c] if c is not None else np.nan for c in ca], [index[c] if c is not None else np.nan for c in cb]],
    dtype=float,
)
alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
both = [(x, y) for x, y in zip(ca, cb) if x is not None and y is not None]
kappa = cohen_kappa_score([x for x, _ in both], [y for _, y in both])
percent = sum(x == y for x, y in both) / len(both)
print(json.dumps({"alpha": alpha, "kappa": kappa, "percent": percent, "pairs": len(both)}))
