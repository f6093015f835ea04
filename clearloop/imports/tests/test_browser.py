"""Alice imports a CSV of feedback in a real browser: upload, map the columns, preview the
rows with their problems, import, watch the progress finish, read the result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.feedback.models import FeedbackItem
from clearloop.imports.tests.helpers import FEEDBACK_HEADER, csv_bytes, feedback_rows
from clearloop.worker.tests.conftest import run_worker_batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alice_imports_feedback_from_a_csv_and_sees_the_result(
    live_server, page, alice, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rows = feedback_rows(4)
    rows[1][4] = "7"  # a bad rating on row 3
    rows[2][2] = "<script>document.title='owned'</script> 很好"
    path = tmp_path / "reviews.csv"
    path.write_bytes(csv_bytes([FEEDBACK_HEADER, *rows], "gb18030"))

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))

    page.goto(live_server.url + reverse("web:imports_new") + "?kind=feedback")
    page.get_by_label("Source", exact=True).fill("Shop reviews")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    screenshot(page, "imports-upload")
    page.get_by_role("button", name="Upload and map columns").click()

    expect(page.get_by_role("heading", name="Map columns")).to_be_visible()
    for label, column in [
        ("External id", "Review id"),
        ("Source *", "Channel"),
        ("Text *", "Comment"),
        ("Occurred at *", "Date"),
        ("Rating, 1 to 5", "Stars"),
        ("Customer external id", "Customer"),
    ]:
        page.get_by_label(label, exact=True).select_option(column)
    page.get_by_label("Skip the bad rows and import the others").check()
    screenshot(page, "imports-map")
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_test_id("row-counts")).to_contain_text("3 good rows of 4")
    expect(page.get_by_test_id("preview-rows")).to_contain_text("Give a whole number from 1 to 5.")
    expect(page.get_by_test_id("preview-rows")).to_contain_text(
        "<script>document.title='owned'</script> 很好"
    )
    screenshot(page, "imports-preview")
    page.get_by_test_id("start-import").click()

    expect(page.get_by_text("Waiting for a worker…")).to_be_visible()
    screenshot(page, "imports-queued")
    run_worker_batch()

    expect(page.get_by_test_id("result")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("count-created")).to_have_text("3")
    expect(page.get_by_test_id("count-skipped")).to_have_text("1")
    assert page.title() != "owned"
    screenshot(page, "imports-result")
    assert FeedbackItem.objects.filter(organization=alice.organization).count() == 3
