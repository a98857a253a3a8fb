"""Features for a churn model, fixed: every statistic comes from fit, and the city is encoded out of fold."""

import numpy as np
import pandas as pd

SMOOTHING = 10.0


def _city_table(city, y):
    prior = float(np.mean(y))
    frame = pd.DataFrame({"city": np.asarray(city, dtype=object), "y": y})
    frame = frame[frame["city"].notna()]
    stats = frame.groupby("city")["y"].agg(["sum", "count"])
    return prior, (stats["sum"] + SMOOTHING * prior) / (stats["count"] + SMOOTHING)


class FeaturePipeline:
    """Imputes and scales numbers, one-hot encodes the plan and target-encodes the city."""

    def fit(self, df, y):
        """Learn the statistics from the training rows; return self."""
        y = np.asarray(y, dtype=float)
        numbers = df[["age", "income"]].astype(float)
        self.medians_ = numbers.median()
        numbers = numbers.fillna(self.medians_)
        self.means_ = numbers.mean()
        std = numbers.std(ddof=0)
        self.stds_ = std.where(std != 0, 1.0)
        self.prior_, self.city_means_ = _city_table(df["city"], y)
        self.plans_ = sorted(df["plan"].dropna().unique().tolist())
        return self

    def _numbers_and_plans(self, df):
        numbers = df[["age", "income"]].astype(float).fillna(self.medians_)
        numbers = (numbers - self.means_) / self.stds_
        plans = np.zeros((len(df), len(self.plans_)))
        for j, plan in enumerate(self.plans_):
            plans[:, j] = (df["plan"] == plan).to_numpy(dtype=float)
        return numbers.to_numpy(), plans

    def transform(self, df):
        """Return the features of `df`."""
        numbers, plans = self._numbers_and_plans(df)
        city = df["city"].map(self.city_means_).astype(float).fillna(self.prior_)
        return np.column_stack([numbers, plans, city.to_numpy()])

    def fit_transform(self, df, y):
        """Fit, then return the training features."""
        self.fit(df, y)
        y = np.asarray(y, dtype=float)
        numbers, plans = self._numbers_and_plans(df)
        city = np.zeros(len(df))
        fold = np.arange(len(df)) % 5
        for k in range(5):
            mask = fold == k
            if not mask.any():
                continue
            prior, means = _city_table(df["city"].to_numpy()[~mask], y[~mask])
            city[mask] = df["city"][mask].map(means).astype(float).fillna(prior).to_numpy()
        return np.column_stack([numbers, plans, city])

    def feature_names(self):
        """Return the names of the feature columns, in order."""
        return ["age", "income", *[f"plan={plan}" for plan in self.plans_], "city_te"]
