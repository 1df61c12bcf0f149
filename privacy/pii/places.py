"""Names and codes of places at or above state level: US states and territories, Canadian
provinces, Australian states, the UK's nations, and countries. Pure Python, shared by the
recognizers (which look for a city before a state) and the ``safe-harbor`` profile (which keeps
places of state level or above)."""

from __future__ import annotations

__all__ = [
    "COUNTRY_NAMES",
    "PROVINCE_CODES",
    "PROVINCE_NAMES",
    "US_STATE_CODES",
    "US_STATE_NAMES",
]

#: US state and territory postal codes.
US_STATE_CODES: tuple[str, ...] = tuple(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split()
)
#: Canadian provinces and territories, Australian states and territories (codes).
PROVINCE_CODES: tuple[str, ...] = (
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    "NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT",
)  # fmt: skip
#: US state and territory names, lower case.
US_STATE_NAMES: frozenset[str] = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming""".split()
) | frozenset(
    {
        "new hampshire", "new jersey", "new mexico", "new york", "north carolina",
        "north dakota", "rhode island", "south carolina", "south dakota", "west virginia",
        "district of columbia", "puerto rico", "guam", "american samoa", "u.s. virgin islands",
        "virgin islands", "northern mariana islands",
    }
)  # fmt: skip
#: Provinces, states and nations of Canada, Australia and the UK, lower case.
PROVINCE_NAMES: frozenset[str] = frozenset(
    {
        "ontario", "quebec", "british columbia", "alberta", "manitoba", "saskatchewan",
        "nova scotia", "new brunswick", "newfoundland and labrador", "prince edward island",
        "yukon", "nunavut", "northwest territories", "new south wales", "queensland",
        "victoria", "tasmania", "western australia", "south australia",
        "australian capital territory", "northern territory", "scotland", "wales",
        "northern ireland", "england",
    }
)  # fmt: skip
#: Country names and common short forms, lower case.
COUNTRY_NAMES: frozenset[str] = frozenset(
    """afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
    bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia botswana
    brazil brunei bulgaria burundi cambodia cameroon canada chad chile china colombia comoros
    congo croatia cuba cyprus czechia czech denmark djibouti dominica ecuador egypt eritrea
    estonia eswatini ethiopia fiji finland france gabon gambia georgia germany ghana greece
    grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia iran iraq
    ireland israel italy jamaica japan jordan kazakhstan kenya kiribati korea kosovo kuwait
    kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg
    madagascar malawi malaysia maldives mali malta mauritania mauritius mexico micronesia moldova
    monaco mongolia montenegro morocco mozambique myanmar namibia nauru nepal netherlands
    nicaragua niger nigeria norway oman pakistan palau palestine panama paraguay peru
    philippines poland portugal qatar romania russia rwanda samoa senegal serbia seychelles
    singapore slovakia slovenia somalia spain sudan suriname sweden switzerland syria taiwan
    tajikistan tanzania thailand togo tonga tunisia turkey turkmenistan tuvalu uganda ukraine
    uruguay uzbekistan vanuatu venezuela vietnam yemen zambia zimbabwe england scotland wales
    britain usa us america""".split()
) | frozenset(
    {
        "united states", "united states of america", "the united states", "united kingdom",
        "the uk", "uk", "u.s.", "u.s.a.", "new zealand", "south africa", "south korea",
        "north korea", "saudi arabia", "sri lanka", "costa rica", "el salvador", "puerto rico",
        "dominican republic", "great britain", "ivory coast", "sierra leone", "east timor",
        "the netherlands", "the philippines", "united arab emirates", "papua new guinea",
        "bosnia and herzegovina", "north macedonia", "cape verde", "equatorial guinea",
        "burkina faso", "san marino", "vatican city", "trinidad and tobago",
    }
)  # fmt: skip
