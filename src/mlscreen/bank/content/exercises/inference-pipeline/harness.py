"""The provided model of the inference-pipeline exercise, built deterministically from generated tickets.

Not secret: candidates `import exercise_support` and call `load_model()`. The model is rebuilt from code, never
unpickled; the supervisor builds the same one to compute expected outputs.
"""

import json

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

TOPICS = {
    "billing": "invoice refund charge payment card price bill charged overcharged subscription receipt vat",
    "technical": "error crash bug login timeout server slow broken install update app loading password",
    "shipping": "delivery parcel courier tracking address late shipped package arrived lost warehouse",
}
FILLER = "please help my the order account today thanks again hello need urgent issue since yesterday"


def generate(n, seed):
    """Return `n` (text, label) pairs of synthetic support tickets."""
    rng = np.random.default_rng(seed)
    labels = sorted(TOPICS)
    filler = FILLER.split()
    rows = []
    for i in range(n):
        label = labels[i % len(labels)]
        words = list(rng.choice(TOPICS[label].split(), size=int(rng.integers(2, 6))))
        other = labels[int(rng.integers(len(labels)))]
        words += list(rng.choice(TOPICS[other].split(), size=int(rng.integers(0, 3))))
        words += list(rng.choice(filler, size=int(rng.integers(2, 8))))
        words += [f"ord{int(n)}" for n in rng.integers(0, 5000, size=3)]  # order numbers: a large vocabulary
        rng.shuffle(words)
        rows.append((" ".join(w.upper() if rng.random() < 0.2 else w for w in words), label))
    return rows


def build_pipeline():
    """Return the fitted scikit-learn pipeline the artifact is exported from."""
    rows = generate(600, seed=20240611)
    pipeline = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression(C=5.0, max_iter=2000))])
    pipeline.fit([t for t, _ in rows], [y for _, y in rows])
    return pipeline


def export(pipeline):
    """Return the model as a JSON text: vocabulary, idf, coefficients, intercepts, classes and preprocessing."""
    tfidf, clf = pipeline.named_steps["tfidf"], pipeline.named_steps["clf"]
    return json.dumps(
        {
            "lowercase": True,
            "token_pattern": tfidf.token_pattern,
            "norm": "l2",
            "vocabulary": {k: int(v) for k, v in tfidf.vocabulary_.items()},
            "idf": tfidf.idf_.tolist(),
            "classes": [str(c) for c in clf.classes_],
            "coef": clf.coef_.tolist(),
            "intercept": clf.intercept_.tolist(),
        }
    )


ARTIFACT = export(build_pipeline())


def load_model():
    """Return the provided model artifact as a dict (parsed from its JSON text, like a file read from disk)."""
    return json.loads(ARTIFACT)
