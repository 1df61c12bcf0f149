"""A hand-written labelled PII set, independent of the templated Faker set in ``generate.py``.

About 240 short texts written by hand, in styles a template generator rarely produces:
customer-support e-mails, chat messages (lower case, abbreviations, typos), HR letters, bank and
insurance correspondence, police and court documents, radiology and pathology reports, discharge
summaries with headers, referral letters, lab-result messages, pharmacy and social-work notes,
transcribed conversations, and UK / Irish / Canadian / Australian / European / Asian / African
contexts (NHS numbers, UK and Canadian postcodes, IBANs, international phone numbers). Names come
from many cultures and include hyphenated and apostrophe names and names that are also ordinary
words (Hope, Will, June, Summer, Precious). About 40 texts carry no personal identifier at all.

Every identifier in the set is invented. Card numbers, IBANs, NHS numbers, the NPI and the DEA
number are made check-digit valid so that checksum-validating recognisers get a fair chance; phone
numbers use reserved drama / example ranges where one exists (555-01xx, 07700 900xxx, 01632 960xxx).

Labelling guideline
-------------------

* ``PERSON``: every person's name or part of a name (first name only, surname only, nickname,
  initial plus surname, "SURNAME, Given" order), without titles (Dr., Mr, Ms., Nurse, Det.).
* ``ORGANIZATION``: named organisations that could locate a person: employer, hospital, clinic,
  surgery, school, university, care home, pharmacy, bank, insurer, court, shop or venue the person
  was at. Generic bodies in identifier-free texts (a guideline committee) are not labelled.
* ``LOCATION``: every geographic unit below country that locates a person or an event of the
  record: city, town, district, neighbourhood, county, state / province (also as a two-letter
  code), named road or motorway. Countries are never labelled; neither are states named in a
  generic statement that concerns no one.
* ``STREET_ADDRESS``: the street line (house number or name, street, flat / apartment / suite /
  unit / block), or a P.O. Box. City, state and postcode are labelled separately.
* ``US_ZIP_CODE``: any postcode (US ZIP, UK postcode, Canadian postal code, Eircode, others).
* ``DATE``: every calendar date (full, partial such as "14/05" or "3 May", or a year about the
  person), and every clock time, that refers to a specific moment. A date and time written
  together ("2024-02-11 09:42") is one span. Durations ("3 days", "12 months"), relative
  expressions ("yesterday", "tmrw", "Friday") and years that name a guideline or study are not.
* ``AGE``: a person's age ("63" in "63-year-old", "47M", "aged 24"). Age ranges in a generic
  statement ("adults aged 40 to 75") are not.
* ``PHONE_NUMBER`` (fax too), ``EMAIL_ADDRESS``, ``URL``, ``IP_ADDRESS``, ``US_SSN``,
  ``CREDIT_CARD``, ``IBAN_CODE``, ``MEDICAL_RECORD_NUMBER`` (MRN, hospital number, patient ID,
  accession-free patient numbers).
* ``ID``: every other identifier number or code: NHS / CHI / health-card / Medicare / SIN /
  Aadhaar numbers, passport, driving licence, employee, student, badge, claim, policy, member,
  group, account, sort code, order, ticket, case, booking, accession, specimen, serial, lot,
  vehicle registration, VIN, DEA, NPI, tax ids, usernames and handles (``@jdoe88``), wallet
  addresses, a card's last four digits. Emergency numbers (911) and product model numbers are not.

Gold spans are only the strict labelling: ``safe_harbor_spans`` is left empty, so score this set
against ``spans`` only (the Safe Harbor profile is evaluated here by its flag rate on the
identifier-free texts, which needs no gold).

:func:`handwritten_set` computes the character offsets by locating each listed substring in the
text, in order, on word boundaries, and raises when one is missing, when two spans overlap, or
when a labelled value occurs again in the same text without a label.
"""

from __future__ import annotations

from typing import NamedTuple

from .generate import GoldSpan, LabelledText

__all__ = ["CATEGORY", "ITEMS", "Item", "handwritten_set"]

CATEGORY = "handwritten"

PER = "PERSON"
ORG = "ORGANIZATION"
LOC = "LOCATION"
ST = "STREET_ADDRESS"
ZIP = "US_ZIP_CODE"
DATE = "DATE"
AGE = "AGE"
PHONE = "PHONE_NUMBER"
EMAIL = "EMAIL_ADDRESS"
SSN = "US_SSN"
MRN = "MEDICAL_RECORD_NUMBER"
CC = "CREDIT_CARD"
IBAN = "IBAN_CODE"
IP = "IP_ADDRESS"
URL = "URL"
ID = "ID"

ENTITIES: tuple[str, ...] = (
    PER, ORG, LOC, ST, ZIP, DATE, AGE, PHONE, EMAIL, SSN, MRN, CC, IBAN, IP, URL, ID,
)  # fmt: skip


class Item(NamedTuple):
    """One hand-written text and its PII substrings, in order of appearance."""

    text: str
    labels: list[tuple[str, str]]


ITEMS: list[Item] = [
    # ---------------------------------------------------------------- customer support e-mails
    Item(
        "Hi, I'm Priya Raghunathan from Acme Logistics, call me on +44 20 7946 0958.",
        [("Priya Raghunathan", PER), ("Acme Logistics", ORG), ("+44 20 7946 0958", PHONE)],
    ),
    Item(
        "Subject: Order #A-448812 never arrived\n\nHello,\nI placed an order on 12 March 2024 and "
        "it still hasn't shown up. It was meant to go to 58 Larkspur Lane, Apt 3C, Dayton, OH "
        "45402. Can someone please look into it?\n\nThanks,\nDeborah Finch\n(937) 555-0142",
        [
            ("A-448812", ID),
            ("12 March 2024", DATE),
            ("58 Larkspur Lane, Apt 3C", ST),
            ("Dayton", LOC),
            ("OH", LOC),
            ("45402", ZIP),
            ("Deborah Finch", PER),
            ("(937) 555-0142", PHONE),
        ],
    ),
    Item(
        "Dear Support Team,\n\nMy account username is mk_delacroix and the email on file is "
        "marie.delacroix@orange.fr. Since the update on 2024-01-09 I cannot log in from my laptop "
        "(IP 81.56.203.17). Please reset my password.\n\nRegards,\nMarie-Claire Delacroix",
        [
            ("mk_delacroix", ID),
            ("marie.delacroix@orange.fr", EMAIL),
            ("2024-01-09", DATE),
            ("81.56.203.17", IP),
            ("Marie-Claire Delacroix", PER),
        ],
    ),
    Item(
        "hello, my name is Tomasz Wróblewski, ticket 20931177. the router you sent me (serial no. "
        "HGW-7Q2-88410) keeps dropping. i'm at 14 Grove Road, Leeds LS6 2AH. best number is "
        "07700 900481.",
        [
            ("Tomasz Wróblewski", PER),
            ("20931177", ID),
            ("HGW-7Q2-88410", ID),
            ("14 Grove Road", ST),
            ("Leeds", LOC),
            ("LS6 2AH", ZIP),
            ("07700 900481", PHONE),
        ],
    ),
    Item(
        "To whom it may concern - I was charged twice for my subscription on 3/2/24. The card "
        "ending 4417 was billed $49.99 both times. Account email: j.okafor88@gmail.com. Please "
        "refund one of the charges. - Jude Okafor",
        [
            ("3/2/24", DATE),
            ("4417", ID),
            ("j.okafor88@gmail.com", EMAIL),
            ("Jude Okafor", PER),
        ],
    ),
    Item(
        "Hi there, I ordered the blue kettle but got a red one. Order number 113-4482910-5528831, "
        "delivered to P.O. Box 2291, Flagstaff, AZ 86003. Could you send a return label to "
        "hannah.bergstrom@outlook.com? Cheers, Hannah",
        [
            ("113-4482910-5528831", ID),
            ("P.O. Box 2291", ST),
            ("Flagstaff", LOC),
            ("AZ", LOC),
            ("86003", ZIP),
            ("hannah.bergstrom@outlook.com", EMAIL),
            ("Hannah", PER),
        ],
    ),
    Item(
        "Good afternoon,\nI am writing on behalf of my father, Mr. Lwazi Ndlovu (customer ID "
        "CUS-0093371), who passed away on 18 November 2023. Please close his account and send any "
        "correspondence to me, Sipho Ndlovu, at 7 Kestrel Close, Milton Keynes MK9 3QJ.\n"
        "Kind regards",
        [
            ("Lwazi Ndlovu", PER),
            ("CUS-0093371", ID),
            ("18 November 2023", DATE),
            ("Sipho Ndlovu", PER),
            ("7 Kestrel Close", ST),
            ("Milton Keynes", LOC),
            ("MK9 3QJ", ZIP),
        ],
    ),
    Item(
        "Re: Warranty claim WC-22-90317\n\nThe dishwasher (model DW450, serial 5K8820193X) "
        "installed at our house in Boise stopped working. Technician visit booked for Thursday "
        "6 June at 10:30. Contact Rafael Quintero, 208-555-0177.",
        [
            ("WC-22-90317", ID),
            ("5K8820193X", ID),
            ("Boise", LOC),
            ("6 June at 10:30", DATE),
            ("Rafael Quintero", PER),
            ("208-555-0177", PHONE),
        ],
    ),
    Item(
        "hi yes so the delivery guy left my parcel next door instead of at 44 Birchwood Avenue, "
        "can u get it back? name's Kerry-Ann Walsh, tracking JD014600003828193722",
        [
            ("44 Birchwood Avenue", ST),
            ("Kerry-Ann Walsh", PER),
            ("JD014600003828193722", ID),
        ],
    ),
    Item(
        "Dear Customer Care, my phone number changed. Old: 415-555-0199, new: 415-555-0123. "
        "Please update the account for Wei Zhang, account 88120034. Thank you.",
        [
            ("415-555-0199", PHONE),
            ("415-555-0123", PHONE),
            ("Wei Zhang", PER),
            ("88120034", ID),
        ],
    ),
    Item(
        "Your Amazon order 204-8812937-5542718 will be delivered to locker 'Hazel' at Tesco "
        "Extra, Slough SL1 4QP.",
        [
            ("204-8812937-5542718", ID),
            ("Tesco Extra", ORG),
            ("Slough", LOC),
            ("SL1 4QP", ZIP),
        ],
    ),
    Item(
        "From: Beatriz Souza <bia.souza@uol.com.br>\nTo: clinic@saudevida.com.br\nSent: Friday, "
        "May 10, 2024 8:12 PM\nSubject: exam results\n\nHello, can you send my ultrasound "
        "results? CPF 123.456.789-09.",
        [
            ("Beatriz Souza", PER),
            ("bia.souza@uol.com.br", EMAIL),
            ("clinic@saudevida.com.br", EMAIL),
            ("May 10, 2024 8:12 PM", DATE),
            ("123.456.789-09", ID),
        ],
    ),
    # ------------------------------------------------------------------------- chat messages
    Item(
        "hey its abdul, cant make it 2nite, mums in hospital at st james",
        [("abdul", PER), ("st james", ORG)],
    ),
    Item("omg did u see what kayleigh posted lol", [("kayleigh", PER)]),
    Item("can u text me on 07700 900126 when ur outside x", [("07700 900126", PHONE)]),
    Item("yo my insta is @dani.ruiz_22 follow back", [("@dani.ruiz_22", ID)]),
    Item(
        "sry running late, stuck on the m60 near stockport",
        [("m60", LOC), ("stockport", LOC)],
    ),
    Item(
        "meet at 221 king st w tmrw 7pm? its the cafe next to the bank",
        [("221 king st w", ST), ("7pm", DATE)],
    ),
    Item("ask dr patel if i can take ibuprofen w my meds pls", [("patel", PER)]),
    Item("my bday is 14/02/1998 so valentines lol", [("14/02/1998", DATE)]),
    Item("grandma rose is 91 today!! 🎉", [("rose", PER), ("91", AGE)]),
    Item(
        "hi this is will from the garage, ur car's ready, reg is KP19 XWM",
        [("will", PER), ("KP19 XWM", ID)],
    ),
    Item("lmk if ur free sat, im at 55 queens rd flat 2", [("55 queens rd flat 2", ST)]),
    Item("does any1 know a good dentist in brixton", [("brixton", LOC)]),
    Item("send the money to my paypal kwamea@yahoo.com", [("kwamea@yahoo.com", EMAIL)]),
    Item(
        "my nhs number is 943 476 5919 they keep asking for it smh",
        [("943 476 5919", ID)],
    ),
    Item(
        "nvm found it, the login is jsmith_1987 and pw is ... not telling u haha",
        [("jsmith_1987", ID)],
    ),
    Item(
        "tell hope i said congrats on the baby 💕 she's at kings college hosp",
        [("hope", PER), ("kings college hosp", ORG)],
    ),
    Item(
        "wait is ur new number 0412 555 019 or 0412 555 091??",
        [("0412 555 019", PHONE), ("0412 555 091", PHONE)],
    ),
    Item(
        "slack: @mwojcik can u review my PR before standup? - sent from Michał Wójcik's account",
        [("@mwojcik", ID), ("Michał Wójcik", PER)],
    ),
    Item(
        "chat transcript 14:03 [agent Kelsey]: can i have your postcode please? [customer]: its "
        "G12 8QQ. [agent Kelsey]: and first line of address? [customer]: 5 Byres rd",
        [
            ("14:03", DATE),
            ("Kelsey", PER),
            ("G12 8QQ", ZIP),
            ("Kelsey", PER),
            ("5 Byres rd", ST),
        ],
    ),
    Item(
        "ur appointment w/ dr. nguyen-tran is confirmed for 2/9 @ 8:45am at mission bay campus. "
        "reply C to confirm.",
        [
            ("nguyen-tran", PER),
            ("2/9", DATE),
            ("8:45am", DATE),
            ("mission bay campus", LOC),
        ],
    ),
    Item(
        "Hi, Dr. Hope here - just checking Mrs. Wisdom's INR from this morning? Thx",
        [("Hope", PER), ("Wisdom", PER)],
    ),
    Item(
        "Her blog is at https://www.lenasbakingdiary.co.uk and she tweets as @lena_bakes_uk.",
        [("https://www.lenasbakingdiary.co.uk", URL), ("@lena_bakes_uk", ID)],
    ),
    # ---------------------------------------------------------------------------- HR letters
    Item(
        "PRIVATE AND CONFIDENTIAL\n\nMs Olumide Adebayo\n19 Harrowby Street\nLondon W1H 5PQ\n\n"
        "4 September 2023\n\nDear Ms Adebayo,\n\nFollowing our meeting on 1 September, I am "
        "pleased to confirm your promotion to Senior Analyst, effective 1 October 2023. Your "
        "employee number (E-204471) remains unchanged.\n\nYours sincerely,\nGareth Pryce\n"
        "Head of People, Northwind Traders Ltd",
        [
            ("Olumide Adebayo", PER),
            ("19 Harrowby Street", ST),
            ("London", LOC),
            ("W1H 5PQ", ZIP),
            ("4 September 2023", DATE),
            ("Adebayo", PER),
            ("1 September", DATE),
            ("1 October 2023", DATE),
            ("E-204471", ID),
            ("Gareth Pryce", PER),
            ("Northwind Traders Ltd", ORG),
        ],
    ),
    Item(
        "To: Payroll\nRe: Change of bank details for employee #88213 (Siddharth Menon)\nPlease "
        "update the salary account to sort code 20-45-77, account 43187702, with effect from the "
        "28th March payroll. Approved by L. Henriksen, HR Business Partner.",
        [
            ("88213", ID),
            ("Siddharth Menon", PER),
            ("20-45-77", ID),
            ("43187702", ID),
            ("28th March", DATE),
            ("L. Henriksen", PER),
        ],
    ),
    Item(
        "Dear Mr. Castellanos,\n\nThis letter confirms that Javier Castellanos has been employed "
        "by Brightwater Dental Group as a dental hygienist since 15 June 2017, at a current annual "
        "salary of $68,500. For verification please contact our HR office at "
        "hr@brightwaterdental.com or (512) 555-0163.\n\nSincerely,\nNoor Haddad, HR Manager",
        [
            ("Castellanos", PER),
            ("Javier Castellanos", PER),
            ("Brightwater Dental Group", ORG),
            ("15 June 2017", DATE),
            ("hr@brightwaterdental.com", EMAIL),
            ("(512) 555-0163", PHONE),
            ("Noor Haddad", PER),
        ],
    ),
    Item(
        "Disciplinary hearing notes - 11/07/2022, 14:00, Room 3B. Present: Craig Dunmore "
        "(employee), Fiona McAllister (manager), union rep Babatunde Salami. Mr Dunmore was late "
        "on 6 occasions in the last two months.",
        [
            ("11/07/2022", DATE),
            ("14:00", DATE),
            ("Craig Dunmore", PER),
            ("Fiona McAllister", PER),
            ("Babatunde Salami", PER),
            ("Dunmore", PER),
        ],
    ),
    Item(
        "Reference request: Can you confirm dates of employment for Magdalena Kowalczyk (DOB "
        "02.05.1990, NI number QQ 12 34 56 C)? She states she worked at your Gdańsk office.",
        [
            ("Magdalena Kowalczyk", PER),
            ("02.05.1990", DATE),
            ("QQ 12 34 56 C", ID),
            ("Gdańsk", LOC),
        ],
    ),
    Item(
        "Offer of employment\n\nCandidate: Yusuf Demir\nPosition: Warehouse Operative, "
        "Felixstowe depot\nStart date: Monday 8 January 2024\nHourly rate: £12.10\nPlease bring "
        "your passport (no. 533401276) and proof of address on your first day.",
        [
            ("Yusuf Demir", PER),
            ("Felixstowe", LOC),
            ("8 January 2024", DATE),
            ("533401276", ID),
        ],
    ),
    Item(
        "Sick note received from Anjali Deshpande covering 12-16 Feb. GP: Dr R. Whitfield, "
        "Oakwood Surgery. Return-to-work interview booked with her line manager Tom Baker.",
        [
            ("Anjali Deshpande", PER),
            ("12-16 Feb", DATE),
            ("R. Whitfield", PER),
            ("Oakwood Surgery", ORG),
            ("Tom Baker", PER),
        ],
    ),
    Item(
        "Employee ID: 004-77129. Badge: NWT-8841. Name: Okechukwu Eze. Department: Finance, "
        "4th floor.",
        [("004-77129", ID), ("NWT-8841", ID), ("Okechukwu Eze", PER)],
    ),
    Item(
        "Occupational health: Mr. Grzegorz Zieliński, forklift driver at Amazon BHX4, "
        "Coalville, reports back pain since lifting incident on 2.10.2023.",
        [
            ("Grzegorz Zieliński", PER),
            ("Amazon BHX4", ORG),
            ("Coalville", LOC),
            ("2.10.2023", DATE),
        ],
    ),
    Item(
        "Student: Aisha Bello (student no. 2019338471), University of Manchester, School of "
        "Law. Personal tutor: Prof. Gideon Marsh.",
        [
            ("Aisha Bello", PER),
            ("2019338471", ID),
            ("University of Manchester", ORG),
            ("Gideon Marsh", PER),
        ],
    ),
    Item(
        "Visitor log: 03/18/2024 14:22 - Tariq Mahmood, company: Sterling & Cole LLP, vehicle "
        "plate 7XYZ123, host: B. Okafor.",
        [
            ("03/18/2024 14:22", DATE),
            ("Tariq Mahmood", PER),
            ("Sterling & Cole LLP", ORG),
            ("7XYZ123", ID),
            ("B. Okafor", PER),
        ],
    ),
    # ---------------------------------------------------------- bank / insurance correspondence
    Item(
        "Dear Mrs Hollingsworth,\n\nWe have received your claim (reference CLM-2024-0071842) for "
        "water damage at 3 Rectory Lane, Great Shelford, Cambridge CB22 5AX, reported on "
        "22/01/2024. A loss adjuster, Mr Imran Qureshi, will call you on 01632 960 214 to arrange "
        "a visit.",
        [
            ("Hollingsworth", PER),
            ("CLM-2024-0071842", ID),
            ("3 Rectory Lane", ST),
            ("Great Shelford", LOC),
            ("Cambridge", LOC),
            ("CB22 5AX", ZIP),
            ("22/01/2024", DATE),
            ("Imran Qureshi", PER),
            ("01632 960 214", PHONE),
        ],
    ),
    Item(
        "Policy holder: Anthony D'Souza\nPolicy no.: HX-77310492-01\nVehicle: 2018 Honda Civic, "
        "VIN 2HGFC2F59JH512345\nIncident date: 09/14/2023 approx. 5:45 PM\nLocation: "
        "intersection of Main St and 3rd Ave, Fresno, CA",
        [
            ("Anthony D'Souza", PER),
            ("HX-77310492-01", ID),
            ("2HGFC2F59JH512345", ID),
            ("09/14/2023", DATE),
            ("5:45 PM", DATE),
            ("Main St", ST),
            ("3rd Ave", ST),
            ("Fresno", LOC),
            ("CA", LOC),
        ],
    ),
    Item(
        "Your payment of €1,250.00 to IBAN DE89 3704 0044 0532 0130 00 (beneficiary: Lukas "
        "Baumgartner) was executed on 05.03.2024. Transaction ref: TRX8812004471.",
        [
            ("DE89 3704 0044 0532 0130 00", IBAN),
            ("Lukas Baumgartner", PER),
            ("05.03.2024", DATE),
            ("TRX8812004471", ID),
        ],
    ),
    Item(
        "We noticed unusual activity on your Visa card 4111 1111 1111 1111 on 2 April at 03:12 "
        "from IP address 185.220.101.4. If this wasn't you, call us on 0800 015 0400.",
        [
            ("4111 1111 1111 1111", CC),
            ("2 April", DATE),
            ("03:12", DATE),
            ("185.220.101.4", IP),
            ("0800 015 0400", PHONE),
        ],
    ),
    Item(
        "Mortgage application - applicants: Chinedu and Ngozi Eze, 27 Marlowe Court, Aurora, ON "
        "L4G 3T9. Combined income CAD 142,000. SIN on file for primary applicant: 046 454 286.",
        [
            ("Chinedu", PER),
            ("Ngozi Eze", PER),
            ("27 Marlowe Court", ST),
            ("Aurora", LOC),
            ("ON", LOC),
            ("L4G 3T9", ZIP),
            ("046 454 286", ID),
        ],
    ),
    Item(
        "Hi Mr. Alvarez, this is Stephanie from Pacific Mutual Insurance returning your call about "
        "claim 4471-889-02. Please call me back at 1-800-555-0147 ext. 2291 before 5 pm Friday.",
        [
            ("Alvarez", PER),
            ("Stephanie", PER),
            ("Pacific Mutual Insurance", ORG),
            ("4471-889-02", ID),
            ("1-800-555-0147 ext. 2291", PHONE),
            ("5 pm", DATE),
        ],
    ),
    Item(
        "Account statement for SORT CODE 40-11-62 ACCOUNT 71044321, Ms Grace Oyelaran, period "
        "01/05/2024 - 31/05/2024. Closing balance £2,184.37.",
        [
            ("40-11-62", ID),
            ("71044321", ID),
            ("Grace Oyelaran", PER),
            ("01/05/2024", DATE),
            ("31/05/2024", DATE),
        ],
    ),
    Item(
        "Beneficiary change request: policy LIF-00982231. Primary beneficiary to be changed from "
        "Donna Keller (ex-spouse) to Marcus Keller (son, DOB 7/19/2009). Signed, Raymond Keller, "
        "6/3/2024.",
        [
            ("LIF-00982231", ID),
            ("Donna Keller", PER),
            ("Marcus Keller", PER),
            ("7/19/2009", DATE),
            ("Raymond Keller", PER),
            ("6/3/2024", DATE),
        ],
    ),
    Item(
        "The transfer to NL91 ABNA 0417 1643 00 failed because the name did not match (expected: "
        "Sanne de Vries, received: S. de Vries-Bakker).",
        [
            ("NL91 ABNA 0417 1643 00", IBAN),
            ("Sanne de Vries", PER),
            ("S. de Vries-Bakker", PER),
        ],
    ),
    Item(
        "Dear Policyholder, your health plan member ID is W284-611-902 and group number 0047731. "
        "Your PCP is Dr. Hana Kobayashi at Evergreen Family Medicine, 1200 Pine St Suite 410, "
        "Seattle, WA 98101.",
        [
            ("W284-611-902", ID),
            ("0047731", ID),
            ("Hana Kobayashi", PER),
            ("Evergreen Family Medicine", ORG),
            ("1200 Pine St Suite 410", ST),
            ("Seattle", LOC),
            ("WA", LOC),
            ("98101", ZIP),
        ],
    ),
    Item(
        "Fraud report: customer Abdullahi Musa reports his Mastercard 5555 5555 5555 4444 was "
        "used at a petrol station in Coventry on 11 Aug 2023 at 21:47 while he was in Lagos.",
        [
            ("Abdullahi Musa", PER),
            ("5555 5555 5555 4444", CC),
            ("Coventry", LOC),
            ("11 Aug 2023 at 21:47", DATE),
            ("Lagos", LOC),
        ],
    ),
    Item(
        "Kindly transfer the deposit to IBAN GB82 WEST 1234 5698 7654 32, account name Chidi "
        "Okonkwo-Bello, reference FLAT-2B-DEPOSIT.",
        [
            ("GB82 WEST 1234 5698 7654 32", IBAN),
            ("Chidi Okonkwo-Bello", PER),
            ("FLAT-2B-DEPOSIT", ID),
        ],
    ),
    Item(
        "SEPA direct debit mandate - Creditor: Stadtwerke München GmbH. Debtor: Jürgen "
        "Müller-Lüdenscheidt, Leopoldstraße 112, 80802 München. IBAN: DE44 5001 0517 5407 3249 "
        "31. Mandate ref: SWM-0048812-7.",
        [
            ("Stadtwerke München GmbH", ORG),
            ("Jürgen Müller-Lüdenscheidt", PER),
            ("Leopoldstraße 112", ST),
            ("80802", ZIP),
            ("München", LOC),
            ("DE44 5001 0517 5407 3249 31", IBAN),
            ("SWM-0048812-7", ID),
        ],
    ),
    Item(
        "Scottish Water account 4410028811 in the name of Mr Hamish MacLeod, Croft 7, Balallan, "
        "Isle of Lewis HS2 9PN.",
        [
            ("Scottish Water", ORG),
            ("4410028811", ID),
            ("Hamish MacLeod", PER),
            ("Croft 7", ST),
            ("Balallan", LOC),
            ("Isle of Lewis", LOC),
            ("HS2 9PN", ZIP),
        ],
    ),
    Item(
        "Insurance card: BlueCross BlueShield of Texas, Member: HALVORSEN, INGRID, ID: XOJ "
        "881240973, Group: 201455.",
        [
            ("BlueCross BlueShield of Texas", ORG),
            ("HALVORSEN, INGRID", PER),
            ("XOJ 881240973", ID),
            ("201455", ID),
        ],
    ),
    Item(
        "Called Heather at Blue Cross (ref # 7781234) - she confirmed Mr. Hunter Page is covered "
        "for the MRI.",
        [
            ("Heather", PER),
            ("Blue Cross", ORG),
            ("7781234", ID),
            ("Hunter Page", PER),
        ],
    ),
    Item(
        "Bitcoin refund sent to wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyT, contact "
        "k.tanaka@fastmail.jp",
        [("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", ID), ("k.tanaka@fastmail.jp", EMAIL)],
    ),
    Item(
        "Tax ID (EIN) 84-3927715 belongs to Sunbeam Cleaning LLC, owner Tasha Wilkins.",
        [("84-3927715", ID), ("Sunbeam Cleaning LLC", ORG), ("Tasha Wilkins", PER)],
    ),
    # ---------------------------------------------------------------- police and court records
    Item(
        "INCIDENT REPORT #2023-004417\nReporting officer: PC 4471 Hughes\nDate/time: 17/06/2023 "
        "23:40\nLocation: outside the Red Lion, 12 High Street, Ashford, Kent TN24 8TY\nThe "
        "victim, Liam Gallagher-Byrne (aged 24), stated that an unknown male struck him.",
        [
            ("2023-004417", ID),
            ("4471", ID),
            ("Hughes", PER),
            ("17/06/2023 23:40", DATE),
            ("Red Lion", ORG),
            ("12 High Street", ST),
            ("Ashford", LOC),
            ("Kent", LOC),
            ("TN24 8TY", ZIP),
            ("Liam Gallagher-Byrne", PER),
            ("24", AGE),
        ],
    ),
    Item(
        "Witness statement of Marisol Ortega, of 3340 W. Fullerton Ave, Chicago, IL 60647, taken "
        "8/22/2023 by Det. Raymond Cho (badge 11873). Ms. Ortega states she saw a grey sedan, "
        "plate IL DK 48291, leave the scene at approximately 9:15 p.m.",
        [
            ("Marisol Ortega", PER),
            ("3340 W. Fullerton Ave", ST),
            ("Chicago", LOC),
            ("IL", LOC),
            ("60647", ZIP),
            ("8/22/2023", DATE),
            ("Raymond Cho", PER),
            ("11873", ID),
            ("Ortega", PER),
            ("IL DK 48291", ID),
            ("9:15 p.m", DATE),
        ],
    ),
    Item(
        "IN THE SUPERIOR COURT OF CALIFORNIA, COUNTY OF ALAMEDA\nCase No. RG21-098765\n"
        "JENNIFER A. MORALES, Petitioner,\nv.\nDAVID R. MORALES, Respondent.\nDECLARATION OF "
        "JENNIFER A. MORALES IN SUPPORT OF REQUEST FOR CUSTODY ORDER",
        [
            ("CALIFORNIA", LOC),
            ("ALAMEDA", LOC),
            ("RG21-098765", ID),
            ("JENNIFER A. MORALES", PER),
            ("DAVID R. MORALES", PER),
            ("JENNIFER A. MORALES", PER),
        ],
    ),
    Item(
        "The defendant, Kieran O'Donoghue (DOB 03/11/1989), of Flat 7, 45 Dock Road, Belfast BT3 "
        "9AG, was arrested on 2 February 2024 and charged with theft contrary to section 1 of the "
        "Theft Act.",
        [
            ("Kieran O'Donoghue", PER),
            ("03/11/1989", DATE),
            ("Flat 7, 45 Dock Road", ST),
            ("Belfast", LOC),
            ("BT3 9AG", ZIP),
            ("2 February 2024", DATE),
        ],
    ),
    Item(
        "Booking #B24-118230. Name: HERNANDEZ, LUIS ALBERTO. Height 5'9\". Booked 04/27/2024 "
        "0215 hrs, Maricopa County Jail.",
        [
            ("B24-118230", ID),
            ("HERNANDEZ, LUIS ALBERTO", PER),
            ("04/27/2024", DATE),
            ("0215 hrs", DATE),
            ("Maricopa County Jail", ORG),
        ],
    ),
    Item(
        "Caller reported a domestic disturbance at 1917 Oak Hollow Dr, Apt 12, Killeen, TX. "
        "Caller identified herself as Tamika Jefferson, 254-555-0190. Units dispatched 01:52.",
        [
            ("1917 Oak Hollow Dr, Apt 12", ST),
            ("Killeen", LOC),
            ("TX", LOC),
            ("Tamika Jefferson", PER),
            ("254-555-0190", PHONE),
            ("01:52", DATE),
        ],
    ),
    Item(
        "Solicitor's note: Our client, Mrs Bronwen Pritchard, instructs us regarding the estate "
        "of her late mother, Eluned Morgan (d. 30 December 2022), last resident at Ty Gwyn, "
        "Llanbedr, Gwynedd LL45 2HL.",
        [
            ("Bronwen Pritchard", PER),
            ("Eluned Morgan", PER),
            ("30 December 2022", DATE),
            ("Ty Gwyn", ST),
            ("Llanbedr", LOC),
            ("Gwynedd", LOC),
            ("LL45 2HL", ZIP),
        ],
    ),
    Item(
        "Restraining order issued against Dmitri Volkov, prohibiting contact with Elena Sokolova "
        "or approach within 100 yards of her workplace, Riverside Elementary School, 800 River "
        "Rd, Norwalk, CT 06850.",
        [
            ("Dmitri Volkov", PER),
            ("Elena Sokolova", PER),
            ("Riverside Elementary School", ORG),
            ("800 River Rd", ST),
            ("Norwalk", LOC),
            ("CT", LOC),
            ("06850", ZIP),
        ],
    ),
    Item(
        "Traffic citation: driver Priyanka Chatterjee, NY DL 123 456 789, cited 10/02/2023 at "
        "08:17 on I-87 northbound near exit 9 for speeding (72 in a 55).",
        [
            ("Priyanka Chatterjee", PER),
            ("NY", LOC),
            ("123 456 789", ID),
            ("10/02/2023 at 08:17", DATE),
            ("I-87", LOC),
        ],
    ),
    Item(
        "Case #CPS-2023-44182. Caseworker: Angela Ruiz. Children: Destiny (6) and Jayden (4) "
        "Washington, currently placed with maternal grandmother Bernice Washington in Gary, IN. "
        "Next court date 12/05/2023 at 9 AM, Lake County Juvenile Court.",
        [
            ("CPS-2023-44182", ID),
            ("Angela Ruiz", PER),
            ("Destiny", PER),
            ("6", AGE),
            ("Jayden", PER),
            ("4", AGE),
            ("Washington", PER),
            ("Bernice Washington", PER),
            ("Gary", LOC),
            ("IN", LOC),
            ("12/05/2023 at 9 AM", DATE),
            ("Lake County Juvenile Court", ORG),
        ],
    ),
    Item(
        "Ms. Emilia Rossi can view the status of her case at "
        "https://portal.example-courts.gov/case/2023-DR-004417.",
        [("Emilia Rossi", PER), ("https://portal.example-courts.gov/case/2023-DR-004417", URL)],
    ),
    Item(
        "Re: complaint ref. COMP/24/0311 - Mrs Eunice Adjei-Mensah complained that Nurse Ben "
        "O'Reilly was rude during her husband's admission on Ward 22 at Kingston Hospital on the "
        "evening of 3 May.",
        [
            ("COMP/24/0311", ID),
            ("Eunice Adjei-Mensah", PER),
            ("Ben O'Reilly", PER),
            ("Kingston Hospital", ORG),
            ("3 May", DATE),
        ],
    ),
    Item(
        "Tenant ledger: Unit 4C, Harlem River Houses - tenant Shaniqua Robinson, lease start "
        "02/01/2022, arrears $1,870 as of 05/31/2024.",
        [
            ("Unit 4C, Harlem River Houses", ST),
            ("Shaniqua Robinson", PER),
            ("02/01/2022", DATE),
            ("05/31/2024", DATE),
        ],
    ),
    Item(
        "Tenancy agreement between landlord Jasbir Kaur Sandhu and tenant Ewan Laidlaw-Watt for "
        "Flat 2B, 87 Fulham Palace Road, London W6 8JA, commencing 1st July 2024.",
        [
            ("Jasbir Kaur Sandhu", PER),
            ("Ewan Laidlaw-Watt", PER),
            ("Flat 2B, 87 Fulham Palace Road", ST),
            ("London", LOC),
            ("W6 8JA", ZIP),
            ("1st July 2024", DATE),
        ],
    ),
    # -------------------------------------------------------------- radiology and pathology
    Item(
        "CT CHEST WITH CONTRAST\nPatient: LEUNG, Ka Wai   MRN: 00738142   DOB: 1956-08-30\n"
        "Exam date: 2024-02-11 09:42\nReferring: Dr. Ines Carvalho\nFINDINGS: 8 mm solid nodule "
        "in the right upper lobe, unchanged since 2022-08-03. No mediastinal lymphadenopathy.\n"
        "IMPRESSION: Stable nodule. Follow-up CT in 12 months.\nRead by: Samuel Adeyemi, MD",
        [
            ("LEUNG, Ka Wai", PER),
            ("00738142", MRN),
            ("1956-08-30", DATE),
            ("2024-02-11 09:42", DATE),
            ("Ines Carvalho", PER),
            ("2022-08-03", DATE),
            ("Samuel Adeyemi", PER),
        ],
    ),
    Item(
        "MRI LUMBAR SPINE W/O CONTRAST - Acc# RAD-5521098. Pt: Bongani Khumalo, 47M. Clinical "
        "hx: low back pain radiating to L leg x 6 wks. Findings: L4-L5 disc protrusion "
        "contacting the traversing L5 nerve root.",
        [("RAD-5521098", ID), ("Bongani Khumalo", PER), ("47M", AGE)],
    ),
    Item(
        "SURGICAL PATHOLOGY REPORT\nAccession: S24-03317\nPatient: Gabriela Mendoza Ruiz\nMRN: "
        "4402918\nCollected: 03/05/2024  Received: 03/06/2024\nSpecimen: Left breast, core "
        "biopsy at 2 o'clock\nDiagnosis: Invasive ductal carcinoma, grade 2. ER positive (95%), "
        "PR positive (60%), HER2 negative (1+).\nPathologist: Hyun-woo Baek, MD",
        [
            ("S24-03317", ID),
            ("Gabriela Mendoza Ruiz", PER),
            ("4402918", MRN),
            ("03/05/2024", DATE),
            ("03/06/2024", DATE),
            ("Hyun-woo Baek", PER),
        ],
    ),
    Item(
        "Chest X-ray (PA and lateral), 14 Jan 2024. Comparison: 02 Nov 2023. Heart size normal. "
        "No focal consolidation. - reported by Dr Aoife Brennan, St Vincent's University "
        "Hospital, Dublin.",
        [
            ("14 Jan 2024", DATE),
            ("02 Nov 2023", DATE),
            ("Aoife Brennan", PER),
            ("St Vincent's University Hospital", ORG),
            ("Dublin", LOC),
        ],
    ),
    Item(
        "ULTRASOUND PELVIS. Name: Fatima Al-Sayed. Hosp no: K1174429. LMP: 28/03/2024. Uterus "
        "anteverted, endometrial thickness 9 mm. Right ovary contains a 3.2 cm simple cyst.",
        [("Fatima Al-Sayed", PER), ("K1174429", MRN), ("28/03/2024", DATE)],
    ),
    Item(
        "Cytology: cervical smear from Ms. Nomvula Mthembu (DOB 12/12/1984) at Chris Hani "
        "Baragwanath Hospital, Soweto. Result: LSIL. Repeat in 6 months.",
        [
            ("Nomvula Mthembu", PER),
            ("12/12/1984", DATE),
            ("Chris Hani Baragwanath Hospital", ORG),
            ("Soweto", LOC),
        ],
    ),
    Item(
        "Addendum 2024-04-19 16:05 by Dr. Viktor Horváth: discussed findings by phone with "
        "referring clinician Dr. Naledi Mokoena at 16:00; she will contact the patient.",
        [
            ("2024-04-19 16:05", DATE),
            ("Viktor Horváth", PER),
            ("Naledi Mokoena", PER),
            ("16:00", DATE),
        ],
    ),
    Item(
        "Mammogram screening - BI-RADS 1. Patient ID 7719-2203-44, age 52, Kaiser Permanente "
        "Oakland Medical Center. Next screening recommended in 2 years.",
        [
            ("7719-2203-44", MRN),
            ("52", AGE),
            ("Kaiser Permanente Oakland Medical Center", ORG),
        ],
    ),
    Item(
        "Bone marrow biopsy, posterior iliac crest. Specimen received 9 October 2023 from Ward "
        "7B, Royal Infirmary of Edinburgh. Patient: Morag Sinclair, CHI 1210456789.",
        [
            ("9 October 2023", DATE),
            ("Royal Infirmary of Edinburgh", ORG),
            ("Morag Sinclair", PER),
            ("1210456789", ID),
        ],
    ),
    Item(
        "Echo report: LVEF 55-60%. Sonographer: K. Nakamura. Patient: Rosa Elena Jiménez, 68 y/o "
        "F, MRN 90-44-1187.",
        [
            ("K. Nakamura", PER),
            ("Rosa Elena Jiménez", PER),
            ("68", AGE),
            ("90-44-1187", MRN),
        ],
    ),
    Item(
        "Sleep study: Mr. Mustafa Yılmaz, BMI 34, AHI 41 events/h. Study performed overnight "
        "11-12 March 2024 at the Sleep Centre, Royal Brompton Hospital.",
        [
            ("Mustafa Yılmaz", PER),
            ("11-12 March 2024", DATE),
            ("Royal Brompton Hospital", ORG),
        ],
    ),
    Item(
        "Audiology: Patient Tendai Moyo (DOB 1 April 2015) fitted with bilateral hearing aids, "
        "serial numbers 2211948 and 2211951. Parent: Rutendo Moyo.",
        [
            ("Tendai Moyo", PER),
            ("1 April 2015", DATE),
            ("2211948", ID),
            ("2211951", ID),
            ("Rutendo Moyo", PER),
        ],
    ),
    # ------------------------------------------------------------------- discharge summaries
    Item(
        "DISCHARGE SUMMARY\nName: Oluwaseun Bankole\nMRN: 11839204\nAdmitted: 03/02/2024   "
        "Discharged: 03/07/2024\nAttending: Rebecca Lindqvist, MD\nDIAGNOSES: 1. "
        "Community-acquired pneumonia 2. Type 2 diabetes mellitus\nHOSPITAL COURSE: 63-year-old "
        "man admitted with fever and productive cough.\nFOLLOW-UP: PCP Dr. Marcus Whitaker in 1 "
        "week; call 617-555-0134 to schedule.",
        [
            ("Oluwaseun Bankole", PER),
            ("11839204", MRN),
            ("03/02/2024", DATE),
            ("03/07/2024", DATE),
            ("Rebecca Lindqvist", PER),
            ("63", AGE),
            ("Marcus Whitaker", PER),
            ("617-555-0134", PHONE),
        ],
    ),
    Item(
        "Discharge Summary - Ward 12, Manchester Royal Infirmary\nPatient: Mr Hamza Iqbal   NHS "
        "No: 485 777 3457   DOB: 07/07/1961\nAdmission: 12/04/2024  Discharge: 19/04/2024\n"
        "Consultant: Dr E. Fitzgerald\nSummary: NSTEMI, PCI to LAD on 13/04/2024. Discharged on "
        "dual antiplatelet therapy for 12 months.",
        [
            ("Manchester Royal Infirmary", ORG),
            ("Hamza Iqbal", PER),
            ("485 777 3457", ID),
            ("07/07/1961", DATE),
            ("12/04/2024", DATE),
            ("19/04/2024", DATE),
            ("E. Fitzgerald", PER),
            ("13/04/2024", DATE),
        ],
    ),
    Item(
        "D/C SUMMARY. pt: Ngo Thi Huong, 81F, MRN 6630041. lives alone at 4410 Bellaire Blvd "
        "#210, Houston TX 77401. daughter (Linh) is HCP, ph 713-555-0166. admitted 1/14 after "
        "fall at home, R hip fx s/p ORIF 1/15. d/c to Sunrise Rehab 1/20.",
        [
            ("Ngo Thi Huong", PER),
            ("81F", AGE),
            ("6630041", MRN),
            ("4410 Bellaire Blvd #210", ST),
            ("Houston", LOC),
            ("TX", LOC),
            ("77401", ZIP),
            ("Linh", PER),
            ("713-555-0166", PHONE),
            ("1/14", DATE),
            ("1/15", DATE),
            ("Sunrise Rehab", ORG),
            ("1/20", DATE),
        ],
    ),
    Item(
        "Discharge instructions for Cameron Blackfeather: take metoprolol 25 mg twice daily. "
        "Follow up at Cherokee Indian Hospital clinic on May 9 at 1:30 PM. If chest pain returns "
        "call 911.",
        [
            ("Cameron Blackfeather", PER),
            ("Cherokee Indian Hospital", ORG),
            ("May 9 at 1:30 PM", DATE),
        ],
    ),
    Item(
        "SUMMARY OF ADMISSION\nHospital: St. Mary's Hospital, Rochester, MN\nPatient: Ingrid "
        "Solberg-Haugen   Age: 34\nAdmit date: Dec 1, 2023\nReason: Severe pre-eclampsia at 33+2 "
        "weeks. Delivered by C-section on Dec 2, 2023 at 04:18; baby girl, 1.9 kg.\nDischarged "
        "home Dec 6, 2023 with husband Erik.",
        [
            ("St. Mary's Hospital", ORG),
            ("Rochester", LOC),
            ("MN", LOC),
            ("Ingrid Solberg-Haugen", PER),
            ("34", AGE),
            ("Dec 1, 2023", DATE),
            ("Dec 2, 2023 at 04:18", DATE),
            ("Dec 6, 2023", DATE),
            ("Erik", PER),
        ],
    ),
    Item(
        "Transfer summary: 5 yo boy (Mateo Jiménez-Castro) transferred from Valley Children's "
        "Hospital on 07/30/2023 to PICU. Mother Luz Castro at bedside, contact (559) 555-0108.",
        [
            ("5", AGE),
            ("Mateo Jiménez-Castro", PER),
            ("Valley Children's Hospital", ORG),
            ("07/30/2023", DATE),
            ("Luz Castro", PER),
            ("(559) 555-0108", PHONE),
        ],
    ),
    Item(
        "Discharge letter\n\nDear Dr Pillay,\nRe: Thabo Mahlangu-Smith, DOB 23.09.1975, Hosp No. "
        "GSH-0093317\nYour patient was discharged from Groote Schuur Hospital on 4 March. Please "
        "review his renal function in 1 week.",
        [
            ("Pillay", PER),
            ("Thabo Mahlangu-Smith", PER),
            ("23.09.1975", DATE),
            ("GSH-0093317", MRN),
            ("Groote Schuur Hospital", ORG),
            ("4 March", DATE),
        ],
    ),
    Item(
        "Death summary: Mr. Walter Kowalski, 94, died 11/19/2023 at 02:35 at Mercy Hospice, "
        "Scranton, PA. Cause: metastatic prostate cancer. Family (son Greg) notified by RN J. "
        "Alvarado.",
        [
            ("Walter Kowalski", PER),
            ("94", AGE),
            ("11/19/2023 at 02:35", DATE),
            ("Mercy Hospice", ORG),
            ("Scranton", LOC),
            ("PA", LOC),
            ("Greg", PER),
            ("J. Alvarado", PER),
        ],
    ),
    Item(
        "CLINIC NOTE 17-Apr-2024\nPt: Esperanza Villanueva (MRN#: 000447712)\nCC: f/u HTN\nBP "
        "148/92, HR 76. Increase lisinopril to 20 mg. RTC 3 mo.\nSigned: Kwabena Mensah, PA-C",
        [
            ("17-Apr-2024", DATE),
            ("Esperanza Villanueva", PER),
            ("000447712", MRN),
            ("Kwabena Mensah", PER),
        ],
    ),
    Item(
        "ED triage 04:55: 29 y/o G2P1 at 36 wks, brought in by partner (Dominic) from their home "
        "in Lewisham. EDD 2024-07-02.",
        [("04:55", DATE), ("29", AGE), ("Dominic", PER), ("Lewisham", LOC), ("2024-07-02", DATE)],
    ),
    Item(
        "Operative note. Surgeon: Dr. Anneliese Vogt. Assistant: Dr. Oyelaran. Patient: Hiroshi "
        "Tanaka, 71. Date of surgery: 30th January 2024. Procedure: laparoscopic "
        "cholecystectomy.",
        [
            ("Anneliese Vogt", PER),
            ("Oyelaran", PER),
            ("Hiroshi Tanaka", PER),
            ("71", AGE),
            ("30th January 2024", DATE),
        ],
    ),
    Item(
        "Nursing handover: Bed 6 - Hope Adams, 88, post-op day 2 hip. Bed 7 - Grace Kelly-Obi, "
        "54, DKA resolving. Bed 8 - Will Major, 67, awaiting transfer to St Luke's.",
        [
            ("Hope Adams", PER),
            ("88", AGE),
            ("Grace Kelly-Obi", PER),
            ("54", AGE),
            ("Will Major", PER),
            ("67", AGE),
            ("St Luke's", ORG),
        ],
    ),
    Item(
        "Paediatric A&E: Baby boy Kowalski (twin 1), born 23.04.2024 at 06:12 at Leeds General "
        "Infirmary, weight 2.1 kg.",
        [
            ("Kowalski", PER),
            ("23.04.2024 at 06:12", DATE),
            ("Leeds General Infirmary", ORG),
        ],
    ),
    Item(
        "Carta de alta (translated): patient José Luis Hernández García discharged from Hospital "
        "Universitario La Paz on 14/06/2024; GP in Alcobendas to review.",
        [
            ("José Luis Hernández García", PER),
            ("Hospital Universitario La Paz", ORG),
            ("14/06/2024", DATE),
            ("Alcobendas", LOC),
        ],
    ),
    # ------------------------------------------------------------------------ referral letters
    Item(
        "Dear Colleague,\n\nI would be grateful if you could see Mrs Parveen Akhtar (DOB "
        "19/03/1968, NHS 401 023 2137), 14 Oakfield Terrace, Bradford BD8 7QT, tel 01632 960 338, "
        "who has a 3-month history of dyspepsia and weight loss.",
        [
            ("Parveen Akhtar", PER),
            ("19/03/1968", DATE),
            ("401 023 2137", ID),
            ("14 Oakfield Terrace", ST),
            ("Bradford", LOC),
            ("BD8 7QT", ZIP),
            ("01632 960 338", PHONE),
        ],
    ),
    Item(
        "Referral to: Dr. Ahmed El-Masry, Gastroenterology, Cleveland Clinic\nFrom: Dr. Linda "
        "Sorensen, Lakewood Family Practice, fax 216-555-0181\nPatient: Karen Whitmore, 49 y.o., "
        "insurance ID MCD447120993\nReason: iron-deficiency anemia, positive FIT on 2/28/24.",
        [
            ("Ahmed El-Masry", PER),
            ("Cleveland Clinic", ORG),
            ("Linda Sorensen", PER),
            ("Lakewood Family Practice", ORG),
            ("216-555-0181", PHONE),
            ("Karen Whitmore", PER),
            ("49", AGE),
            ("MCD447120993", ID),
            ("2/28/24", DATE),
        ],
    ),
    Item(
        "Hi Sunita, could you please fit in Mr. Chen (Chen Jianguo, MRN 55310277) in your clinic "
        "next week? His PSA has gone from 4.1 to 9.8 since his last check. Thanks, Mike",
        [
            ("Sunita", PER),
            ("Chen", PER),
            ("Chen Jianguo", PER),
            ("55310277", MRN),
            ("Mike", PER),
        ],
    ),
    Item(
        "Re: Lucía Fernández Ortiz, Calle Mayor 16, 3º B, 28013 Madrid. Referred for dermatology "
        "opinion on a changing naevus on her left shoulder, first noticed in June 2023.",
        [
            ("Lucía Fernández Ortiz", PER),
            ("Calle Mayor 16, 3º B", ST),
            ("28013", ZIP),
            ("Madrid", LOC),
            ("June 2023", DATE),
        ],
    ),
    Item(
        "Urgent 2WW referral. Patient: Adaeze Okwuosa. Hospital number: RX1-2298301. Address: "
        "Flat 3, 9 Cavendish Road, Nottingham NG7 2NW. Mobile: 07700 900 667. Email: "
        "adaeze.ok@protonmail.com. Presenting complaint: post-menopausal bleeding.",
        [
            ("Adaeze Okwuosa", PER),
            ("RX1-2298301", MRN),
            ("Flat 3, 9 Cavendish Road", ST),
            ("Nottingham", LOC),
            ("NG7 2NW", ZIP),
            ("07700 900 667", PHONE),
            ("adaeze.ok@protonmail.com", EMAIL),
        ],
    ),
    Item(
        "Referral letter - Physiotherapy\nTo: Harbourside Physio, 101 Queen St, Suite 5, Auckland "
        "1010\nPatient: Manaia Te Awa (NHI ZZZ0016)\nDx: R rotator cuff tendinopathy. Please "
        "assess and treat.",
        [
            ("Harbourside Physio", ORG),
            ("101 Queen St, Suite 5", ST),
            ("Auckland", LOC),
            ("1010", ZIP),
            ("Manaia Te Awa", PER),
            ("ZZZ0016", ID),
        ],
    ),
    Item(
        "Dear Dr. Goldberg, thank you for seeing Esther Rosenbaum, an 86-year-old widow living at "
        "Beth Shalom Residence, who since her husband Saul's death has become increasingly "
        "withdrawn.",
        [
            ("Goldberg", PER),
            ("Esther Rosenbaum", PER),
            ("86", AGE),
            ("Beth Shalom Residence", ORG),
            ("Saul", PER),
        ],
    ),
    Item(
        "Psych referral: 17M, Jaylen Brooks, Lincoln High School junior. School counselor Ms. "
        "Patricia Nguyen reports self-harm disclosure on 10/16. Mother (Keisha Brooks) cell "
        "404-555-0172.",
        [
            ("17M", AGE),
            ("Jaylen Brooks", PER),
            ("Lincoln High School", ORG),
            ("Patricia Nguyen", PER),
            ("10/16", DATE),
            ("Keisha Brooks", PER),
            ("404-555-0172", PHONE),
        ],
    ),
    Item(
        "Dear Dr. Amadi, Ms. Precious Nkemelu (hospital no. LUTH/2023/11408) missed her "
        "appointment at 10am today. Please advise.",
        [
            ("Amadi", PER),
            ("Precious Nkemelu", PER),
            ("LUTH/2023/11408", MRN),
            ("10am", DATE),
        ],
    ),
    # --------------------------------------------------------------------- lab result messages
    Item(
        "Hi Marta, your blood results from 14/05 are back: HbA1c 48 mmol/mol, cholesterol 5.2. Dr "
        "Lewandowski would like to discuss, please book a phone appointment. - Riverside Medical "
        "Practice",
        [
            ("Marta", PER),
            ("14/05", DATE),
            ("Lewandowski", PER),
            ("Riverside Medical Practice", ORG),
        ],
    ),
    Item(
        "LAB ALERT - CRITICAL VALUE\nPatient: DUBOIS, Jean-Pierre  MRN 2039947\nPotassium 6.8 "
        "mmol/L (ref 3.5-5.1)\nCollected 2024-03-21 05:10, called to RN Okoro 05:42, read back "
        "confirmed.",
        [
            ("DUBOIS, Jean-Pierre", PER),
            ("2039947", MRN),
            ("2024-03-21 05:10", DATE),
            ("Okoro", PER),
            ("05:42", DATE),
        ],
    ),
    Item(
        "Your COVID-19 PCR test taken on 12 Jan 2022 at the Wembley Stadium test site is "
        "NEGATIVE. Name: Ravi Shankar Pillai. Date of birth: 22 Aug 1979. Sample ID: QZ8845120.",
        [
            ("12 Jan 2022", DATE),
            ("Wembley Stadium", LOC),
            ("Ravi Shankar Pillai", PER),
            ("22 Aug 1979", DATE),
            ("QZ8845120", ID),
        ],
    ),
    Item(
        "TSH 0.02 mIU/L (low), free T4 32 pmol/L (high). Consistent with hyperthyroidism. Results "
        "for patient #448192 (A. Nakashima) released to portal 3/11/2024 4:52 PM.",
        [("448192", MRN), ("A. Nakashima", PER), ("3/11/2024 4:52 PM", DATE)],
    ),
    Item(
        "quest diagnostics: specimen ID 6612-0498-3, pt DOB 04/04/1990, fasting glucose 126 "
        "mg/dL. ordering provider NPI 1234567893.",
        [
            ("quest diagnostics", ORG),
            ("6612-0498-3", ID),
            ("04/04/1990", DATE),
            ("1234567893", ID),
        ],
    ),
    Item(
        "Microbiology: urine culture >100,000 CFU/mL E. coli, sensitive to nitrofurantoin. "
        "Patient Obinna Chukwu, ward 4, Lagos University Teaching Hospital, sample received "
        "02-05-2024.",
        [
            ("Obinna Chukwu", PER),
            ("Lagos University Teaching Hospital", ORG),
            ("02-05-2024", DATE),
        ],
    ),
    Item(
        "Telephone encounter 6/18/2024 10:42 AM: Pt's husband Gary called reporting pt's blood "
        "sugar 42 this morning. Advised glucose tablets, call 911 if unresponsive. Callback # "
        "970-555-0153.",
        [("6/18/2024 10:42 AM", DATE), ("Gary", PER), ("970-555-0153", PHONE)],
    ),
    Item(
        "Zoom link for your telehealth visit with Dr. Ogunleye on 5/21 at 3:15pm: "
        "https://zoom.us/j/98213345510?pwd=Q2hYa, meeting ID 982 1334 5510.",
        [
            ("Ogunleye", PER),
            ("5/21 at 3:15pm", DATE),
            ("https://zoom.us/j/98213345510?pwd=Q2hYa", URL),
            ("982 1334 5510", ID),
        ],
    ),
    # -------------------------------------------------------------------------- pharmacy notes
    Item(
        "Rx for: Zhao Lei, DOB 11/30/1972, 2100 Mission St Apt 6, San Francisco CA 94110. "
        "Atorvastatin 40 mg PO nightly #90, 3 refills. Prescriber: Dr. Amal Haddad, DEA "
        "AH1234563.",
        [
            ("Zhao Lei", PER),
            ("11/30/1972", DATE),
            ("2100 Mission St Apt 6", ST),
            ("San Francisco", LOC),
            ("CA", LOC),
            ("94110", ZIP),
            ("Amal Haddad", PER),
            ("AH1234563", ID),
        ],
    ),
    Item(
        "Pharmacy note 08/08/2023: spoke with pt's wife (Carmen) re: warfarin dose; INR 3.4 on "
        "08/07. Advised to hold tonight's dose and recheck Friday. Walgreens, 555 Broadway, "
        "Albany NY.",
        [
            ("08/08/2023", DATE),
            ("Carmen", PER),
            ("08/07", DATE),
            ("Walgreens", ORG),
            ("555 Broadway", ST),
            ("Albany", LOC),
            ("NY", LOC),
        ],
    ),
    Item(
        "Medication reconciliation for Kofi Boateng (MRN 3319048): home meds include amlodipine "
        "10 mg daily, metformin 1 g BD. Allergy: penicillin (rash, 1998).",
        [("Kofi Boateng", PER), ("3319048", MRN), ("1998", DATE)],
    ),
    Item(
        "Controlled drug register: 10/03/2024 21:15, oxycodone 5 mg x1 given to bed 14 "
        "(Patricia Hawthorne), witnessed by RN Sadia Rahman and RN Bartholomew Yeo.",
        [
            ("10/03/2024 21:15", DATE),
            ("Patricia Hawthorne", PER),
            ("Sadia Rahman", PER),
            ("Bartholomew Yeo", PER),
        ],
    ),
    Item(
        "refill req from pt @ 503-555-0112 - says she's Dolores Pinkerton, lisinopril 20mg, last "
        "filled 4/2. pharm: Fred Meyer on SE Powell Blvd, Portland",
        [
            ("503-555-0112", PHONE),
            ("Dolores Pinkerton", PER),
            ("4/2", DATE),
            ("Fred Meyer", ORG),
            ("SE Powell Blvd", ST),
            ("Portland", LOC),
        ],
    ),
    Item(
        "Prior authorization denied for adalimumab. Member: Shira Ben-David, member ID UHC "
        "90817726-01, plan UnitedHealthcare Choice Plus. Appeal deadline 07/15/2024.",
        [
            ("Shira Ben-David", PER),
            ("90817726-01", ID),
            ("UnitedHealthcare", ORG),
            ("07/15/2024", DATE),
        ],
    ),
    Item(
        "Boots pharmacy, 12 Market Place, Wokingham RG40 1AL. Dispensed to Mr Jack Summers: "
        "amoxicillin 500 mg TDS x 7 days. Collected by his partner, Summer Reid.",
        [
            ("Boots", ORG),
            ("12 Market Place", ST),
            ("Wokingham", LOC),
            ("RG40 1AL", ZIP),
            ("Jack Summers", PER),
            ("Summer Reid", PER),
        ],
    ),
    Item(
        "Compounding note: magic mouthwash 240 mL for pt June Harper (MRN 775012), picked up 6/14 "
        "by son Bill.",
        [("June Harper", PER), ("775012", MRN), ("6/14", DATE), ("Bill", PER)],
    ),
    Item(
        "Vaccination record: Zofia Nowak, DOB 2019-06-12. MMR dose 1 given 2020-06-15 at "
        "Northside Pediatrics (lot #R4521K).",
        [
            ("Zofia Nowak", PER),
            ("2019-06-12", DATE),
            ("2020-06-15", DATE),
            ("Northside Pediatrics", ORG),
            ("R4521K", ID),
        ],
    ),
    # ------------------------------------------------------------------------ social work notes
    Item(
        "SW note 02/27/2024: Met with pt and her sister Yolanda at bedside. Pt (Denise Carter, "
        "58) has been homeless since her eviction from 318 Walnut St, Springfield last month. "
        "Referred to Catholic Charities shelter on 5th St. Medicaid ID 71234598B.",
        [
            ("02/27/2024", DATE),
            ("Yolanda", PER),
            ("Denise Carter", PER),
            ("58", AGE),
            ("318 Walnut St", ST),
            ("Springfield", LOC),
            ("Catholic Charities", ORG),
            ("5th St", ST),
            ("71234598B", ID),
        ],
    ),
    Item(
        "Safeguarding concern raised by school nurse (Mrs Okonjo, Highfield Primary) on 9/1/24 "
        "re: Ellie-Mae Turner, age 7: unexplained bruising. Lives with mum Chantelle Turner and "
        "mum's partner 'Dazza' at 22 Fern Walk, Hull HU5 3LP.",
        [
            ("Okonjo", PER),
            ("Highfield Primary", ORG),
            ("9/1/24", DATE),
            ("Ellie-Mae Turner", PER),
            ("7", AGE),
            ("Chantelle Turner", PER),
            ("Dazza", PER),
            ("22 Fern Walk", ST),
            ("Hull", LOC),
            ("HU5 3LP", ZIP),
        ],
    ),
    Item(
        "Home visit 15.11.2023, 11:00. Client Mr. Ivan Petrenko (78) lives alone in a 3rd-floor "
        "flat, Block C, Shevchenko House, Wolverhampton WV1 4QT. Neighbour Mrs. Hilda Baxter "
        "checks on him daily. Carer agency: HomeCare Plus, ref HCP-55129.",
        [
            ("15.11.2023, 11:00", DATE),
            ("Ivan Petrenko", PER),
            ("78", AGE),
            ("Block C, Shevchenko House", ST),
            ("Wolverhampton", LOC),
            ("WV1 4QT", ZIP),
            ("Hilda Baxter", PER),
            ("HomeCare Plus", ORG),
            ("HCP-55129", ID),
        ],
    ),
    Item(
        "Met with Mr. Ali Hassan Mohamud and interpreter (Somali) to discuss discharge planning. "
        "Family lives at 2810 Cedar Ave S, Minneapolis 55407. Son Abdirahman works at Hennepin "
        "Healthcare and can assist with transport.",
        [
            ("Ali Hassan Mohamud", PER),
            ("2810 Cedar Ave S", ST),
            ("Minneapolis", LOC),
            ("55407", ZIP),
            ("Abdirahman", PER),
            ("Hennepin Healthcare", ORG),
        ],
    ),
    Item(
        "Social work assessment: Client, Bridget 'Birdie' Callahan, aged 45, reports DV from "
        "ex-partner Shane Doyle. She has moved to a refuge; address withheld. Contact only via "
        "her work phone 0161 496 0773.",
        [
            ("Bridget 'Birdie' Callahan", PER),
            ("45", AGE),
            ("Shane Doyle", PER),
            ("0161 496 0773", PHONE),
        ],
    ),
    Item(
        "Hospice intake: Mrs. Delphine Baptiste, 83, Haitian Creole-speaking, lives with "
        "granddaughter Naïka in North Miami, FL 33161. Code status DNR signed 1/9/2024.",
        [
            ("Delphine Baptiste", PER),
            ("83", AGE),
            ("Naïka", PER),
            ("North Miami", LOC),
            ("FL", LOC),
            ("33161", ZIP),
            ("1/9/2024", DATE),
        ],
    ),
    Item(
        "We met Abebe Bikila Tesfaye and his wife Almaz at the Ethiopian community centre on "
        "Holloway Road, Islington.",
        [
            ("Abebe Bikila Tesfaye", PER),
            ("Almaz", PER),
            ("Holloway Road", ST),
            ("Islington", LOC),
        ],
    ),
    Item(
        "Note: patient prefers to be called 'Bunny' (legal name Bernadette Okafor-Lamb).",
        [("Bunny", PER), ("Bernadette Okafor-Lamb", PER)],
    ),
    Item(
        "Patient states she works as a barista at Blue Bottle Coffee on Valencia Street and lives "
        "with roommate Skye.",
        [("Blue Bottle Coffee", ORG), ("Valencia Street", ST), ("Skye", PER)],
    ),
    # --------------------------------------------------------------- transcribed conversations
    Item(
        "pt's daughter Mary said he's been more confused since the fall on Sunday, keeps asking "
        "for his late wife Dorothy.",
        [("Mary", PER), ("Dorothy", PER)],
    ),
    Item(
        "Per phone call w/ son (Raj, 312-555-0138): mom stopped eating ~3 days ago, last BM "
        "unknown. He will bring her med list tomorrow.",
        [("Raj", PER), ("312-555-0138", PHONE)],
    ),
    Item(
        "Interpreter (Mandarin), Ms. Liu Fang, present. Pt states: 'I have had the pain since the "
        "spring, my husband Wang took me to the clinic in Flushing.'",
        [("Liu Fang", PER), ("Wang", PER), ("Flushing", LOC)],
    ),
    Item(
        "Nurse: 'Can you tell me your name and date of birth?' Patient: 'Eileen Margaret Doherty, "
        "fifth of May nineteen forty-one.' Nurse: 'And where do you live?' Patient: 'Twelve "
        "Station Road, Sligo.'",
        [
            ("Eileen Margaret Doherty", PER),
            ("fifth of May nineteen forty-one", DATE),
            ("Twelve Station Road", ST),
            ("Sligo", LOC),
        ],
    ),
    Item(
        "Husband Dave at bedside, reports she was fine at breakfast then around 10:30 started "
        "slurring words. They live in Ipswich, he drove her to Ipswich Hospital.",
        [("Dave", PER), ("10:30", DATE), ("Ipswich", LOC), ("Ipswich Hospital", ORG)],
    ),
    Item(
        "Caller (neighbour, gave name as Barbara) states the old man at number 14 hasn't taken "
        "his milk in for three days. Street is Wisteria Close, Harrogate.",
        [
            ("Barbara", PER),
            ("number 14", ST),
            ("Wisteria Close", ST),
            ("Harrogate", LOC),
        ],
    ),
    Item(
        "Mother reports: 'Aiden's been wheezing since we moved into the new place on Halsey "
        "Street in Bushwick, the landlord Mr. Petrakis won't fix the mold.'",
        [
            ("Aiden", PER),
            ("Halsey Street", ST),
            ("Bushwick", LOC),
            ("Petrakis", PER),
        ],
    ),
    Item(
        "Translated from Arabic by interpreter Yousef Mansour: patient Khadija Benali says she "
        "arrived from Casablanca on 3 February and has been staying with her cousin in Marseille.",
        [
            ("Yousef Mansour", PER),
            ("Khadija Benali", PER),
            ("Casablanca", LOC),
            ("3 February", DATE),
            ("Marseille", LOC),
        ],
    ),
    Item(
        "Genetic counseling: proband Rivka Adler (Ashkenazi Jewish ancestry) tested positive for "
        "BRCA1 185delAG. Her sister Miriam and maternal aunt Ruth were advised to test.",
        [("Rivka Adler", PER), ("Miriam", PER), ("Ruth", PER)],
    ),
    Item(
        "Dental chart: Chiamaka Obi, 31. Tooth 36 extraction on 7 Mar. Next appt 21 Mar 09:15 "
        "with hygienist Precious.",
        [
            ("Chiamaka Obi", PER),
            ("31", AGE),
            ("7 Mar", DATE),
            ("21 Mar 09:15", DATE),
            ("Precious", PER),
        ],
    ),
    Item(
        "Contact tracing: index case attended Bella Italia, 22 Market St, Cambridge CB2 3PA on 4 "
        "July between 19:00 and 21:00. Table booked under 'Fernandez'.",
        [
            ("Bella Italia", ORG),
            ("22 Market St", ST),
            ("Cambridge", LOC),
            ("CB2 3PA", ZIP),
            ("4 July", DATE),
            ("19:00", DATE),
            ("21:00", DATE),
            ("Fernandez", PER),
        ],
    ),
    Item(
        "Ambulance PCR: dispatched 13:07 to 600 Congress Ave Ste 1400, Austin 78701 for 42 yo M "
        "unresponsive; bystander CPR by coworker. Transported to Dell Seton Medical Center.",
        [
            ("13:07", DATE),
            ("600 Congress Ave Ste 1400", ST),
            ("Austin", LOC),
            ("78701", ZIP),
            ("42", AGE),
            ("Dell Seton Medical Center", ORG),
        ],
    ),
    Item(
        "Nutrition consult - pt Jorge Luis Benítez, 19, on the UCLA wrestling team, wt 74 kg.",
        [("Jorge Luis Benítez", PER), ("19", AGE), ("UCLA", ORG)],
    ),
    Item(
        "Wound care note: sacral pressure injury, stage 3, 4 x 3 cm. Photos uploaded to the chart "
        "of Mrs. Ruby Sweet, Sunnyvale Care Home.",
        [("Ruby Sweet", PER), ("Sunnyvale Care Home", ORG)],
    ),
    Item(
        "IVF cycle 2: partner sperm sample from Mr. Dragan Petrović, ID verified (Serbian passport "
        "009876543). Egg retrieval 2024-02-08 07:30.",
        [("Dragan Petrović", PER), ("009876543", ID), ("2024-02-08 07:30", DATE)],
    ),
    # --------------------------------------------- UK, Ireland, Canada, Australia, elsewhere
    Item(
        "Patient: Siobhán Ní Bhriain\nNHS Number: 943 476 5919\nGP: Dr. Colm Ó Súilleabháin, The "
        "Elms Surgery, 4 Church Street, Stratford-upon-Avon CV37 6HB",
        [
            ("Siobhán Ní Bhriain", PER),
            ("943 476 5919", ID),
            ("Colm Ó Súilleabháin", PER),
            ("The Elms Surgery", ORG),
            ("4 Church Street", ST),
            ("Stratford-upon-Avon", LOC),
            ("CV37 6HB", ZIP),
        ],
    ),
    Item(
        "Please post the documents to Mr R. Thistlethwaite, 10 Downing Street, London SW1A 2AA.",
        [
            ("R. Thistlethwaite", PER),
            ("10 Downing Street", ST),
            ("London", LOC),
            ("SW1A 2AA", ZIP),
        ],
    ),
    Item(
        "Parcel for Mrs E. Windsor-Hughes c/o the post room, London SW1A 1AA - sign on delivery.",
        [("E. Windsor-Hughes", PER), ("London", LOC), ("SW1A 1AA", ZIP)],
    ),
    Item(
        "Ontario Health Card: 1234-567-890-AB. Patient: Geneviève Tremblay, 4520 rue Saint-Denis, "
        "Montréal, QC H2J 2L3. Tel: 514-555-0194.",
        [
            ("1234-567-890-AB", ID),
            ("Geneviève Tremblay", PER),
            ("4520 rue Saint-Denis", ST),
            ("Montréal", LOC),
            ("QC", LOC),
            ("H2J 2L3", ZIP),
            ("514-555-0194", PHONE),
        ],
    ),
    Item(
        "Vancouver General Hospital - ER triage 2023-12-24 22:10. Arvind Rao, 39, fell on ice at "
        "1055 W Georgia St, Vancouver, BC V6E 3P3. PHN 9876 543 210.",
        [
            ("Vancouver General Hospital", ORG),
            ("2023-12-24 22:10", DATE),
            ("Arvind Rao", PER),
            ("39", AGE),
            ("1055 W Georgia St", ST),
            ("Vancouver", LOC),
            ("BC", LOC),
            ("V6E 3P3", ZIP),
            ("9876 543 210", ID),
        ],
    ),
    Item(
        "Dr. Rajesh Kumar Verma, AIIMS New Delhi, phone +91 98765 43210, email rkverma@aiims.edu",
        [
            ("Rajesh Kumar Verma", PER),
            ("AIIMS", ORG),
            ("New Delhi", LOC),
            ("+91 98765 43210", PHONE),
            ("rkverma@aiims.edu", EMAIL),
        ],
    ),
    Item(
        "Patient Aadhaar: 2345 6789 0123. Name: Lakshmi Narayanan. Address: No. 14, 2nd Cross, "
        "Jayanagar 4th Block, Bengaluru 560011, Karnataka.",
        [
            ("2345 6789 0123", ID),
            ("Lakshmi Narayanan", PER),
            ("No. 14, 2nd Cross", ST),
            ("Jayanagar 4th Block", LOC),
            ("Bengaluru", LOC),
            ("560011", ZIP),
            ("Karnataka", LOC),
        ],
    ),
    Item(
        "Medicare card 2953 51673 1. Patient: Harriet Cooper-Nguyen, 33 Bondi Rd, Bondi NSW 2026, "
        "mob 0412 555 308.",
        [
            ("2953 51673 1", ID),
            ("Harriet Cooper-Nguyen", PER),
            ("33 Bondi Rd", ST),
            ("Bondi", LOC),
            ("NSW", LOC),
            ("2026", ZIP),
            ("0412 555 308", PHONE),
        ],
    ),
    Item(
        "Passport: Republic of Kenya, no. AK0482291, holder Wanjiru Kamau, issued Nairobi 14 Feb "
        "2019, expires 13 Feb 2029.",
        [
            ("AK0482291", ID),
            ("Wanjiru Kamau", PER),
            ("Nairobi", LOC),
            ("14 Feb 2019", DATE),
            ("13 Feb 2029", DATE),
        ],
    ),
    Item(
        "Contact in Ireland: Niamh Fitzpatrick, Eircode D02 X285, mobile +353 87 123 4567.",
        [("Niamh Fitzpatrick", PER), ("D02 X285", ZIP), ("+353 87 123 4567", PHONE)],
    ),
    Item(
        "Shipping to: Ahmad Rahimi, Unit 5, 38 Kent Street, Sydney NSW 2000, Australia. Phone: "
        "+61 2 9374 4000.",
        [
            ("Ahmad Rahimi", PER),
            ("Unit 5, 38 Kent Street", ST),
            ("Sydney", LOC),
            ("NSW", LOC),
            ("2000", ZIP),
            ("+61 2 9374 4000", PHONE),
        ],
    ),
    Item(
        "Emergency contact for Mei Ling Tan: her brother Tan Wei Jie, Blk 123 Ang Mo Kio Ave 3, "
        "#08-456, Singapore 560123, +65 9123 4567.",
        [
            ("Mei Ling Tan", PER),
            ("Tan Wei Jie", PER),
            ("Blk 123 Ang Mo Kio Ave 3, #08-456", ST),
            ("560123", ZIP),
            ("+65 9123 4567", PHONE),
        ],
    ),
    Item(
        "Claim under the EHIC: card no. 80380 00000 12345678 (IT), holder Giulia Romano, treated "
        "at Ospedale San Raffaele, Milan, on 21/08/2023.",
        [
            ("80380 00000 12345678", ID),
            ("Giulia Romano", PER),
            ("Ospedale San Raffaele", ORG),
            ("Milan", LOC),
            ("21/08/2023", DATE),
        ],
    ),
    Item(
        "Pt name: Nakamura Haruto (surname first). Age 12. School: Shibuya Junior High, Tokyo. "
        "Guardian phone: +81 3-1234-5678.",
        [
            ("Nakamura Haruto", PER),
            ("12", AGE),
            ("Shibuya Junior High", ORG),
            ("Tokyo", LOC),
            ("+81 3-1234-5678", PHONE),
        ],
    ),
    Item(
        "Ulster Hospital A&E: Mr Seán Mac Giolla Phádraig, 55, of 3 Shore Road, Holywood BT18 "
        "9HX, seen 28/12/2023 02:40 after an assault.",
        [
            ("Ulster Hospital", ORG),
            ("Seán Mac Giolla Phádraig", PER),
            ("55", AGE),
            ("3 Shore Road", ST),
            ("Holywood", LOC),
            ("BT18 9HX", ZIP),
            ("28/12/2023 02:40", DATE),
        ],
    ),
    Item(
        "Hospital no. RJ1 492118 - Ms Thandiwe Dlamini, c/o Guy's Hospital, Great Maze Pond, "
        "London SE1 9RT, NHS 612 448 8019.",
        [
            ("RJ1 492118", MRN),
            ("Thandiwe Dlamini", PER),
            ("Guy's Hospital", ORG),
            ("Great Maze Pond", ST),
            ("London", LOC),
            ("SE1 9RT", ZIP),
            ("612 448 8019", ID),
        ],
    ),
    Item(
        "GP registration: Oleksandr Kovalenko, arrived UK 03/2022 under the Homes for Ukraine "
        "scheme, sponsor family the Ashworths at 6 Mill Lane, Thirsk YO7 1AB. NHS no. 725 019 "
        "3341.",
        [
            ("Oleksandr Kovalenko", PER),
            ("03/2022", DATE),
            ("Ashworths", PER),
            ("6 Mill Lane", ST),
            ("Thirsk", LOC),
            ("YO7 1AB", ZIP),
            ("725 019 3341", ID),
        ],
    ),
    Item(
        "Send the repeat prescription to the Co-op Pharmacy in Truro TR1 2SJ please - Mrs Kerenza "
        "Penhaligon, d.o.b. 9th Sept 1947.",
        [
            ("Co-op Pharmacy", ORG),
            ("Truro", LOC),
            ("TR1 2SJ", ZIP),
            ("Kerenza Penhaligon", PER),
            ("9th Sept 1947", DATE),
        ],
    ),
    Item(
        "Patient transferred from Sunnybrook Health Sciences Centre, 2075 Bayview Ave, Toronto, ON "
        "M4N 3M5. OHIP 5584-486-674-YM. Contact daughter Priya Sharma-Lévesque, 416-555-0182.",
        [
            ("Sunnybrook Health Sciences Centre", ORG),
            ("2075 Bayview Ave", ST),
            ("Toronto", LOC),
            ("ON", LOC),
            ("M4N 3M5", ZIP),
            ("5584-486-674-YM", ID),
            ("Priya Sharma-Lévesque", PER),
            ("416-555-0182", PHONE),
        ],
    ),
    Item(
        "Transfer EUR 640 to ES91 2100 0418 4502 0005 1332 (Alejandro Domínguez Peña) for the "
        "apartment in Málaga, July rent.",
        [
            ("ES91 2100 0418 4502 0005 1332", IBAN),
            ("Alejandro Domínguez Peña", PER),
            ("Málaga", LOC),
        ],
    ),
    Item(
        "Wir bitten um Zahlung - sorry, English: please pay invoice 2024-117 to Praxis Dr. "
        "Katarzyna Wiśniewska, IBAN FR14 2004 1010 0505 0001 3M02 606, by 30.06.2024.",
        [
            ("2024-117", ID),
            ("Katarzyna Wiśniewska", PER),
            ("FR14 2004 1010 0505 0001 3M02 606", IBAN),
            ("30.06.2024", DATE),
        ],
    ),
    Item(
        "Refund to IE29 AIBK 9311 5212 3456 78, Ciarán Ó Briain, 14 Eyre Square, Galway H91 F2X9.",
        [
            ("IE29 AIBK 9311 5212 3456 78", IBAN),
            ("Ciarán Ó Briain", PER),
            ("14 Eyre Square", ST),
            ("Galway", LOC),
            ("H91 F2X9", ZIP),
        ],
    ),
    # ------------------------------------------------------------ identifiers of many kinds
    Item(
        "Failed login attempts for user a.kowalczyk from 203.0.113.45 and "
        "2001:db8:85a3::8a2e:370:7334 between 02:14 and 02:19 UTC on 2024-05-30.",
        [
            ("a.kowalczyk", ID),
            ("203.0.113.45", IP),
            ("2001:db8:85a3::8a2e:370:7334", IP),
            ("02:14", DATE),
            ("02:19", DATE),
            ("2024-05-30", DATE),
        ],
    ),
    Item(
        "Driver's licence no. SMITH811150J99AB (UK). Holder: Jonathan Smith, DOB 15/11/1980.",
        [("SMITH811150J99AB", ID), ("Jonathan Smith", PER), ("15/11/1980", DATE)],
    ),
    Item(
        "Patient portal account created: username r.gutierrez1962, linked email "
        "rosario.gutierrez@icloud.com, phone +1 (786) 555-0119, IP 73.42.118.9.",
        [
            ("r.gutierrez1962", ID),
            ("rosario.gutierrez@icloud.com", EMAIL),
            ("+1 (786) 555-0119", PHONE),
            ("73.42.118.9", IP),
        ],
    ),
    Item(
        "US passport 562018834 issued to Connor James Whitfield-Reyes, born 09 JAN 2001, Phoenix, "
        "Arizona.",
        [
            ("562018834", ID),
            ("Connor James Whitfield-Reyes", PER),
            ("09 JAN 2001", DATE),
            ("Phoenix", LOC),
            ("Arizona", LOC),
        ],
    ),
    Item(
        "SSN: 521-44-8207 / DOB: 1983-12-02 / Name: Kimberly Ann Struthers / Employer: Boeing, "
        "Everett, WA",
        [
            ("521-44-8207", SSN),
            ("1983-12-02", DATE),
            ("Kimberly Ann Struthers", PER),
            ("Boeing", ORG),
            ("Everett", LOC),
            ("WA", LOC),
        ],
    ),
    Item(
        "W-2 corrected for employee Luis Ortega-Vega, SSN 601 34 2278, address 88 Calle del Sol, "
        "Laredo, TX 78040.",
        [
            ("Luis Ortega-Vega", PER),
            ("601 34 2278", SSN),
            ("88 Calle del Sol", ST),
            ("Laredo", LOC),
            ("TX", LOC),
            ("78040", ZIP),
        ],
    ),
    Item(
        "Device serial C02XK1ABJGH5, MAC 3c:22:fb:91:0a:7e, assigned to Noura Al-Qahtani (IT "
        "ticket INC0098821).",
        [
            ("C02XK1ABJGH5", ID),
            ("3c:22:fb:91:0a:7e", ID),
            ("Noura Al-Qahtani", PER),
            ("INC0098821", ID),
        ],
    ),
    Item(
        "i think the guy who keeps messaging me is @tr0ll_king_77 on twitter, his real name is "
        "prob darren something",
        [("@tr0ll_king_77", ID), ("darren", PER)],
    ),
    Item(
        "Fax results to 020 7946 0321 (attn: Dr Nkechi Uzor, Homerton University Hospital) - "
        "patient ref HUH-448201.",
        [
            ("020 7946 0321", PHONE),
            ("Nkechi Uzor", PER),
            ("Homerton University Hospital", ORG),
            ("HUH-448201", MRN),
        ],
    ),
    Item(
        "Employee Gustavo Paredes (ID 7731902) clocked in at 06:58 on 11/04/2024 at the "
        "Bakersfield distribution center.",
        [
            ("Gustavo Paredes", PER),
            ("7731902", ID),
            ("06:58", DATE),
            ("11/04/2024", DATE),
            ("Bakersfield", LOC),
        ],
    ),
    Item(
        "User-submitted form: name=Olga Ivanova; email=olga.iv@mail.ru; dob=1979-03-08; "
        "ip=91.122.45.201; referrer=https://forum.example.org/t/4412",
        [
            ("Olga Ivanova", PER),
            ("olga.iv@mail.ru", EMAIL),
            ("1979-03-08", DATE),
            ("91.122.45.201", IP),
            ("https://forum.example.org/t/4412", URL),
        ],
    ),
    Item(
        "Amex 3782 822463 10005 exp 08/27 - cardholder Naomi Friedman-Katz, billing ZIP 10025.",
        [
            ("3782 822463 10005", CC),
            ("08/27", DATE),
            ("Naomi Friedman-Katz", PER),
            ("10025", ZIP),
        ],
    ),
    Item(
        "Claimant: Tesfaye Bekele. Workers' comp claim no. 2024-WC-0088193. Date of injury: "
        "March 4th, 2024. Employer: Golden State Poultry, Turlock.",
        [
            ("Tesfaye Bekele", PER),
            ("2024-WC-0088193", ID),
            ("March 4th, 2024", DATE),
            ("Golden State Poultry", ORG),
            ("Turlock", LOC),
        ],
    ),
    Item(
        "Dear Ms. Park Ji-yeon, your library card 21982004471653 is due for renewal. Visit "
        "https://library.example.edu/account or call 206-555-0147.",
        [
            ("Park Ji-yeon", PER),
            ("21982004471653", ID),
            ("https://library.example.edu/account", URL),
            ("206-555-0147", PHONE),
        ],
    ),
    Item(
        "Hi Dr. Faith, Mr. Rich Young (DOB 2/2/1950) asked whether he can have his flu jab at the "
        "Elm Street clinic.",
        [
            ("Faith", PER),
            ("Rich Young", PER),
            ("2/2/1950", DATE),
            ("Elm Street", ST),
        ],
    ),
    Item(
        "Registro: Sra. Dragana Petrović, pasaporte 012345678, domicilio Avenida de América 37, "
        "4ºA, 28002 Madrid, tel. +34 612 345 678.",
        [
            ("Dragana Petrović", PER),
            ("012345678", ID),
            ("Avenida de América 37, 4ºA", ST),
            ("28002", ZIP),
            ("Madrid", LOC),
            ("+34 612 345 678", PHONE),
        ],
    ),
    Item(
        "Mr. Nguyễn Văn An, 60, was seen at Bệnh viện Chợ Rẫy, Ho Chi Minh City on 15/08/2023; "
        "his son Minh (minh.nguyen@gmail.com) will translate.",
        [
            ("Nguyễn Văn An", PER),
            ("60", AGE),
            ("Bệnh viện Chợ Rẫy", ORG),
            ("Ho Chi Minh City", LOC),
            ("15/08/2023", DATE),
            ("Minh", PER),
            ("minh.nguyen@gmail.com", EMAIL),
        ],
    ),
    Item(
        "Appeal letter from Fatima Zahra El Idrissi, 8 Rue des Lilas, 75019 Paris, regarding "
        "visa application VIS-FR-2024-883102 refused on 19 avril 2024.",
        [
            ("Fatima Zahra El Idrissi", PER),
            ("8 Rue des Lilas", ST),
            ("75019", ZIP),
            ("Paris", LOC),
            ("VIS-FR-2024-883102", ID),
            ("19 avril 2024", DATE),
        ],
    ),
    Item(
        "Konstantinos Papadopoulos, 36, Greek national, brought to A&E by colleague from Ocado "
        "warehouse, Erith, after a fall at 14:20.",
        [
            ("Konstantinos Papadopoulos", PER),
            ("36", AGE),
            ("Ocado", ORG),
            ("Erith", LOC),
            ("14:20", DATE),
        ],
    ),
    Item(
        "Ms Çağla Yıldız called: her son Emre (8) was bitten by a dog in Finsbury Park at about "
        "4pm yesterday. Callback 07700 900 812.",
        [
            ("Çağla Yıldız", PER),
            ("Emre", PER),
            ("8", AGE),
            ("Finsbury Park", LOC),
            ("4pm", DATE),
            ("07700 900 812", PHONE),
        ],
    ),
    Item(
        "Mr. Jiří Novák (pojištěnec 7801011234, VZP) treated for a sprained ankle in Brno on "
        "2023-02-17.",
        [
            ("Jiří Novák", PER),
            ("7801011234", ID),
            ("VZP", ORG),
            ("Brno", LOC),
            ("2023-02-17", DATE),
        ],
    ),
    Item(
        "Please verify identity: last name Oyelowo, SSN ending 6613; the full SSN on the W-9 is "
        "318-62-6613.",
        [("Oyelowo", PER), ("6613", ID), ("318-62-6613", SSN)],
    ),
    Item(
        "ugh the form wants my social again. 532 80 1947. why do they need it every time",
        [("532 80 1947", SSN)],
    ),
    Item(
        "Paying by Discover: 6011 1111 1111 1117, exp 11/26, CVV 123, name on card Marcus "
        "O'Hare-Lindgren.",
        [
            ("6011 1111 1111 1117", CC),
            ("11/26", DATE),
            ("123", ID),
            ("Marcus O'Hare-Lindgren", PER),
        ],
    ),
    # ---------------------------------------------------------- texts with no personal identifier
    Item(
        "What is the recommended starting dose of metformin for an adult with type 2 diabetes and "
        "an eGFR of 45?",
        [],
    ),
    Item(
        "Take 2 tablets every 4 to 6 hours as needed for pain. Do not exceed 8 tablets in 24 "
        "hours.",
        [],
    ),
    Item(
        "Hemoglobin 10.2 g/dL, MCV 72 fL, ferritin 8 ng/mL. Pattern suggests iron deficiency.", []
    ),
    Item(
        "The 2019 ACC/AHA guideline recommends a statin for adults aged 40 to 75 with LDL above "
        "190 mg/dL.",
        [],
    ),
    Item(
        "Patient reports chest pain for 3 days, worse on exertion, relieved by rest. No radiation "
        "to the arm.",
        [],
    ),
    Item("Wash hands for at least 20 seconds before and after changing the dressing.", []),
    Item(
        "Blood pressure 132/84 mmHg, heart rate 88 bpm, SpO2 97% on room air, temperature 37.8 °C.",
        [],
    ),
    Item(
        "Medicaid eligibility rules vary by state; Texas and Florida did not expand coverage, "
        "while California did.",
        [],
    ),
    Item(
        "How long should I wait after taking levothyroxine before drinking coffee?",
        [],
    ),
    Item(
        "Continue amoxicillin 500 mg three times daily for 7 days. Review if no improvement after "
        "48 hours.",
        [],
    ),
    Item(
        "CT shows a 2.3 x 1.8 cm mass in segment 6 of the liver with arterial enhancement and "
        "washout.",
        [],
    ),
    Item(
        "The clinic is closed on public holidays. For urgent problems outside opening hours call "
        "the out-of-hours service.",
        [],
    ),
    Item(
        "Room temperature should be kept between 20 and 25 degrees. Store unopened insulin in the "
        "fridge.",
        [],
    ),
    Item(
        "Approximately 1 in 8 women in the United States will develop breast cancer over her "
        "lifetime.",
        [],
    ),
    Item(
        "Score of 14 on the PHQ-9 indicates moderate depression; consider referral for talking "
        "therapy.",
        [],
    ),
    Item(
        "Fasting for 8 hours is required before the procedure. Clear fluids are allowed up to 2 "
        "hours before.",
        [],
    ),
    Item(
        "The trial enrolled 1,204 participants across 37 sites in Canada, Germany and Japan "
        "between 2018 and 2021.",
        [],
    ),
    Item(
        "Please bring a list of all your current medications, including vitamins and "
        "supplements, to your next appointment.",
        [],
    ),
    Item(
        "Creatinine rose from 88 to 142 µmol/L over 48 hours; urine output 0.3 mL/kg/h.",
        [],
    ),
    Item(
        "Smoking history: 20 pack-years, quit 10 years ago. Alcohol: 14 units per week.",
        [],
    ),
    Item(
        "Insulin glargine 18 units subcutaneously at bedtime; titrate by 2 units every 3 days to "
        "fasting glucose 4-7 mmol/L.",
        [],
    ),
    Item("Is it safe to take ibuprofen while breastfeeding?", []),
    Item("The ward has 28 beds, 4 of which are side rooms for infection control.", []),
    Item(
        "ECG: sinus rhythm at 72 bpm, PR 160 ms, QRS 98 ms, QTc 452 ms. No acute ST changes.",
        [],
    ),
    Item(
        "Step 1: remove the cap. Step 2: prime the pen with 2 units. Step 3: inject into the "
        "abdomen and hold for 10 seconds.",
        [],
    ),
    Item(
        "Influenza vaccination is recommended every autumn for everyone aged 65 and over and for "
        "pregnant women.",
        [],
    ),
    Item(
        "Total cholesterol 6.1 mmol/L, HDL 1.2, LDL 4.0, triglycerides 2.1. 10-year "
        "cardiovascular risk 14%.",
        [],
    ),
    Item("In the Midwest, Lyme disease cases usually peak in early summer.", []),
    Item("Repeat prescriptions take 2 working days to process.", []),
    Item("Apgar scores 8 and 9 at 1 and 5 minutes. Birth weight 3.4 kg.", []),
    Item(
        "Differential diagnosis includes pulmonary embolism, pneumothorax, pericarditis and "
        "musculoskeletal pain.",
        [],
    ),
    Item(
        "Reduce prednisolone by 5 mg every week until 10 mg, then by 1 mg every 2 weeks.",
        [],
    ),
    Item(
        "Our helpline is staffed by trained nurses who can advise on symptoms, medicines and where "
        "to get care.",
        [],
    ),
    Item(
        "The average waiting time in emergency departments in England was 4 hours in 2023.",
        [],
    ),
    Item(
        "Tumour size 22 mm, margins clear by 4 mm, 0 of 12 lymph nodes involved. pT2 N0.",
        [],
    ),
    Item("Can I drive after cataract surgery, and if so how soon?", []),
    Item(
        "Version 3.2.1 of the app fixes a bug where doses over 100 units were rounded incorrectly.",
        [],
    ),
    Item(
        "Order 2 boxes of 100 nitrile gloves, size M, and 50 sterile dressing packs for the ward.",
        [],
    ),
    Item("lol i have no idea what the dr meant by 'idiopathic', anyone know??", []),
    Item(
        "Pain score 7/10 at rest, 9/10 on movement. Morphine 2.5 mg IV given with good effect.",
        [],
    ),
    Item("Dose adjustment needed if CrCl below 30 mL/min; avoid if below 15.", []),
    Item("Vitamin D 25 nmol/L (deficient). Start colecalciferol 800 IU daily.", []),
    Item(
        "Children under 12 should not be given aspirin because of the risk of Reye's syndrome.",
        [],
    ),
    Item(
        "Most adults need 7 to 9 hours of sleep; shift workers in Ontario and Quebec report less.",
        [],
    ),
]


def _boundary_ok(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` does not start or end inside a word."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    left = not (before.isalnum() and text[start].isalnum())
    right = not (after.isalnum() and text[end - 1].isalnum())
    return left and right


def _occurrences(text: str, value: str, start: int = 0) -> list[int]:
    """Start offsets of ``value`` in ``text`` at or after ``start``, on word boundaries."""
    found: list[int] = []
    pos = text.find(value, start)
    while pos != -1:
        if _boundary_ok(text, pos, pos + len(value)):
            found.append(pos)
        pos = text.find(value, pos + 1)
    return found


def locate(item: Item, item_id: str = "?") -> tuple[GoldSpan, ...]:
    """Gold spans of ``item``: each label found, in order, after the previous one.

    Raises ``ValueError`` when a label is not found, when a label's entity type is not in the
    vocabulary, or when a labelled value occurs again in the text without a label.
    """
    spans: list[GoldSpan] = []
    cursor = 0
    for value, entity in item.labels:
        if entity not in ENTITIES:
            raise ValueError(f"{item_id}: unknown entity {entity!r} for {value!r}")
        hits = _occurrences(item.text, value, cursor)
        if not hits:
            raise ValueError(f"{item_id}: {value!r} ({entity}) not found after offset {cursor}")
        start = hits[0]
        spans.append(GoldSpan(start, start + len(value), entity))
        cursor = start + len(value)
    for value, _ in item.labels:
        for pos in _occurrences(item.text, value):
            if not any(s.start <= pos and pos + len(value) <= s.end for s in spans):
                raise ValueError(f"{item_id}: {value!r} also occurs unlabelled at {pos}")
    return tuple(spans)


def handwritten_set() -> list[LabelledText]:
    """The hand-written texts as :class:`LabelledText` (category ``"handwritten"``), with ids
    ``hw-001`` and on; ``safe_harbor_spans`` is left empty (see the module docstring)."""
    out: list[LabelledText] = []
    for i, item in enumerate(ITEMS, start=1):
        item_id = f"hw-{i:03d}"
        out.append(LabelledText(item_id, item.text, locate(item, item_id), CATEGORY))
    return out
