"""The hash chain's rules, without a database: the canonical form, and what verify finds."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from server.domain.audit import (
    GENESIS_HASH,
    Actor,
    Anchor,
    AuditFormatError,
    Entry,
    canonical_bytes,
    chained,
    details_json,
    verify_chain,
)

T0 = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
TELLER = Actor("user", 7, "teller3", "teller")


def make_chain(n: int) -> list[Entry]:
    entries: list[Entry] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        entry = chained(
            Entry(
                seq=seq,
                at=T0 + timedelta(seconds=seq),
                business_day=date(2026, 11, 29),
                actor=TELLER,
                action="ticket.finish",
                subject=f"ticket:t{seq}",
                details={"counter": 3, "number": f"A{seq:03d}"},
            ),
            prev_hash=prev,
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def replace(entry: Entry, **changes: Any) -> Entry:
    return Entry(**{**entry.__dict__, **changes})


def test_the_canonical_form_is_sorted_compact_json_of_the_fields() -> None:
    entry = make_chain(1)[0]
    expected = (
        '{"action":"ticket.finish","actor_id":7,"actor_kind":"user","actor_name":"teller3",'
        '"actor_role":"teller","at":"2026-11-29T02:00:01.000000Z","business_day":"2026-11-29",'
        '"details":{"counter":3,"number":"A001"},"prev_hash":"' + GENESIS_HASH + '",'
        '"seq":1,"subject":"ticket:t1"}'
    )
    assert canonical_bytes(entry) == expected.encode()
    assert entry.hash == hashlib.sha256(expected.encode()).hexdigest()


def test_chinese_text_is_hashed_as_utf8_not_escaped() -> None:
    assert details_json({"notice_zh": "暂停取号"}) == '{"notice_zh":"暂停取号"}'


def test_details_that_are_not_plain_json_are_refused() -> None:
    with pytest.raises(AuditFormatError, match="not plain JSON"):
        details_json({"x": float("nan")})
    with pytest.raises(AuditFormatError, match="not plain JSON"):
        details_json({"x": object()})
    with pytest.raises(AuditFormatError, match="at most"):
        details_json({"x": "y" * 5000})


def test_an_intact_chain_checks_out_against_its_head() -> None:
    chain = make_chain(5)
    report = verify_chain(chain, head_seq=5, head_hash=chain[-1].hash)
    assert report.intact and report.entries == 5 and report.head_hash == chain[-1].hash
    assert report.broken_seq is None


def test_an_empty_chain_with_an_empty_head_is_intact() -> None:
    assert verify_chain([], head_seq=0, head_hash=GENESIS_HASH).intact


def test_an_edited_field_is_found_at_its_entry() -> None:
    chain = make_chain(5)
    chain[2] = replace(chain[2], actor=Actor("user", 7, "somebody-else", "teller"))
    report = verify_chain(chain, head_seq=5, head_hash=chain[-1].hash)
    assert not report.intact and report.broken_seq == 3
    assert report.problem is not None and "changed" in report.problem
    assert report.entries == 2 and report.head_seq == 2


def test_a_deleted_entry_is_named() -> None:
    chain = make_chain(5)
    del chain[1]
    report = verify_chain(chain, head_seq=5, head_hash=chain[-1].hash)
    assert report.broken_seq == 2 and report.problem is not None
    assert "missing" in report.problem


def test_deleted_last_entries_are_found_by_the_head() -> None:
    chain = make_chain(5)
    report = verify_chain(chain[:3], head_seq=5, head_hash=chain[-1].hash)
    assert report.broken_seq == 4 and report.problem is not None
    assert "last entries were deleted" in report.problem


def test_an_entry_appended_outside_the_server_is_found_by_the_head() -> None:
    chain = make_chain(5)
    forged = chained(replace(chain[-1], seq=6, subject="ticket:forged"), prev_hash=chain[-1].hash)
    report = verify_chain([*chain, forged], head_seq=5, head_hash=chain[-1].hash)
    assert report.broken_seq == 6


def test_reordered_entries_are_found() -> None:
    chain = make_chain(5)
    chain[1], chain[2] = chain[2], chain[1]
    report = verify_chain(chain, head_seq=5, head_hash=chain[-1].hash)
    assert report.broken_seq == 2  # entry 3 stands where 2 should


def test_an_inserted_entry_with_renumbered_followers_is_found() -> None:
    chain = make_chain(4)
    forged = chained(replace(chain[1], seq=3, subject="ticket:forged"), prev_hash=chain[1].hash)
    renumbered = [replace(e, seq=e.seq + 1) for e in chain[2:]]
    report = verify_chain([*chain[:2], forged, *renumbered])
    # the forged entry itself links correctly; the one after it no longer does
    assert report.broken_seq == 4


def test_a_rewritten_chain_passes_alone_but_not_against_an_anchor() -> None:
    chain = make_chain(5)
    anchor = Anchor(4, chain[3].hash)
    rewritten: list[Entry] = []
    prev = GENESIS_HASH
    for e in chain:
        subject = "ticket:forged" if e.seq == 2 else e.subject
        new = chained(replace(e, subject=subject), prev_hash=prev)
        rewritten.append(new)
        prev = new.hash
    head = rewritten[-1].hash
    assert verify_chain(rewritten, head_seq=5, head_hash=head).intact
    report = verify_chain(rewritten, head_seq=5, head_hash=head, anchors=[anchor])
    assert report.broken_seq == 4 and report.problem is not None and "anchor" in report.problem
    assert verify_chain(chain, anchors=[anchor]).intact


def test_an_anchor_beyond_the_chain_means_it_was_cut() -> None:
    chain = make_chain(5)
    report = verify_chain(chain[:3], anchors=[Anchor(5, chain[4].hash)])
    assert report.broken_seq == 5


def test_anchor_text_round_trips_and_bad_text_is_refused() -> None:
    anchor = Anchor(12, "ab" * 32)
    assert Anchor.parse(str(anchor)) == anchor
    for bad in ("12", "x:" + "ab" * 32, "12:abc", "12:" + "zz" * 32):
        with pytest.raises(ValueError, match="expected SEQ:SHA256"):
            Anchor.parse(bad)


def test_every_action_has_words_in_both_languages() -> None:
    from server.domain.audit import ACTION_WORDS, AuditAction, action_words

    assert set(ACTION_WORDS) == set(AuditAction)
    assert all(zh and en and zh != en for zh, en in ACTION_WORDS.values())
    assert action_words("ticket.finish") == ("办结", "finished")
    assert action_words("made.up") == ("made.up", "made.up")
