"""The report's risk section: the de-identified real table's re-identification risk (ARX and
sdcMicro measures) beside the singling-out, linkability and inference attacks on the synthetic
release. Counts, rates and column names only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from clearance.judge import attack_check_id, measured, real_table_within_policy
from privacy.risk import THRESHOLD_CONVENTION, QuasiIdentifierSource
from reports import (
    BarChart,
    Finding,
    Paragraph,
    Section,
    Table,
    format_measured,
    format_number,
)

if TYPE_CHECKING:
    from clearance.pipeline import RunRecord

SECTION_ID = "risk"
TITLE = "Re-identification risk: the real table, and attacks on the synthetic release"


def risk_section(record: RunRecord) -> Section:
    """The section; says why a part is missing rather than leaving it out silently."""
    blocks: list[Any] = []
    risk = record.risk
    if risk is None:
        reason = record.risk_note or "the risk stage did not complete (see the checks table)"
        blocks.append(Paragraph(f"No re-identification risk was measured: {reason}"))
    else:
        blocks += real_table_blocks(risk, record.policy)
    blocks += attack_blocks(record)
    return Section(SECTION_ID, TITLE, tuple(blocks))


def real_table_blocks(risk: Any, policy: Any) -> list[Any]:
    s = risk.sample
    choice = risk.quasi_identifiers
    proposed = choice.source is QuasiIdentifierSource.PROPOSED
    reasons = "; ".join(f"{c}: {r}" for c, r in choice.reasons.items()) if proposed else ""
    blocks: list[Any] = [
        Paragraph(
            "First, the real table after direct identifiers were removed: the table that would "
            "be shared without synthesis. Records sharing every quasi-identifier value form an "
            "equivalence class; an attacker who knows a person's quasi-identifiers finds them "
            f"among the f records of their class. Quasi-identifiers ({choice.source}): "
            f"{', '.join(choice.columns)}" + (f" ({reasons})." if reasons else ".")
        ),
        Paragraph(
            f"Threshold {format_number(s.risk_threshold)} per record. Convention: "
            f"{THRESHOLD_CONVENTION}; here k = {s.k_for_threshold}. Missing values form a class "
            f"of their own. Population: {s.population_source}."
        ),
        Table("k-anonymity and uniqueness", ("measure", "value"), (
            ("records", format_number(s.n_records)),
            ("equivalence classes", format_number(s.n_classes)),
            ("k-anonymity (smallest class)", format_number(s.k_anonymity)),
            ("records in classes of that size", format_number(s.records_in_smallest_classes)),
            ("sample uniqueness (records alone in their class)",
             format_number(s.sample_uniqueness.value)),
        )),
        Table(
            "Attacker models (El Emam 2013; as ARX computes them)",
            ("model", "attacker", "highest risk", "average risk",
             f"records above {format_number(s.risk_threshold)}"),
            (
                ("prosecutor", "knows the person is in the table",
                 format_number(s.prosecutor.highest), format_number(s.prosecutor.average.value),
                 format_number(s.prosecutor.records_at_risk.value)),
                ("journalist", "knows the person is in the population",
                 format_number(s.journalist.highest), format_number(s.journalist.average.value),
                 format_number(s.journalist.records_at_risk.value)),
                ("marketer", "re-identifies as many records as possible", "-",
                 format_number(s.marketer.value), "-"),
            ),
        ),
    ]
    extra = _model_rows(risk)
    if extra:
        blocks.append(Table("Population models, special uniques and diversity", ("measure", "value"),
                            tuple(extra)))
    hist = s.class_size_histogram
    blocks.append(BarChart("Records by equivalence-class size", tuple(hist),
                           (("records", tuple(float(v) for v in hist.values())),),
                           y_label="records"))
    meets = all(real_table_within_policy(s, policy))
    blocks.append(Paragraph(
        f"Against policy '{policy.name}' (average risk at most "
        f"{format_number(policy.max_average_reidentification_risk)}, every record at most "
        f"{format_number(policy.max_record_reidentification_risk)}), the de-identified real table "
        + ("would meet the thresholds." if meets else
           "does not meet them: it must not be shared as it is. The release is synthetic; its "
           "protection comes from differential privacy and is attacked below."),
        emphasis=not meets,
    ))
    blocks += [Paragraph(f"Note: {note}") for note in risk.notes]
    return blocks


def _model_rows(risk: Any) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    s = risk.sample
    if s.individual is not None:
        ind = s.individual
        rows += [
            ("sdcMicro individual risk, highest", format_number(ind.highest)),
            ("sdcMicro global risk (expected re-identifications)",
             f"{format_number(ind.expected_reidentifications)} "
             f"({format_number(ind.average.value)} of records)"),
        ]
    if risk.population is not None:
        p = risk.population
        for name, value in (("Zayatz", p.zayatz), ("Pitman", p.pitman), ("SNB", p.snb)):
            rows.append((f"population uniqueness, {name}",
                         format_number(value) if value is not None else "did not converge"))
        rows.append((f"population uniqueness, Dankar's rule ({p.dankar_model})",
                     format_number(p.dankar)))
    if risk.population_uniques is not None:
        rows.append(("population uniqueness (population table, exact)",
                     format_number(risk.population_uniques.value)))
    if risk.suda is not None:
        suda = risk.suda
        rows.append((f"SUDA: records with a minimal sample unique (up to {suda.max_size} columns)",
                     format_number(suda.records_with_msu)))
        rows.append(("SUDA: minimal sample uniques by size",
                     ", ".join(f"{k}: {format_number(v)}"
                               for k, v in sorted(suda.msu_counts_by_size.items()))))
    if risk.diversity is not None:
        d = risk.diversity
        rows += [
            (f"l-diversity of {d.sensitive} (distinct / entropy)",
             f"{format_number(d.distinct_l)} / {format_number(d.entropy_l)}"),
            (f"recursive (c = {format_number(d.recursive_c)}, l)-diversity of {d.sensitive}",
             f"l = {format_number(d.recursive_l)}"),
            (f"t-closeness of {d.sensitive} ({d.t_distance} distance)",
             format_number(d.t_closeness)),
        ]
    return rows


def attack_blocks(record: RunRecord) -> list[Any]:
    """The singling-out, linkability and inference attacks on the synthetic release."""
    attacks = getattr(record, "attacks", None) or ()
    if not attacks:
        return [Paragraph("No singling-out, linkability or inference attack was run on the "
                          "synthetic release.")]
    rows = tuple(
        (a.label, format_measured(measured(a.attack_rate)), format_measured(measured(a.baseline_rate)),
         format_measured(measured(a.control_rate)), format_measured(measured(a.residual_risk)),
         format_number(a.n_attacks))
        for a in attacks
    )
    return [
        Paragraph(
            "Second, the synthetic release under the three attacks of the Article 29 Working "
            "Party (Opinion 05/2014): singling out, linkability and inference. Each attack uses "
            "only the synthetic table; it is scored on real training rows (the people the "
            "release could leak) and on held-out real rows never used in training (the control: "
            "what the attack achieves from general patterns alone). The residual risk "
            "(attack - control) / (1 - control) is the part attributable to the release. The "
            "baseline is an attacker guessing at random: an attack that does not beat it is too "
            "weak to show anything."
        ),
        Table("Attacks on the synthetic release (95% Wilson intervals)",
              ("attack", "success on training rows", "random baseline", "control (held out)",
               "residual risk", "attacks"), rows),
    ]


GDPR_SECTION_ID = "gdpr"
#: The three risks of the Article 29 Working Party's Opinion 05/2014 on anonymisation, and the
#: question each asks of a released table.
GDPR_CRITERIA = (
    ("singling out", "Can one person's record be isolated in the release?"),
    ("linkability", "Can records about the same person be linked across data sets?"),
    ("inference", "Can an attribute of a person be deduced with significant probability?"),
)


def gdpr_section(record: RunRecord, findings: Sequence[Finding]) -> Section:
    """The GDPR anonymisation criteria on the synthetic release, one row per attack with its
    judged status (the judge's findings, so the section and the verdict never disagree)."""
    by_id = {f.check_id: f for f in findings}
    rows = []
    for attack in getattr(record, "attacks", None) or ():
        criterion = next((c for c, _ in GDPR_CRITERIA if attack.label.startswith(c)), attack.label)
        finding = by_id.get(attack_check_id(attack.label))
        rows.append((
            criterion,
            attack.label,
            format_measured(measured(attack.residual_risk)),
            finding.threshold if finding is not None else "-",
            finding.status.value.upper() if finding is not None else "not judged",
        ))
    blocks: list[Any] = [
        Paragraph(
            "GDPR Recital 26: data are anonymous when a person can no longer be identified by "
            "means reasonably likely to be used. The Article 29 Working Party (Opinion 05/2014) "
            "asks three questions of an anonymised release; each is measured here by an attack "
            "on the synthetic table, scored on the people whose rows trained it against held-out "
            "people (Giomi et al. 2023). The differential-privacy guarantee bounds all three for "
            "every individual; these measurements show what an attacker achieves in practice."
        ),
        Table("The three criteria", ("criterion", "question"), GDPR_CRITERIA),
    ]
    if rows:
        blocks.append(Table(
            "Measured on the synthetic release (residual risk, 95% interval)",
            ("criterion", "attack", "residual risk", "threshold", "status"), tuple(rows),
        ))
    else:
        blocks.append(Paragraph(
            "The attacks did not run (see the checks table): the criteria are not measured.",
            emphasis=True,
        ))
    return Section(GDPR_SECTION_ID, "GDPR anonymisation criteria on the synthetic release",
                   tuple(blocks))
