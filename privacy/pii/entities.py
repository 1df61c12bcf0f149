"""The PII entity types Clearance reasons about, and which of them identify a person directly.

Entity types are plain strings so that any type a Presidio recognizer returns can flow through
(``UK_NHS``, ``UUID``, ...). :class:`PiiEntity` names the ones Clearance's rules use; the values
are Presidio's own names where Presidio has the type, and Clearance's recognizers add
``MEDICAL_RECORD_NUMBER``, ``STREET_ADDRESS`` and ``US_ZIP_CODE``. ``DATE_OF_BIRTH`` is only ever
inferred from a column name (a date in a value does not say whose birth it is).
"""

from __future__ import annotations

from enum import StrEnum


class PiiEntity(StrEnum):
    """Entity types used by the scan's rules (Presidio names where Presidio has them)."""

    PERSON = "PERSON"
    US_SSN = "US_SSN"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    MEDICAL_RECORD_NUMBER = "MEDICAL_RECORD_NUMBER"
    STREET_ADDRESS = "STREET_ADDRESS"
    US_ZIP_CODE = "US_ZIP_CODE"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    US_DRIVER_LICENSE = "US_DRIVER_LICENSE"
    US_PASSPORT = "US_PASSPORT"
    US_ITIN = "US_ITIN"
    US_BANK_NUMBER = "US_BANK_NUMBER"
    CREDIT_CARD = "CREDIT_CARD"
    IBAN_CODE = "IBAN_CODE"
    IP_ADDRESS = "IP_ADDRESS"
    MAC_ADDRESS = "MAC_ADDRESS"
    URL = "URL"
    CRYPTO = "CRYPTO"
    MEDICAL_LICENSE = "MEDICAL_LICENSE"
    UK_NHS = "UK_NHS"
    NPI = "NPI"  # US National Provider Identifier (Luhn over 80840 + the ten digits)
    DEA_NUMBER = "DEA_NUMBER"  # US DEA registration number (check digit)
    HEALTH_PLAN_ID = "HEALTH_PLAN_ID"  # health-plan beneficiary / member id
    ACCOUNT_NUMBER = "ACCOUNT_NUMBER"  # account numbers other than bank accounts
    LICENSE_NUMBER = "LICENSE_NUMBER"  # certificate / licence numbers other than driver's
    DEVICE_ID = "DEVICE_ID"  # device identifiers and serial numbers
    VEHICLE_ID = "VEHICLE_ID"  # VIN (check digit) and licence plates
    FAX_NUMBER = "FAX_NUMBER"
    ID_NUMBER = "ID_NUMBER"  # a long standalone number: some identifier (Safe Harbor's "other")
    AGE = "AGE"  # an age; HIPAA Safe Harbor makes only ages over 89 identifiers
    # Found in values but not direct identifiers on their own (quasi-identifiers at most):
    LOCATION = "LOCATION"
    DATE_TIME = "DATE_TIME"
    NRP = "NRP"
    # A value matched against a dropped identifier column of the same row (deidentify):
    KNOWN_IDENTIFIER = "KNOWN_IDENTIFIER"


#: Entity types that name a person on their own (HIPAA Safe Harbor's list, as far as a detector
#: can see it). A column mostly made of one of these is proposed as a direct identifier.
DIRECT_IDENTIFIER_ENTITIES: frozenset[str] = frozenset(
    {
        PiiEntity.PERSON,
        PiiEntity.US_SSN,
        PiiEntity.EMAIL_ADDRESS,
        PiiEntity.PHONE_NUMBER,
        PiiEntity.MEDICAL_RECORD_NUMBER,
        PiiEntity.STREET_ADDRESS,
        PiiEntity.US_ZIP_CODE,
        PiiEntity.DATE_OF_BIRTH,
        PiiEntity.US_DRIVER_LICENSE,
        PiiEntity.US_PASSPORT,
        PiiEntity.US_ITIN,
        PiiEntity.US_BANK_NUMBER,
        PiiEntity.CREDIT_CARD,
        PiiEntity.IBAN_CODE,
        PiiEntity.IP_ADDRESS,
        PiiEntity.MAC_ADDRESS,
        PiiEntity.URL,
        PiiEntity.CRYPTO,
        PiiEntity.MEDICAL_LICENSE,
        PiiEntity.UK_NHS,
        PiiEntity.NPI,
        PiiEntity.DEA_NUMBER,
        PiiEntity.HEALTH_PLAN_ID,
        PiiEntity.ACCOUNT_NUMBER,
        PiiEntity.LICENSE_NUMBER,
        PiiEntity.DEVICE_ID,
        PiiEntity.VEHICLE_ID,
        PiiEntity.FAX_NUMBER,
        PiiEntity.ID_NUMBER,
    }
)

#: Direct-identifier types that the *values* of a column may establish. ZIP codes and dates of
#: birth are excluded: any five digits look like a ZIP code and any date like a birth date, so
#: those two need the column name to say so.
VALUE_EVIDENCE_ENTITIES: frozenset[str] = DIRECT_IDENTIFIER_ENTITIES - {
    PiiEntity.US_ZIP_CODE,
    PiiEntity.DATE_OF_BIRTH,
}


#: NER labels that do not describe a person (OntoNotes / CoNLL names): dropped by the spaCy and
#: the transformers engines alike, without Presidio's per-label warning.
NON_PERSONAL_NER_LABELS: tuple[str, ...] = (
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
    "MISC",
)
