"""examples/.github/workflows/weekly-doctor.yml (#23), run by `act` offline against the sandbox
Marketplace (the same replacements as test_staged_release.py): a token recorded as expiring in 5
days is a warning annotation on a green run, before any release breaks; an expired one turns the
run red."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from publisher.sandbox import Sandbox, SandboxSettings
from tests.ship.actrun import needs_act
from tests.ship.test_staged_release import _act, _repository
from tests.support.publisher import SPACING, Publisher

WORKFLOW = ".github/workflows/weekly-doctor.yml"


def _in_days(days: int) -> str:
    return (datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=days)).isoformat()


@pytest.mark.slow
@pytest.mark.timeout(900)
@needs_act
def test_the_weekly_doctor_warns_of_a_token_expiring_soon_and_fails_an_expired_one(
    tmp_path: Path,
) -> None:
    release, served = _repository(tmp_path, WORKFLOW, steps=1)
    with Sandbox(settings=SandboxSettings(upload_spacing=SPACING), port=0) as sandbox:
        assert Publisher(sandbox, release, tmp_path / "state")("publish").code == 0
        sandbox.clear_journal()
        soon = _act(
            release,
            served,
            sandbox,
            tmp_path,
            "--var",
            f"MPAC_TOKEN_EXPIRES={_in_days(5)}",
            name=WORKFLOW,
            trigger="workflow_dispatch",
        )
        with pytest.raises(AssertionError) as red:
            _act(
                release,
                served,
                sandbox,
                tmp_path / "expired",
                "--var",
                f"MPAC_TOKEN_EXPIRES={_in_days(-3)}",
                name=WORKFLOW,
                trigger="workflow_dispatch",
            )
        journal = sandbox.journal()

    warnings = [x for x in soon.splitlines() if "::warning" in x]
    assert any(f"expires on {_in_days(5)}, in 5 days" in w for w in warnings), warnings
    assert "| token expiry | warning |" in soon
    assert f"the token expired on {_in_days(-3)} (3 days ago)" in str(red.value)
    assert journal and {e["method"] for e in journal} == {"GET"}  # reads only
