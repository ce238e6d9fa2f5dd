"""Membership registry and billing ledger (issue #4).

Employers, families, participants (card number, NIK, segment, class, FKTP, payer), card
serials and prints, data changes with the documents shown, participant audit history,
collective-import batches; payers, billing runs, bills, bill lines, payments, allocations.
Tables: jkn.store.membership_tables, jkn.store.billing_tables.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bill_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('care_class', sa.String(length=3), nullable=False),
    sa.Column('basis', sa.BigInteger(), nullable=True),
    sa.Column('employer_share', sa.BigInteger(), nullable=False),
    sa.Column('participant_share', sa.BigInteger(), nullable=False),
    sa.Column('government_share', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_line'))
    )
    op.create_index(op.f('ix_bill_line_bill_id'), 'bill_line', ['bill_id'], unique=False)
    op.create_index(op.f('ix_bill_line_participant_id'), 'bill_line', ['participant_id'], unique=False)
    op.create_table('billing_run',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('bills', sa.Integer(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_run'))
    )
    op.create_index(op.f('ix_billing_run_month'), 'billing_run', ['month'], unique=False)
    op.create_table('counter',
    sa.Column('name', sa.String(length=24), nullable=False),
    sa.Column('next_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counter'))
    )
    op.create_table('family',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kk_number', sa.String(length=16), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family'))
    )
    op.create_index(op.f('ix_family_kk_number'), 'family', ['kk_number'], unique=False)
    op.create_table('employer',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('sector', sa.String(length=12), nullable=False),
    sa.Column('npwp', sa.String(length=20), nullable=True),
    sa.Column('kabkota_code', sa.String(length=5), nullable=False),
    sa.Column('branch_code', sa.String(length=3), nullable=False),
    sa.Column('address', sa.String(length=240), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_code'], ['branch.code'], name=op.f('fk_employer_branch_code_branch')),
    sa.ForeignKeyConstraint(['kabkota_code'], ['kabkota.code'], name=op.f('fk_employer_kabkota_code_kabkota')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer')),
    sa.UniqueConstraint('code', name=op.f('uq_employer_code'))
    )
    op.create_index(op.f('ix_employer_branch_code'), 'employer', ['branch_code'], unique=False)
    op.create_index(op.f('ix_employer_kabkota_code'), 'employer', ['kabkota_code'], unique=False)
    op.create_table('data_change',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_data_change_employer_id_employer')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_data_change_family_id_family')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_change'))
    )
    op.create_index(op.f('ix_data_change_employer_id'), 'data_change', ['employer_id'], unique=False)
    op.create_index(op.f('ix_data_change_family_id'), 'data_change', ['family_id'], unique=False)
    op.create_index(op.f('ix_data_change_kind'), 'data_change', ['kind'], unique=False)
    op.create_table('payer',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('segment', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('billed_through', sa.Date(), nullable=True),
    sa.Column('oldest_unpaid_month', sa.Date(), nullable=True),
    sa.Column('arrears_amount', sa.BigInteger(), nullable=False),
    sa.Column('suspended_since', sa.Date(), nullable=True),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_payer_employer_id_employer')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_payer_family_id_family')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer')),
    sa.UniqueConstraint('code', name=op.f('uq_payer_code')),
    sa.UniqueConstraint('employer_id', name=op.f('uq_payer_employer_id')),
    sa.UniqueConstraint('family_id', name=op.f('uq_payer_family_id'))
    )
    op.create_table('bill',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('employer_share', sa.BigInteger(), nullable=False),
    sa.Column('participant_share', sa.BigInteger(), nullable=False),
    sa.Column('government_share', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('paid_amount', sa.BigInteger(), nullable=False),
    sa.Column('penalty_paid', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['payer_id'], ['payer.id'], name=op.f('fk_bill_payer_id_payer')),
    sa.ForeignKeyConstraint(['run_id'], ['billing_run.id'], name=op.f('fk_bill_run_id_billing_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill')),
    sa.UniqueConstraint('payer_id', 'month', name='uq_bill_payer_id_month')
    )
    op.create_index('ix_bill_payer_id_status_month', 'bill', ['payer_id', 'status', 'month'], unique=False)
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['change_id'], ['data_change.id'], name=op.f('fk_import_batch_change_id_data_change')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_import_batch_employer_id_employer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_index(op.f('ix_import_batch_employer_id'), 'import_batch', ['employer_id'], unique=False)
    op.create_table('participant',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('card_number', sa.String(length=13), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('nationality', sa.String(length=3), nullable=False),
    sa.Column('stay_permit', sa.String(length=40), nullable=True),
    sa.Column('work_started', sa.Date(), nullable=True),
    sa.Column('marital_status', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=240), nullable=True),
    sa.Column('kabkota_code', sa.String(length=5), nullable=False),
    sa.Column('branch_code', sa.String(length=3), nullable=False),
    sa.Column('segment', sa.String(length=40), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('wage', sa.BigInteger(), nullable=True),
    sa.Column('grade', sa.String(length=8), nullable=True),
    sa.Column('rank', sa.String(length=60), nullable=True),
    sa.Column('care_class', sa.String(length=3), nullable=False),
    sa.Column('fktp_code', sa.String(length=12), nullable=False),
    sa.Column('fktp_since', sa.Date(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('relationship', sa.String(length=20), nullable=False),
    sa.Column('member_status', sa.String(length=16), nullable=False),
    sa.Column('in_school', sa.Boolean(), nullable=False),
    sa.Column('has_income', sa.Boolean(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_reason', sa.String(length=120), nullable=True),
    sa.Column('tmt', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('card_print', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_code'], ['branch.code'], name=op.f('fk_participant_branch_code_branch')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_participant_employer_id_employer')),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_participant_family_id_family')),
    sa.ForeignKeyConstraint(['fktp_code'], ['facility.code'], name=op.f('fk_participant_fktp_code_facility')),
    sa.ForeignKeyConstraint(['kabkota_code'], ['kabkota.code'], name=op.f('fk_participant_kabkota_code_kabkota')),
    sa.ForeignKeyConstraint(['payer_id'], ['payer.id'], name=op.f('fk_participant_payer_id_payer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('card_number', name=op.f('uq_participant_card_number')),
    sa.UniqueConstraint('nik', name=op.f('uq_participant_nik'))
    )
    op.create_index(op.f('ix_participant_branch_code'), 'participant', ['branch_code'], unique=False)
    op.create_index(op.f('ix_participant_employer_id'), 'participant', ['employer_id'], unique=False)
    op.create_index(op.f('ix_participant_family_id'), 'participant', ['family_id'], unique=False)
    op.create_index(op.f('ix_participant_fktp_code'), 'participant', ['fktp_code'], unique=False)
    op.create_index(op.f('ix_participant_kabkota_code'), 'participant', ['kabkota_code'], unique=False)
    op.create_index(op.f('ix_participant_payer_id'), 'participant', ['payer_id'], unique=False)
    op.create_index(op.f('ix_participant_segment'), 'participant', ['segment'], unique=False)
    op.create_table('payment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('penalty_amount', sa.BigInteger(), nullable=False),
    sa.Column('contribution_amount', sa.BigInteger(), nullable=False),
    sa.Column('credit_amount', sa.BigInteger(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['payer_id'], ['payer.id'], name=op.f('fk_payment_payer_id_payer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('reference', name=op.f('uq_payment_reference'))
    )
    op.create_index(op.f('ix_payment_payer_id'), 'payment', ['payer_id'], unique=False)
    op.create_table('card_issue',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('print_number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['change_id'], ['data_change.id'], name=op.f('fk_card_issue_change_id_data_change')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_card_issue_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_issue'))
    )
    op.create_index(op.f('ix_card_issue_participant_id'), 'card_issue', ['participant_id'], unique=False)
    op.create_table('document_shown',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['change_id'], ['data_change.id'], name=op.f('fk_document_shown_change_id_data_change')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_document_shown_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_shown'))
    )
    op.create_index(op.f('ix_document_shown_change_id'), 'document_shown', ['change_id'], unique=False)
    op.create_index(op.f('ix_document_shown_participant_id'), 'document_shown', ['participant_id'], unique=False)
    op.create_table('participant_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['change_id'], ['data_change.id'], name=op.f('fk_participant_history_change_id_data_change')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_participant_history_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_history'))
    )
    op.create_index(op.f('ix_participant_history_change_id'), 'participant_history', ['change_id'], unique=False)
    op.create_index('ix_participant_history_participant_id_effective', 'participant_history', ['participant_id', 'effective_date'], unique=False)
    op.create_table('payment_allocation',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('contribution_amount', sa.BigInteger(), nullable=False),
    sa.Column('penalty_amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['bill.id'], name=op.f('fk_payment_allocation_bill_id_bill')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_payment_allocation_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocation'))
    )
    op.create_index(op.f('ix_payment_allocation_bill_id'), 'payment_allocation', ['bill_id'], unique=False)
    op.create_index(op.f('ix_payment_allocation_payment_id'), 'payment_allocation', ['payment_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_payment_allocation_payment_id'), table_name='payment_allocation')
    op.drop_index(op.f('ix_payment_allocation_bill_id'), table_name='payment_allocation')
    op.drop_table('payment_allocation')
    op.drop_index('ix_participant_history_participant_id_effective', table_name='participant_history')
    op.drop_index(op.f('ix_participant_history_change_id'), table_name='participant_history')
    op.drop_table('participant_history')
    op.drop_index(op.f('ix_document_shown_participant_id'), table_name='document_shown')
    op.drop_index(op.f('ix_document_shown_change_id'), table_name='document_shown')
    op.drop_table('document_shown')
    op.drop_index(op.f('ix_card_issue_participant_id'), table_name='card_issue')
    op.drop_table('card_issue')
    op.drop_index(op.f('ix_payment_payer_id'), table_name='payment')
    op.drop_table('payment')
    op.drop_index(op.f('ix_participant_segment'), table_name='participant')
    op.drop_index(op.f('ix_participant_payer_id'), table_name='participant')
    op.drop_index(op.f('ix_participant_kabkota_code'), table_name='participant')
    op.drop_index(op.f('ix_participant_fktp_code'), table_name='participant')
    op.drop_index(op.f('ix_participant_family_id'), table_name='participant')
    op.drop_index(op.f('ix_participant_employer_id'), table_name='participant')
    op.drop_index(op.f('ix_participant_branch_code'), table_name='participant')
    op.drop_table('participant')
    op.drop_index(op.f('ix_import_batch_employer_id'), table_name='import_batch')
    op.drop_table('import_batch')
    op.drop_index('ix_bill_payer_id_status_month', table_name='bill')
    op.drop_table('bill')
    op.drop_table('payer')
    op.drop_index(op.f('ix_data_change_kind'), table_name='data_change')
    op.drop_index(op.f('ix_data_change_family_id'), table_name='data_change')
    op.drop_index(op.f('ix_data_change_employer_id'), table_name='data_change')
    op.drop_table('data_change')
    op.drop_index(op.f('ix_employer_kabkota_code'), table_name='employer')
    op.drop_index(op.f('ix_employer_branch_code'), table_name='employer')
    op.drop_table('employer')
    op.drop_index(op.f('ix_family_kk_number'), table_name='family')
    op.drop_table('family')
    op.drop_table('counter')
    op.drop_index(op.f('ix_billing_run_month'), table_name='billing_run')
    op.drop_table('billing_run')
    op.drop_index(op.f('ix_bill_line_participant_id'), table_name='bill_line')
    op.drop_index(op.f('ix_bill_line_bill_id'), table_name='bill_line')
    op.drop_table('bill_line')
