"""The paths the bridging front answers (the bridging services, /health) go straight to the middleware
stack: FastAPI's per-request look at OpenTelemetry's providers is skipped for them (jkn.api.app.App),
kept for the pages and the REST API; the answers are the same."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from jkn.api.app import create_app


@pytest.mark.parametrize("backend", ["sqlite"])
def test_front_paths_skip_fastapis_telemetry_check_and_others_keep_it(db_url, backend):
    app = create_app(db_url)
    checked = []
    enabled = app._native_telemetry.enabled
    app._native_telemetry.enabled = lambda: checked.append(True) or enabled()
    with TestClient(app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        vclaim = client.get("/vclaim-rest/Peserta/nokartu/0000000000001/tglSEP/2024-01-01")
        assert vclaim.json()["metaData"]["code"] == "401" and vclaim.headers["x-frame-options"] == "DENY"
        assert client.get("/VCLAIM-REST//Peserta").json()["metaData"]["code"] == "401"  # any case, // collapsed
        assert not checked
        assert client.get("/masuk").status_code == 200
        assert checked
