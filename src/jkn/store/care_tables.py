"""Care flow (issue #5): facility staff, VClaim consumers, FKTP visits, referrals, control
letters, SEPs, emergencies and ambulance trips. Migration 0004.

Guide (seed 001): FASILITAS KESEHATAN BAGI PESERTA, TATA CARA MENDAPATKAN PELAYANAN KESEHATAN
(§1 FKTP, §2 referral with SEP, §3 emergencies), PELAYANAN KESEHATAN YANG DIJAMIN / TIDAK DIJAMIN.
Numbers follow VClaim's 19-character layout (see docs/care-flow.md): facility code (8) + MMYY
+ a letter (V = SEP, Y = FKTP referral, B = hospital referral, K = control letter) + 6 digits.
Dates are Asia/Jakarta calendar dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from jkn.domain.timestamps import utcnow
from jkn.store.base import Base


class FacilityStaffRow(Base):
    """A person working at a facility: doctors (DPJP code), dentists, midwives, BPJS Center staff."""

    __tablename__ = "facility_staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # DOCTOR, SPECIALIST, DENTIST, MIDWIFE, NURSE, PHARMACIST, BPJS_CENTER, ADMIN
    registration_number: Mapped[str | None] = mapped_column(String(40))  # STR / kode DPJP
    poli_code: Mapped[str | None] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VClaimConsumerRow(Base):
    """Bridging credentials of one facility's information system (SIMRS).

    ``secret`` is kept as issued: the server needs it to check HMAC signatures and to derive the
    v2.0 response key. ``user_key`` is kept only as its SHA-256 (it is only ever compared)."""

    __tablename__ = "vclaim_consumer"
    cons_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    secret: Mapped[str] = mapped_column(String(64))
    user_key_sha256: Mapped[str | None] = mapped_column(String(64))
    api_version: Mapped[str] = mapped_column(String(4), default="2.0")  # "2.0" or "1.1"
    label: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class VClaimRequestRow(Base):
    """A VClaim write as first received: its signed headers, a digest of the request and the answer
    sent. The same headers with the same request get the same answer again (no second write); with
    another request they are refused (assumption A-C16). Kept a little longer than the clock-skew
    window, after which the headers are refused as stale anyway."""

    __tablename__ = "vclaim_request"
    cons_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    x_timestamp: Mapped[str] = mapped_column(String(32), primary_key=True)
    signature: Mapped[str] = mapped_column(String(88), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class CareSerialRow(Base):
    """Last serial used per number prefix (facility code + MMYY + letter)."""

    __tablename__ = "care_serial"
    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, default=0)


class VisitRow(Base):
    """A first-level visit (kunjungan) at an FKTP: at the registered one, or an emergency elsewhere."""

    __tablename__ = "visit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    visit_date: Mapped[dt.date] = mapped_column(Date)
    care_type: Mapped[str] = mapped_column(String(4))  # RJTP outpatient / RITP inpatient
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    diagnosis_code: Mapped[str | None] = mapped_column(String(8))
    complaint: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("facility_staff.id"))
    explanation: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the examination as the clinic records it (issue #14, migration 0008d; P-Care ``kunjungan``)
    poli_code: Mapped[str | None] = mapped_column(String(3))
    doctor_code: Mapped[str | None] = mapped_column(String(20))  # kdDokter
    vitals: Mapped[dict | None] = mapped_column(JSON)  # kdSadar, sistole, diastole, beratBadan ... as sent
    diagnosis2_code: Mapped[str | None] = mapped_column(String(8))
    diagnosis3_code: Mapped[str | None] = mapped_column(String(8))
    therapy: Mapped[str | None] = mapped_column(Text)  # terapi (obat and non-obat, free text)
    outcome: Mapped[str | None] = mapped_column(String(2))  # kdStatusPulang
    discharge_date: Mapped[dt.date | None] = mapped_column(Date)  # tglPulang
    prognosis: Mapped[str | None] = mapped_column(String(2))  # kdPrognosa
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReferralRow(Base):
    """A referral letter (rujukan): from an FKTP (origin 1) or from a hospital (origin 2)."""

    __tablename__ = "referral"
    number: Mapped[str] = mapped_column(String(19), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    origin_level: Mapped[str] = mapped_column(String(1))  # "1" FKTP, "2" FKRTL (asalRujukan)
    from_facility: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    to_facility: Mapped[str | None] = mapped_column(ForeignKey("facility.code"), index=True)
    referral_date: Mapped[dt.date] = mapped_column(Date)
    planned_visit_date: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    service_type: Mapped[str] = mapped_column(String(1))  # "1" inpatient, "2" outpatient
    referral_type: Mapped[str] = mapped_column(String(1), default="0")  # 0 full, 1 partial, 2 back (PRB)
    poli_code: Mapped[str | None] = mapped_column(String(3))
    diagnosis_code: Mapped[str] = mapped_column(String(8))
    complaint: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    sep_number: Mapped[str | None] = mapped_column(String(19))  # the hospital SEP a hospital referral follows
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outside_reason: Mapped[str | None] = mapped_column(Text)  # why a hospital outside the kab/kota (0008d)


class SepRow(Base):
    """Surat Eligibilitas Peserta issued at a referral-level facility (TATA CARA §2.b)."""

    __tablename__ = "sep"
    number: Mapped[str] = mapped_column(String(19), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"))
    sep_date: Mapped[dt.date] = mapped_column(Date)
    service_type: Mapped[str] = mapped_column(String(1))  # "1" inpatient, "2" outpatient
    class_entitled: Mapped[str] = mapped_column(String(3))  # I / II / III
    class_upgrade: Mapped[str | None] = mapped_column(String(2))  # klsRawatNaik code, paid by the participant
    upgrade_payer: Mapped[str | None] = mapped_column(String(2))
    upgrade_responsible: Mapped[str | None] = mapped_column(String(80))
    poli_code: Mapped[str | None] = mapped_column(String(3))
    executive: Mapped[bool] = mapped_column(Boolean, default=False)
    diagnosis_code: Mapped[str] = mapped_column(String(8))
    referral_number: Mapped[str | None] = mapped_column(ForeignKey("referral.number"), index=True)
    referral_origin: Mapped[str | None] = mapped_column(String(1))
    referral_date: Mapped[dt.date | None] = mapped_column(Date)
    referral_facility: Mapped[str | None] = mapped_column(String(8))
    control_letter_number: Mapped[str | None] = mapped_column(String(19))
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    accident: Mapped[str] = mapped_column(String(1), default="0")  # lakaLantas 0..3
    delivery_child_number: Mapped[int | None] = mapped_column(Integer)
    cob: Mapped[bool] = mapped_column(Boolean, default=False)
    cataract: Mapped[bool] = mapped_column(Boolean, default=False)
    visit_purpose: Mapped[str] = mapped_column(String(1), default="0")  # tujuanKunj
    dpjp_code: Mapped[str | None] = mapped_column(String(20))
    mr_number: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    discharge_date: Mapped[dt.date | None] = mapped_column(Date)
    explanation: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(String(80))
    deleted_reason: Mapped[str | None] = mapped_column(String(500))  # said at the desk when cancelled (issue #13)

    __table_args__ = (
        Index("ix_sep_participant_id_sep_date", "participant_id", "sep_date"),
        Index("ix_sep_facility_code_sep_date", "facility_code", "sep_date"),
        # one live SEP per participant, facility, service type, clinic and day (A-C03), held by the
        # database so that concurrent inserts cannot both pass the check in code (A-C15); NULLs never
        # collide in a unique index, hence the second index for SEPs without a clinic
        Index("uq_sep_one_per_visit", "participant_id", "facility_code", "service_type", "poli_code", "sep_date",
              unique=True, postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        Index("uq_sep_one_per_visit_no_poli", "participant_id", "facility_code", "service_type", "sep_date",
              unique=True, postgresql_where=text("deleted_at IS NULL AND poli_code IS NULL"),
              sqlite_where=text("deleted_at IS NULL AND poli_code IS NULL")),
    )


class SepAccidentRow(Base):
    """The traffic- or work-accident details an SEP was issued with (VClaim ``t_sep.jaminan``:
    ``penjamin{tglKejadian, keterangan, suplesi{suplesi, noSepSuplesi, lokasiLaka{kdPropinsi,
    kdKabupaten, kdKecamatan}}}``, ``noLP``; 1.1's ``penjamin.penjamin``), one row per SEP whose
    ``lakaLantas`` is not 0. A supplement (``suplesi``) continues the guarantee of an earlier accident
    SEP of the same participant (``supplement_of``). Migration 0009a."""

    __tablename__ = "sep_accident"
    __table_args__ = (CheckConstraint("supplement_of IS NULL OR supplement_of <> sep_number",
                                      name="ck_sep_accident_not_itself"),)
    sep_number: Mapped[str] = mapped_column(ForeignKey("sep.number"), primary_key=True)
    accident_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)  # keterangan
    guarantors: Mapped[str | None] = mapped_column(String(20))  # 1.1 penjamin "1,2": 1 Jasa Raharja ... 4 ASABRI
    supplement_of: Mapped[str | None] = mapped_column(ForeignKey("sep.number"), index=True)  # noSepSuplesi
    province_code: Mapped[str | None] = mapped_column(String(2))
    regency_code: Mapped[str | None] = mapped_column(String(4))
    district_code: Mapped[str | None] = mapped_column(String(10))
    police_report: Mapped[str | None] = mapped_column(String(40))  # noLP


class SepInternalRow(Base):
    """An internal referral (VClaim ``SEP/Internal``): from an SEP's clinic to another clinic of the same
    hospital, with the SEP it opened there (assumption A-V50). Migration 0009a."""

    __tablename__ = "sep_internal"
    number: Mapped[str] = mapped_column(String(19), primary_key=True)  # nosurat, letter N
    from_sep: Mapped[str] = mapped_column(ForeignKey("sep.number"), index=True)  # nosep
    sep_number: Mapped[str] = mapped_column(ForeignKey("sep.number"), unique=True)  # nosepref
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"))
    referral_date: Mapped[dt.date] = mapped_column(Date)  # tglrujukinternal
    from_poli: Mapped[str] = mapped_column(String(3))
    to_poli: Mapped[str] = mapped_column(String(3))
    doctor_code: Mapped[str | None] = mapped_column(String(20))
    diagnosis_code: Mapped[str] = mapped_column(String(8))
    support_code: Mapped[str | None] = mapped_column(String(2))  # kdPenunjang
    procedure_flag: Mapped[str | None] = mapped_column(String(1))  # flagProcedure
    assessment: Mapped[str | None] = mapped_column(String(1))  # assesmentPel
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(String(80))


class ControlLetterRow(Base):
    """Surat (perintah) kontrol pasca rawat inap: lets the participant come back without a new referral
    (``kind`` "2", after an inpatient SEP); or an SPRI, surat perintah rawat inap (``kind`` "1", VClaim
    ``RencanaKontrol/InsertSPRI``): the hospital's order to admit, with no SEP before it."""

    __tablename__ = "control_letter"
    number: Mapped[str] = mapped_column(String(19), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    kind: Mapped[str] = mapped_column(String(1), default="2", server_default="2")  # jnsKontrol: 1 SPRI, 2 kontrol
    sep_number: Mapped[str | None] = mapped_column(ForeignKey("sep.number"), index=True)
    control_date: Mapped[dt.date] = mapped_column(Date)
    poli_code: Mapped[str] = mapped_column(String(3))
    doctor_code: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("(kind = '2' AND sep_number IS NOT NULL) OR (kind = '1' AND sep_number IS NULL)",
                        name="ck_control_letter_kind_sep"),
    )


class EmergencyCaseRow(Base):
    """Emergency care (TATA CARA §3): anywhere; at a non-partner facility, followed by the transfer
    to a partner facility once the patient is stable (§3.c)."""

    __tablename__ = "emergency_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    admitted_on: Mapped[dt.date] = mapped_column(Date)
    diagnosis_code: Mapped[str | None] = mapped_column(String(8))
    sep_number: Mapped[str | None] = mapped_column(ForeignKey("sep.number"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    stabilised_on: Mapped[dt.date | None] = mapped_column(Date)
    transfer_to: Mapped[str | None] = mapped_column(ForeignKey("facility.code"))
    transferred_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AmbulanceTripRow(Base):
    """An ambulance trip the programme pays: a life-saving transfer between facilities (DIJAMIN §4)."""

    __tablename__ = "ambulance_trip"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    from_facility: Mapped[str] = mapped_column(ForeignKey("facility.code"))
    to_facility: Mapped[str] = mapped_column(ForeignKey("facility.code"))
    trip_date: Mapped[dt.date] = mapped_column(Date)
    sep_number: Mapped[str | None] = mapped_column(ForeignKey("sep.number"))
    emergency_case_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_case.id"))
    explanation: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SepRequestRow(Base):
    """A facility's request to issue an SEP outside the usual conditions (VClaim ``Sep/pengajuanSEP``):
    kind "1" a backdated SEP date, "2" an SEP without the participant's fingerprint validation.
    One request per facility, participant, SEP date, service type and kind. Approved by the
    facility itself for a fingerprint exception, by the branch office for a backdate (A-V10)."""

    __tablename__ = "sep_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    sep_date: Mapped[dt.date] = mapped_column(Date)
    service_type: Mapped[str] = mapped_column(String(1))  # "1" inpatient, "2" outpatient
    kind: Mapped[str] = mapped_column(String(1))  # jnsPengajuan: "1" backdate, "2" fingerprint
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="PENDING")  # PENDING / APPROVED
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(80))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approval_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("uq_sep_request_visit_kind", "facility_code", "participant_id", "sep_date", "service_type", "kind",
              unique=True),
    )


class FingerprintValidationRow(Base):
    """A participant's fingerprint validated at a facility on a service date, as the facility's
    fingerprint device recorded it (the system does not take fingerprints: the record is data
    from the facility, ``recorded_by`` says who entered it)."""

    __tablename__ = "fingerprint_validation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    service_date: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("uq_fingerprint_validation_day", "participant_id", "facility_code", "service_date", unique=True),
        Index("ix_fingerprint_validation_facility_day", "facility_code", "service_date"),
    )


class ClaimSheetRow(Base):
    """Lembar Pengajuan Klaim (LPK, VClaim ``LPK/insert``): what the hospital declares about the care an
    SEP covered — dates, room, class, specialty, discharge, diagnoses, procedures and follow-up —
    one per SEP, entered by the hospital (issue #13)."""

    __tablename__ = "claim_sheet"
    sep_number: Mapped[str] = mapped_column(ForeignKey("sep.number"), primary_key=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    admitted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    discharged_on: Mapped[dt.date] = mapped_column(Date)
    guarantor: Mapped[str] = mapped_column(String(1))  # jaminan: 1 JKN
    poli_code: Mapped[str] = mapped_column(String(3))
    care: Mapped[dict] = mapped_column(JSON)  # ruangRawat, kelasRawat, spesialistik, caraKeluar, kondisiPulang
    diagnoses: Mapped[list] = mapped_column(JSON)  # [{"kode", "level"}]: level 1 primary, 2 secondary
    procedures: Mapped[list] = mapped_column(JSON)  # [{"kode"}]: ICD-9-CM as sent (A-V40)
    follow_up: Mapped[dict] = mapped_column(JSON)  # rencanaTL
    dpjp_code: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class BackReferralRow(Base):
    """Surat Rujuk Balik (SRB, VClaim ``PRB/insert``): the hospital sends a participant with a chronic
    disease of the referral-back programme back to the FKTP, with the DPJP's advice and drugs;
    one live letter per SEP (issue #13, A-V41)."""

    __tablename__ = "back_referral"
    number: Mapped[str] = mapped_column(String(19), primary_key=True)
    sep_number: Mapped[str] = mapped_column(ForeignKey("sep.number"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    letter_date: Mapped[dt.date] = mapped_column(Date, index=True)
    programme: Mapped[str] = mapped_column(String(2))  # programPRB: referensi/diagnosaprb
    dpjp_code: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)  # keterangan
    advice: Mapped[str | None] = mapped_column(Text)  # saran
    drugs: Mapped[list] = mapped_column(JSON)  # [{"kdObat", "signa1", "signa2", "jmlObat"}] as sent (A-V41)
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_back_referral_one_per_sep", "sep_number", unique=True, postgresql_where=text("deleted_at IS NULL"),
              sqlite_where=text("deleted_at IS NULL")),
    )


class SpecialReferralRow(Base):
    """Rujukan khusus (VClaim ``Rujukan/Khusus/insert``): the diagnoses and procedures a hospital
    records against a referral addressed to it for a special case; one live record per referral
    (issue #13, A-V42)."""

    __tablename__ = "special_referral"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_number: Mapped[str] = mapped_column(ForeignKey("referral.number"), index=True)
    facility_code: Mapped[str] = mapped_column(ForeignKey("facility.code"), index=True)
    diagnoses: Mapped[list] = mapped_column(JSON)  # [{"level": "P"|"S", "kode"}]
    procedures: Mapped[list] = mapped_column(JSON)  # [{"kode"}]
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_special_referral_one_live", "referral_number", unique=True,
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
    )
