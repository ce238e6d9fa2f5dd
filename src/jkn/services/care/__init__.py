"""Care flow: facilities, eligibility, first-level visits, referrals, SEPs, emergencies, control letters
and the VClaim consumers. Public use cases: ``facilities``, ``eligibility``, ``primary_care``,
``referrals``, ``sep``, ``sep_letter``, ``emergencies``, ``vclaim_consumers``."""
