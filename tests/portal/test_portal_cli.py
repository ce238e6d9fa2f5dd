"""``jkn users``: the first administrator, other users, list, deactivate, the audit log."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from jkn.cli import app as cli


def test_users_cli(db, db_url):
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "create-admin", "root", "--password-stdin", "--db", db_url],
                      input="kata-sandi-admin\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "create-admin", "root", "--password-stdin", "--db", db_url], input="x-long-pass\n")
    assert r.exit_code == 2 and "sudah dipakai" in r.output
    r = runner.invoke(cli, ["users", "create", "kc.medan", "--role", "BRANCH_OFFICER", "--name", "Petugas",
                            "--branch", "999", "--password-stdin", "--db", db_url], input="kata-sandi-x\n")
    assert r.exit_code == 2 and "Tidak ada kantor cabang" in r.output
    r = runner.invoke(cli, ["users", "create", "kc.medan", "--role", "BRANCH_OFFICER", "--name", "Petugas",
                            "--branch", "001", "--password-stdin", "--db", db_url], input="kata-sandi-x\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "list", "--json", "--db", db_url])
    users = {u["username"]: u for u in json.loads(r.stdout)}
    assert users["root"]["role"] == "ADMIN" and users["kc.medan"]["branch"] == "001"
    assert runner.invoke(cli, ["users", "deactivate", "kc.medan", "--db", db_url]).exit_code == 0
    assert runner.invoke(cli, ["users", "activate", "nobody", "--db", db_url]).exit_code == 2
    r = runner.invoke(cli, ["users", "audit", "--json", "--db", db_url])
    events = [(e["action"], e["object_id"], e["actor"]) for e in json.loads(r.stdout)]
    assert ("user.deactivate", "kc.medan", events[0][2]) == events[0] and events[0][2].startswith("cli:")
    assert ("user.create", "root", events[0][2]) in events
