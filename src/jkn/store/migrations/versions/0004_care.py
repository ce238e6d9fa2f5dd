"""Care flow (issue #5): facility staff, VClaim consumers, number serials, FKTP visits,
referrals, SEPs, control letters, emergency cases and ambulance trips.
Tables: jkn.store.care_tables.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('care_serial',
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('last', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_care_serial'))
    )
    op.create_table('facility_staff',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('facility_code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('registration_number', sa.String(length=40), nullable=True),
    sa.Column('poli_code', sa.String(length=3), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facility_code'], ['facility.code'], name=op.f('fk_facility_staff_facility_code_facility')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility_staff'))
    )
    op.create_index(op.f('ix_facility_staff_facility_code'), 'facility_staff', ['facility_code'], unique=False)
    op.create_table('vclaim_consumer',
    sa.Column('cons_id', sa.String(length=16), nullable=False),
    sa.Column('facility_code', sa.String(length=12), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('user_key_sha256', sa.String(length=64), nullable=True),
    sa.Column('api_version', sa.String(length=4), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facility_code'], ['facility.code'], name=op.f('fk_vclaim_consumer_facility_code_facility')),
    sa.PrimaryKeyConstraint('cons_id', name=op.f('pk_vclaim_consumer'))
    )
    op.create_index(op.f('ix_vclaim_consumer_facility_code'), 'vclaim_consumer', ['facility_code'], unique=False)
    op.create_table('visit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('facility_code', sa.String(length=12), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('care_type', sa.String(length=4), nullable=False),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('diagnosis_code', sa.String(length=8), nullable=True),
    sa.Column('complaint', sa.Text(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facility_code'], ['facility.code'], name=op.f('fk_visit_facility_code_facility')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_visit_participant_id_participant')),
    sa.ForeignKeyConstraint(['staff_id'], ['facility_staff.id'], name=op.f('fk_visit_staff_id_facility_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    op.create_index(op.f('ix_visit_facility_code'), 'visit', ['facility_code'], unique=False)
    op.create_index(op.f('ix_visit_participant_id'), 'visit', ['participant_id'], unique=False)
    op.create_table('referral',
    sa.Column('number', sa.String(length=19), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('origin_level', sa.String(length=1), nullable=False),
    sa.Column('from_facility', sa.String(length=12), nullable=False),
    sa.Column('to_facility', sa.String(length=12), nullable=True),
    sa.Column('referral_date', sa.Date(), nullable=False),
    sa.Column('planned_visit_date', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('service_type', sa.String(length=1), nullable=False),
    sa.Column('referral_type', sa.String(length=1), nullable=False),
    sa.Column('poli_code', sa.String(length=3), nullable=True),
    sa.Column('diagnosis_code', sa.String(length=8), nullable=False),
    sa.Column('complaint', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('sep_number', sa.String(length=19), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['from_facility'], ['facility.code'], name=op.f('fk_referral_from_facility_facility')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_referral_participant_id_participant')),
    sa.ForeignKeyConstraint(['to_facility'], ['facility.code'], name=op.f('fk_referral_to_facility_facility')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_referral_visit_id_visit')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_referral'))
    )
    op.create_index(op.f('ix_referral_from_facility'), 'referral', ['from_facility'], unique=False)
    op.create_index(op.f('ix_referral_participant_id'), 'referral', ['participant_id'], unique=False)
    op.create_index(op.f('ix_referral_to_facility'), 'referral', ['to_facility'], unique=False)
    op.create_table('sep',
    sa.Column('number', sa.String(length=19), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('facility_code', sa.String(length=12), nullable=False),
    sa.Column('sep_date', sa.Date(), nullable=False),
    sa.Column('service_type', sa.String(length=1), nullable=False),
    sa.Column('class_entitled', sa.String(length=3), nullable=False),
    sa.Column('class_upgrade', sa.String(length=2), nullable=True),
    sa.Column('upgrade_payer', sa.String(length=2), nullable=True),
    sa.Column('upgrade_responsible', sa.String(length=80), nullable=True),
    sa.Column('poli_code', sa.String(length=3), nullable=True),
    sa.Column('executive', sa.Boolean(), nullable=False),
    sa.Column('diagnosis_code', sa.String(length=8), nullable=False),
    sa.Column('referral_number', sa.String(length=19), nullable=True),
    sa.Column('referral_origin', sa.String(length=1), nullable=True),
    sa.Column('referral_date', sa.Date(), nullable=True),
    sa.Column('referral_facility', sa.String(length=8), nullable=True),
    sa.Column('control_letter_number', sa.String(length=19), nullable=True),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('accident', sa.String(length=1), nullable=False),
    sa.Column('delivery_child_number', sa.Integer(), nullable=True),
    sa.Column('cob', sa.Boolean(), nullable=False),
    sa.Column('cataract', sa.Boolean(), nullable=False),
    sa.Column('visit_purpose', sa.String(length=1), nullable=False),
    sa.Column('dpjp_code', sa.String(length=20), nullable=True),
    sa.Column('mr_number', sa.String(length=20), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('discharge_date', sa.Date(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['facility_code'], ['facility.code'], name=op.f('fk_sep_facility_code_facility')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_sep_participant_id_participant')),
    sa.ForeignKeyConstraint(['referral_number'], ['referral.number'], name=op.f('fk_sep_referral_number_referral')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_sep'))
    )
    op.create_index('ix_sep_facility_code_sep_date', 'sep', ['facility_code', 'sep_date'], unique=False)
    op.create_index('ix_sep_participant_id_sep_date', 'sep', ['participant_id', 'sep_date'], unique=False)
    op.create_index(op.f('ix_sep_referral_number'), 'sep', ['referral_number'], unique=False)
    op.create_table('control_letter',
    sa.Column('number', sa.String(length=19), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('facility_code', sa.String(length=12), nullable=False),
    sa.Column('sep_number', sa.String(length=19), nullable=False),
    sa.Column('control_date', sa.Date(), nullable=False),
    sa.Column('poli_code', sa.String(length=3), nullable=False),
    sa.Column('doctor_code', sa.String(length=20), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facility_code'], ['facility.code'], name=op.f('fk_control_letter_facility_code_facility')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_control_letter_participant_id_participant')),
    sa.ForeignKeyConstraint(['sep_number'], ['sep.number'], name=op.f('fk_control_letter_sep_number_sep')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_control_letter'))
    )
    op.create_index(op.f('ix_control_letter_facility_code'), 'control_letter', ['facility_code'], unique=False)
    op.create_index(op.f('ix_control_letter_participant_id'), 'control_letter', ['participant_id'], unique=False)
    op.create_index(op.f('ix_control_letter_sep_number'), 'control_letter', ['sep_number'], unique=False)
    op.create_table('emergency_case',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('facility_code', sa.String(length=12), nullable=False),
    sa.Column('admitted_on', sa.Date(), nullable=False),
    sa.Column('diagnosis_code', sa.String(length=8), nullable=True),
    sa.Column('sep_number', sa.String(length=19), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('stabilised_on', sa.Date(), nullable=True),
    sa.Column('transfer_to', sa.String(length=12), nullable=True),
    sa.Column('transferred_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facility_code'], ['facility.code'], name=op.f('fk_emergency_case_facility_code_facility')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_emergency_case_participant_id_participant')),
    sa.ForeignKeyConstraint(['sep_number'], ['sep.number'], name=op.f('fk_emergency_case_sep_number_sep')),
    sa.ForeignKeyConstraint(['transfer_to'], ['facility.code'], name=op.f('fk_emergency_case_transfer_to_facility')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_emergency_case_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_case'))
    )
    op.create_index(op.f('ix_emergency_case_facility_code'), 'emergency_case', ['facility_code'], unique=False)
    op.create_index(op.f('ix_emergency_case_participant_id'), 'emergency_case', ['participant_id'], unique=False)
    op.create_table('ambulance_trip',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('from_facility', sa.String(length=12), nullable=False),
    sa.Column('to_facility', sa.String(length=12), nullable=False),
    sa.Column('trip_date', sa.Date(), nullable=False),
    sa.Column('sep_number', sa.String(length=19), nullable=True),
    sa.Column('emergency_case_id', sa.Integer(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['emergency_case_id'], ['emergency_case.id'], name=op.f('fk_ambulance_trip_emergency_case_id_emergency_case')),
    sa.ForeignKeyConstraint(['from_facility'], ['facility.code'], name=op.f('fk_ambulance_trip_from_facility_facility')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_ambulance_trip_participant_id_participant')),
    sa.ForeignKeyConstraint(['sep_number'], ['sep.number'], name=op.f('fk_ambulance_trip_sep_number_sep')),
    sa.ForeignKeyConstraint(['to_facility'], ['facility.code'], name=op.f('fk_ambulance_trip_to_facility_facility')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambulance_trip'))
    )
    op.create_index(op.f('ix_ambulance_trip_participant_id'), 'ambulance_trip', ['participant_id'], unique=False)


def downgrade() -> None:
    for table in ("ambulance_trip", "emergency_case", "control_letter", "sep", "referral", "visit",
                  "care_serial", "vclaim_consumer", "facility_staff"):
        op.drop_table(table)
