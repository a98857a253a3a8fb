"""Sandbox-side functions of the fix-feature-pipeline exercise (not secret): fit the candidate's pipeline, transform."""

import numpy as np


def fit_transform_then(submission, train, y, frames):
    """Fit with fit_transform on `train`; return its output, the feature names and the transform of each frame."""
    pipeline = submission.FeaturePipeline()
    features = pipeline.fit_transform(train, y)
    return {
        "train": np.asarray(features, dtype=float),
        "names": [str(n) for n in pipeline.feature_names()],
        "frames": [np.asarray(pipeline.transform(frame), dtype=float) for frame in frames],
    }


def fit_then(submission, train, y, frames):
    """Fit with fit on `train`; return the transform of each frame."""
    pipeline = submission.FeaturePipeline()
    pipeline.fit(train, y)
    return [np.asarray(pipeline.transform(frame), dtype=float) for frame in frames]
