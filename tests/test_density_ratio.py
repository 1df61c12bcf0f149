"""Tests for audit/density_ratio.py: the DOMIAS density-ratio membership attack.

Seeded; tolerances come from theory (Hanley-McNeil standard error at AUC 0.5, Clopper-Pearson
bounds, floating-point error of a sum of a few terms), never from a number seen in one run.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import logsumexp

from audit.density_ratio import MixedKernelDensity, density_ratio_attack, density_ratio_scores
from audit.membership import _robust_range
from audit.results import AttackResult, ThreatModel
from privacy.errors import InvalidInputError

SECRET = "SECRET-12345"
NUMERIC = ["x", "y", "w"]
CATEGORICAL = ["grp", "colour"]


def se_at_half(n1: int, n2: int) -> float:
    """Hanley-McNeil SE of the AUC under the null (AUC 0.5): sqrt((n1+n2+1) / (12 n1 n2))."""
    return math.sqrt((n1 + n2 + 1) / (12 * n1 * n2))


def population(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Mixed rows with dependence: y follows x, w and grp shift with x."""
    x = rng.normal(0, 1, n)
    y = 0.6 * x + rng.normal(0, 0.8, n)
    w = rng.gamma(2.0, 1.5, n) + 0.5 * (x > 0)
    grp = np.where(
        x + rng.normal(0, 0.5, n) > 0, rng.choice(["a", "b"], n), rng.choice(["b", "c", "d"], n)
    )
    colour = rng.choice(["red", "green", "blue", "grey", "teal"], n, p=[0.4, 0.25, 0.15, 0.1, 0.1])
    return pd.DataFrame(
        {"x": x.round(3), "y": y.round(3), "w": w.round(2), "grp": grp, "colour": colour}
    )


def split(seed: int) -> tuple[np.random.Generator, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """300 members, 300 other rows as non-members and 1,000 further rows as the reference."""
    rng = np.random.default_rng(seed)
    return rng, population(300, rng), population(300, rng), population(1000, rng)


def leaky_synthetic(members: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """An overfitting generator: its training rows with small jitter, plus fresh draws."""
    copies = members.copy()
    for col in NUMERIC:
        copies[col] = copies[col] + rng.normal(0, 0.01, len(copies))
    return pd.concat([copies, population(300, rng)], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# The attack must be able to fail, and must not cry wolf


def test_overfitting_generator_is_detected() -> None:
    rng, members, non_members, reference = split(1)
    result = density_ratio_attack(
        synthetic=leaky_synthetic(members, rng), reference=reference, members=members,
        non_members=non_members, rng=rng,
    )
    assert result.attack == "density ratio (DOMIAS)"
    assert result.threat_model is ThreatModel.BLACK_BOX_SYNTHETIC
    assert result.beats_baseline  # the AUC interval lies wholly above 0.5
    low = result.tpr_at_fpr[0.01]
    assert low.resolvable
    # At most 3 false positives of 300; the Clopper-Pearson lower bound of the TPR clears 1%.
    assert low.false_positives <= 3
    assert low.tpr.lower > 0.01


def test_independent_synthetic_gives_auc_near_one_half() -> None:
    """Members, non-members, synthetic and reference rows are independent draws of one
    population, so member and non-member scores are exchangeable and the AUC's null holds."""
    rng, members, non_members, reference = split(2)
    result = density_ratio_attack(
        synthetic=population(600, rng), reference=reference, members=members,
        non_members=non_members, rng=rng,
    )
    z = float(stats.norm.ppf(0.995))
    assert abs(result.auc.value - 0.5) <= z * se_at_half(300, 300)


def test_non_members_in_the_reference_inflate_the_attack() -> None:
    """The documented pitfall is real: with no leak at all, putting the non-member targets
    among the reference rows makes the attack look strong, and the notes count them."""
    rng, members, non_members, reference = split(3)
    synthetic = population(600, rng)
    honest = density_ratio_attack(
        synthetic=synthetic, reference=reference, members=members, non_members=non_members,
        rng=rng,
    )
    z = float(stats.norm.ppf(0.995))
    assert abs(honest.auc.value - 0.5) <= z * se_at_half(300, 300)
    assert "appear verbatim" not in honest.notes
    assert "must be disjoint from the non-member targets" in honest.notes
    tainted = density_ratio_attack(
        synthetic=synthetic, reference=pd.concat([reference, non_members], ignore_index=True),
        members=members, non_members=non_members, rng=rng,
    )
    assert tainted.beats_baseline
    assert "300 of 300 non-member targets appear verbatim" in tainted.notes


# ---------------------------------------------------------------------------------------------
# Properties


def test_scores_do_not_depend_on_row_order() -> None:
    rng, members, non_members, reference = split(4)
    synthetic = leaky_synthetic(members, rng)
    cols = {"numeric": NUMERIC, "categorical": CATEGORICAL}
    shuffled = synthetic.sample(frac=1.0, random_state=7)
    ref_shuffled = reference.sample(frac=1.0, random_state=8)
    targets = pd.concat([members, non_members], ignore_index=True)
    a = density_ratio_scores(
        targets,
        synthetic_density=MixedKernelDensity(synthetic, **cols),
        reference_density=MixedKernelDensity(reference, **cols),
    )
    b = density_ratio_scores(
        targets,
        synthetic_density=MixedKernelDensity(shuffled, **cols),
        reference_density=MixedKernelDensity(ref_shuffled, **cols),
    )
    # Only the summation order inside log-sum-exp changes: a few ulps of the log densities.
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    first = density_ratio_attack(
        synthetic=synthetic, reference=reference, members=members, non_members=non_members,
        rng=np.random.default_rng(0),
    )
    second = density_ratio_attack(
        synthetic=shuffled, reference=ref_shuffled, members=members, non_members=non_members,
        rng=np.random.default_rng(1),
    )
    assert first.auc == second.auc
    assert first.roc == second.roc


def test_missing_values_datetime_strings_and_extreme_targets() -> None:
    rng, members, non_members, reference = split(5)
    synthetic = leaky_synthetic(members, rng)

    def decorate(table: pd.DataFrame) -> pd.DataFrame:
        out = table.copy()
        days = np.floor((out["x"].to_numpy() + 4) * 90).astype(int)
        out["when"] = (pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D")).strftime(
            "%Y-%m-%d"
        )
        out["id"] = [f"ID-{i}" for i in range(len(out))]  # an extra column, ignored
        every = slice(None, None, 7)
        out.loc[out.index[every], "y"] = np.nan
        out.loc[out.index[1::9], "grp"] = None
        out.loc[out.index[2::11], "when"] = None
        return out

    synthetic, reference = decorate(synthetic), decorate(reference)
    members, non_members = decorate(members), decorate(non_members)
    members.loc[members.index[0], "w"] = 1e300
    members.loc[members.index[1], "w"] = np.inf
    members.loc[members.index[2], "colour"] = "never-seen"
    synthetic = synthetic.drop(columns=["id"])
    result = density_ratio_attack(
        synthetic=synthetic, reference=reference, members=members, non_members=non_members,
        rng=rng, datetime=["when"],
    )
    assert result.n_members == 300 and result.n_non_members == 300
    assert result.beats_baseline
    assert "4 numeric/date and 2 categorical" in result.notes

    cols = {"numeric": NUMERIC, "categorical": CATEGORICAL, "datetime": ["when"]}
    scores = density_ratio_scores(
        members,
        synthetic_density=MixedKernelDensity(synthetic, **cols),
        reference_density=MixedKernelDensity(reference, **cols),
    )
    assert np.isfinite(scores).all()


def test_iso_dates_are_read_as_days() -> None:
    rng = np.random.default_rng(6)
    days = rng.integers(0, 700, 200).astype(float)
    days[::13] = np.nan
    stamps = pd.Timestamp("2000-01-01") + pd.to_timedelta(np.nan_to_num(days), unit="D")
    iso = pd.Series(stamps.strftime("%Y-%m-%d")).where(~np.isnan(days))
    as_dates = MixedKernelDensity(pd.DataFrame({"d": iso}), datetime=["d"])
    as_days = MixedKernelDensity(pd.DataFrame({"d": days}), numeric=["d"])
    assert as_dates.bandwidths["d"] == pytest.approx(as_days.bandwidths["d"], rel=1e-12)
    t_days = np.array([0.0, 350.0, 699.0, 5000.0, np.nan])
    t_stamps = pd.Timestamp("2000-01-01") + pd.to_timedelta(np.nan_to_num(t_days), unit="D")
    t_iso = pd.Series(t_stamps.strftime("%Y-%m-%d")).where(~np.isnan(t_days))
    np.testing.assert_allclose(
        as_dates.log_density(pd.DataFrame({"d": t_iso})),
        as_days.log_density(pd.DataFrame({"d": t_days})),
        rtol=1e-12,
    )


def test_subsampling_uses_the_limits() -> None:
    rng, members, non_members, reference = split(7)
    synthetic = leaky_synthetic(members, rng)

    def run() -> AttackResult:
        return density_ratio_attack(
            synthetic=synthetic, reference=reference, members=members, non_members=non_members,
            rng=np.random.default_rng(0), max_synthetic_rows=250, max_reference_rows=400,
        )

    result = run()
    assert "p_syn on 250 of 600 synthetic rows" in result.notes
    assert "p_ref on 400 of 1000 reference rows" in result.notes
    assert run() == result  # the subsample is a function of the seed


# ---------------------------------------------------------------------------------------------
# The density estimate by hand


def test_numeric_log_density_matches_a_gaussian_kde_by_hand() -> None:
    x = np.array([0.0, 1.0, 2.5, 4.0, 10.0, 3.2, -1.5])
    kde = MixedKernelDensity(pd.DataFrame({"v": x}), numeric=["v"])
    # Scott's rule on the column scaled by its 1%-99% range, d = 1 column.
    r = _robust_range(x)
    z = (x - np.median(x)) / r
    q25, q75 = np.quantile(z, [0.25, 0.75])
    sigma = min(float(np.std(z, ddof=1)), float(q75 - q25) / 1.349)
    bandwidth = r * sigma * len(x) ** (-1 / 5)
    assert kde.bandwidths["v"] == pytest.approx(bandwidth, rel=1e-12)

    targets = np.array([-3.0, 0.0, 1.7, 4.0, 25.0])
    got = kde.log_density(pd.DataFrame({"v": targets}))
    by_hand = np.log(stats.norm.pdf(targets[:, None], loc=x[None, :], scale=bandwidth).mean(1))
    np.testing.assert_allclose(got, by_hand, rtol=0, atol=1e-9)
    # scipy's gaussian_kde with the same kernel width: its factor multiplies the data's sd.
    scipy_kde = stats.gaussian_kde(x, bw_method=bandwidth / np.std(x, ddof=1))
    np.testing.assert_allclose(got, scipy_kde.logpdf(targets), rtol=0, atol=1e-9)

    # Far from every row the naive density underflows to 0; log-sum-exp keeps it finite.
    far = 1e4
    far_value = kde.log_density(pd.DataFrame({"v": [far]}))[0]
    assert math.isfinite(far_value)
    exponents = -0.5 * ((far - x) / bandwidth) ** 2
    expected = logsumexp(exponents) - math.log(len(x)) - math.log(bandwidth * math.sqrt(2 * math.pi))
    assert far_value == pytest.approx(expected, rel=1e-12)


def test_categorical_and_missing_kernels_by_hand() -> None:
    cat = MixedKernelDensity(pd.DataFrame({"c": ["a", "a", "b", None]}), categorical=["c"])
    c, n, d = 4, 4, 1  # labels a, b, missing, plus one for every unseen label
    lam = (c - 1) / c * n ** (-2 / (d + 4))
    assert cat.lambdas["c"] == pytest.approx(lam, rel=1e-12)
    eq, ne = 1 - lam, lam / (c - 1)
    expected = {
        "a": (2 * eq + 2 * ne) / n,
        "b": (eq + 3 * ne) / n,
        None: (eq + 3 * ne) / n,
        "unseen": ne,
    }
    got = np.exp(cat.log_density(pd.DataFrame({"c": list(expected)})))
    np.testing.assert_allclose(got, list(expected.values()), rtol=1e-12)
    assert got.sum() == pytest.approx(1.0, rel=1e-12)  # the kernel sums to one over c labels
    # Labels compare as strings: 1 and "1" are the same label.
    ints = MixedKernelDensity(pd.DataFrame({"c": [1, 1, 2]}), categorical=["c"])
    np.testing.assert_allclose(
        ints.log_density(pd.DataFrame({"c": ["1"]})), ints.log_density(pd.DataFrame({"c": [1]}))
    )

    num = MixedKernelDensity(pd.DataFrame({"v": [1.0, np.nan]}), numeric=["v"])
    h = num.bandwidths["v"]
    got = np.exp(num.log_density(pd.DataFrame({"v": [np.nan, 1.0]})))
    present = stats.norm.pdf(0.0, scale=h)
    np.testing.assert_allclose(got, [(1e-6 + 1.0) / 2, (present + 1e-6) / 2], rtol=1e-12)


def test_constant_column_keeps_a_positive_bandwidth() -> None:
    kde = MixedKernelDensity(pd.DataFrame({"v": [5.0] * 50}), numeric=["v"])
    assert kde.bandwidths["v"] > 0
    values = kde.log_density(pd.DataFrame({"v": [5.0, 6.0, 1e12]}))
    assert np.isfinite(values).all() and values[0] > values[1] > values[2]


# ---------------------------------------------------------------------------------------------
# Bad input: refused, with no cell value in the message


def secret_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng, members, non_members, reference = split(8)
    synthetic = population(100, rng)
    for table in (synthetic, members, non_members, reference):
        table.loc[table.index[0], "colour"] = SECRET
    return synthetic, reference, members, non_members


def refused(**changes: object) -> str:
    synthetic, reference, members, non_members = secret_tables()
    kwargs: dict[str, object] = {
        "synthetic": synthetic, "reference": reference, "members": members,
        "non_members": non_members, "rng": np.random.default_rng(0),
    }
    kwargs.update(changes)
    with pytest.raises(InvalidInputError) as info:
        density_ratio_attack(**kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert SECRET not in message
    return message


def test_bad_input_is_refused_without_values() -> None:
    synthetic, reference, members, non_members = secret_tables()
    assert "synthetic must be a non-empty DataFrame" in refused(synthetic=synthetic.iloc[:0])
    assert "reference must be a non-empty DataFrame" in refused(reference=reference.iloc[:0])
    assert "members must be a non-empty DataFrame" in refused(
        members=members.to_dict("records")
    )
    message = refused(reference=reference.drop(columns=["colour"]))
    assert "reference lacks ['colour']" in message
    message = refused(non_members=non_members.drop(columns=["x", "grp"]))
    assert "non_members lacks ['grp', 'x']" in message
    assert "max_synthetic_rows" in refused(max_synthetic_rows=0)
    assert "max_reference_rows" in refused(max_reference_rows=-5)
    assert "rng" in refused(rng=0)
    assert "listed once" in refused(numeric=["x"], categorical=["x"])
    with pytest.raises(InvalidInputError) as info:
        MixedKernelDensity(synthetic, numeric=["x"]).log_density(members[["grp"]])
    assert "lack" in str(info.value) and SECRET not in str(info.value)


def test_results_hold_no_raw_values() -> None:
    synthetic, reference, members, non_members = secret_tables()
    result = density_ratio_attack(
        synthetic=synthetic, reference=reference, members=members, non_members=non_members,
        rng=np.random.default_rng(0),
    )
    text = json.dumps(result.to_dict())
    assert SECRET not in text


def test_chunking_does_not_change_the_density(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(9)
    table, targets = population(200, rng), population(57, rng)
    table.loc[table.index[::5], "x"] = np.nan
    kde = MixedKernelDensity(table, numeric=NUMERIC, categorical=CATEGORICAL)
    whole = kde.log_density(targets)
    monkeypatch.setattr("audit.density_ratio._CHUNK_ELEMENTS", 1000)  # 5 targets per chunk
    np.testing.assert_array_equal(kde.log_density(targets), whole)
