"""One content hash for every file identity: equal bytes, equal hash; a second call on the same file reads nothing."""

from __future__ import annotations

import builtins
import os
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from wit_tui.engine.core import content_hash as ch
from wit_tui.engine.core.content_hash import content_hash


def test_copies_hash_equal_and_one_byte_changes_it(tmp_path):
    a = tmp_path / "a.csv"
    a.write_bytes(b"x,y\n1,2\n" * 200_000)  # more than one chunk
    b = tmp_path / "b.csv"
    shutil.copyfile(a, b)
    assert content_hash(a) == content_hash(b) and len(content_hash(a)) == 32
    data = bytearray(b.read_bytes())
    data[1_500_000] ^= 1
    b.write_bytes(bytes(data))
    assert content_hash(a) != content_hash(b)


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=1, max_size=3000), st.data())
def test_any_one_byte_change_changes_the_hash(tmp_path_factory, content, data):
    folder = tmp_path_factory.mktemp("h")
    a, b = folder / "a", folder / "b"
    a.write_bytes(content)
    i = data.draw(st.integers(0, len(content) - 1))
    changed = bytearray(content)
    changed[i] = (changed[i] + data.draw(st.integers(1, 255))) % 256
    b.write_bytes(bytes(changed))
    assert content_hash(a) != content_hash(b)


def test_a_second_call_on_an_unchanged_file_reads_nothing(tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    opened = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    first = content_hash(path)
    assert opened == [os.path.realpath(path)]
    assert content_hash(path) == first and content_hash(str(path)) == first
    assert len(opened) == 1  # remembered
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000_000))  # touched: hashed again, same bytes
    assert content_hash(path) == first and len(opened) == 2
    assert ch._memo  # the memo the later caches reuse
