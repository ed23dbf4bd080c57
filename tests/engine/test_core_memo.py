"""The session's memo: one computation per key, even when several threads ask at once."""

from __future__ import annotations

import threading
import time

import pytest

from wit_tui.engine.core.memo import Memo


def test_get_computes_once_and_returns_the_stored_value() -> None:
    memo, calls = Memo(), []
    assert memo.get("k", lambda: calls.append(1) or 41) == 41
    assert memo.get("k", lambda: calls.append(1) or 99) == 41
    assert calls == [1] and "k" in memo and len(memo) == 1 and memo.peek("k") == 41
    assert memo.peek("other", "none") == "none" and "other" not in memo


def test_concurrent_callers_of_one_key_wait_for_the_one_computation() -> None:
    memo = Memo()
    calls = 0
    started = threading.Event()
    gate = threading.Event()

    def compute() -> object:
        nonlocal calls
        calls += 1
        started.set()
        gate.wait(5)
        return object()

    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(memo.get("slow", compute))) for _ in range(8)]
    for t in threads:
        t.start()
    assert started.wait(5)
    time.sleep(0.05)  # let the other threads reach the wait (they must not compute meanwhile)
    gate.set()
    for t in threads:
        t.join(5)
    assert calls == 1
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_different_keys_compute_independently() -> None:
    memo = Memo()
    inner = memo.get("outer", lambda: memo.get("inner", lambda: 2) + 1)
    assert inner == 3 and memo.peek("inner") == 2


def test_a_failed_computation_stores_nothing_and_the_next_caller_retries() -> None:
    memo = Memo()

    def boom() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.get("k", boom)
    assert "k" not in memo
    assert memo.get("k", lambda: 5) == 5


def test_a_waiter_computes_itself_when_the_owner_fails() -> None:
    memo = Memo()
    owner_in = threading.Event()
    release = threading.Event()

    def failing() -> int:
        owner_in.set()
        release.wait(5)
        raise RuntimeError("cancelled")

    errors: list[BaseException] = []

    def owner() -> None:
        try:
            memo.get("k", failing)
        except RuntimeError as exc:
            errors.append(exc)

    t = threading.Thread(target=owner)
    t.start()
    assert owner_in.wait(5)
    got: list[int] = []
    waiter = threading.Thread(target=lambda: got.append(memo.get("k", lambda: 7)))
    waiter.start()
    time.sleep(0.05)
    release.set()
    t.join(5)
    waiter.join(5)
    assert len(errors) == 1 and got == [7] and memo.peek("k") == 7


def test_recursive_compute_of_the_same_key_is_an_error_not_a_deadlock() -> None:
    memo = Memo()
    with pytest.raises(RuntimeError, match="recursively"):
        memo.get("k", lambda: memo.get("k", lambda: 1))
    assert "k" not in memo


def test_discard_by_prefix_or_predicate_and_clear() -> None:
    memo = Memo()
    for key in [("browse.order", "a"), ("browse.order", "b"), ("grid", "a", 3), "profile"]:
        memo.get(key, lambda key=key: key)
    assert memo.discard(("browse.order", "a")) == 1
    assert ("browse.order", "b") in memo and ("browse.order", "a") not in memo
    assert memo.discard("browse.order") == 1
    assert memo.discard("profile") == 1
    assert memo.discard(lambda k: isinstance(k, tuple) and "a" in k) == 1
    assert len(memo) == 0
    memo.get("x", lambda: 1)
    memo.clear()
    assert len(memo) == 0


def test_a_key_discarded_while_computing_is_not_stored() -> None:
    memo = Memo()

    def compute() -> int:
        memo.discard("k")
        return 1

    assert memo.get("k", compute) == 1
    assert "k" not in memo
