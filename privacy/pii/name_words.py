"""Words that are never a person's name on their own (titles, role labels, section headings,
calendar words), used to trim and reject PERSON detections. Pure Python: no Presidio import."""

from __future__ import annotations

import re

__all__ = ["NOT_NAME_WORDS", "is_not_a_name"]

NOT_NAME_WORDS: frozenset[str] = frozenset(
    """The A An This That He She They It His Her Their Is Was Has Had Will Can No Not Yes On In
    At For To From With And Or Of By As Be Been Being Today Tomorrow Yesterday Patient Pt Name
    Doctor Dr Nurse Hospital Clinic Center Department Unit Room Bed Ward Floor Phone Email
    Fax Address Date Time DOB MRN SSN Age Sex Male Female None Unknown N/A NA Mr Mrs Ms Miss
    Discharge Admission Admitted Diagnosis History Medications Allergies Plan Assessment
    Follow Please Call Contact Signed Seen Referred Attending Emergency Next Kin Dear Re Cc
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    June July August September October November December Notes Note Report Summary Chief
    Complaint Reason Visit Presents Presented Denies Reports Stable Normal Negative Positive
    Medical Record Number Insurance Member Policy Provider Physician Surgeon Primary Care
    Beneficiary Identifier Progress Electronically Ed Er Icu Subjective Objective Impression
    Labs Vitals Meds Exam Hpi Pmh Ros Signed Dictated Transcribed Attending Resident""".split()
)  # fmt: skip

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def is_not_a_name(text: str) -> bool:
    """Whether every word of a PERSON span is a non-name word ("PATIENT", "Dr.", "Discharge
    Summary"), so the span is a false detection."""
    words = _WORD.findall(text)
    return bool(words) and all(w.strip(".").title() in NOT_NAME_WORDS for w in words)
