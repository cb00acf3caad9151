"""Local times of the push: digest moments across daylight-saving changes, quiet hours, the policy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from knowledge.catalog.tables import OutboxRow, PushChat
from knowledge.push.clock import ClockError, last_occurrence, quiet_span, quiet_until, wall_time, zone
from knowledge.push.policy import plan


@pytest.mark.parametrize(
    ("at", "wall", "day", "moment"),
    [
        # Europe/Berlin goes from UTC+1 to UTC+2 on 29 March 2026 and back on 25 October 2026.
        (datetime(2026, 3, 28, 7, 0, tzinfo=UTC), "08:00", date(2026, 3, 28), datetime(2026, 3, 28, 7, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 6, 0, tzinfo=UTC), "08:00", date(2026, 3, 29), datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 5, 59, tzinfo=UTC), "08:00", date(2026, 3, 28), datetime(2026, 3, 28, 7, 0, tzinfo=UTC)),
        (
            datetime(2026, 10, 25, 7, 0, tzinfo=UTC),
            "08:00",
            date(2026, 10, 25),
            datetime(2026, 10, 25, 7, 0, tzinfo=UTC),
        ),
        (
            datetime(2026, 10, 24, 6, 0, tzinfo=UTC),
            "08:00",
            date(2026, 10, 24),
            datetime(2026, 10, 24, 6, 0, tzinfo=UTC),
        ),
        # 02:30 does not exist on 29 March: it comes an hour later, once.
        (
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            "02:30",
            date(2026, 3, 29),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        ),
    ],
)
def test_a_digest_time_is_the_same_wall_time_on_the_days_clocks_change(
    at: datetime, wall: str, day: date, moment: datetime
) -> None:
    assert last_occurrence(at, "Europe/Berlin", wall) == (day, moment)


def test_quiet_hours_across_midnight_end_at_their_local_end() -> None:
    late = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    noon = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)

    assert quiet_until(late, "Europe/Berlin", "22:00", "07:00") == datetime(2026, 7, 2, 5, 0, tzinfo=UTC)
    assert quiet_until(noon, "Europe/Berlin", "22:00", "07:00") is None
    assert quiet_until(late, "Europe/Berlin", "", "") is None


@pytest.mark.parametrize("text", ["25:00", "8", "eight", ""])
def test_a_time_that_cannot_be_read_is_one_clear_error(text: str) -> None:
    with pytest.raises(ClockError, match="time of day"):
        wall_time(text)


def test_time_zones_and_spans_are_checked() -> None:
    assert zone("europe/berlin").key == "Europe/Berlin"
    assert quiet_span("22:00–7:00") == ("22:00", "07:00")
    with pytest.raises(ClockError, match="not a time zone"):
        zone("Mars/Olympus")
    with pytest.raises(ClockError, match="22:00-07:00"):
        quiet_span("22:00")


def _row(row_id: int, chat_id: int, kind: str = "alert") -> OutboxRow:
    return OutboxRow(id=row_id, key=f"k{row_id}", chat_id=chat_id, kind=kind)


def test_the_policy_sends_within_the_hourly_limit_folds_the_rest_and_holds_quiet_chats() -> None:
    at = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    chats = {
        1: PushChat(chat_id=1),
        2: PushChat(chat_id=2, alerts=False),
        3: PushChat(chat_id=3, timezone="Europe/Berlin", quiet_from="11:00", quiet_until="13:00"),
    }
    rows = [_row(1, 1), _row(2, 1), _row(3, 1), _row(4, 2), _row(5, 3), _row(6, 3, "digest"), _row(7, 4)]

    decided = plan(rows, chats, {1: 1}, per_hour=2, at=at)

    assert [row.id for row in decided.send] == [1, 6, 7]
    assert [row.id for row in decided.fold[1]] == [2, 3]
    assert decided.drop == [4]
    assert decided.hold == {5: datetime(2026, 7, 1, 11, 0, tzinfo=UTC)}
