"""Inputs that are not plain CSV text or flat Parquet, outputs that would destroy an input, and memory limits."""

from __future__ import annotations

import gzip
import os
import resource
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from wit_tui.engine import open_session
from wit_tui.engine.core import memory
from wit_tui.engine.core.atomic import atomic_write
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.paths import check_output_file
from wit_tui.engine.data.loading import load_data, read_data
from wit_tui.engine.validation.config import load_config

#: how long a loader may block on a FIFO before the test unblocks it (and fails); it never decides success
SAFETY_SECONDS = 60.0


@pytest.fixture
def flat(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    frame["y"] = (frame["a"] > 0).astype(int)
    return frame


def _nested_parquet(frame: pd.DataFrame, path) -> None:
    n = len(frame)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.append_column("tags", pa.array([[1, 2]] * n)).append_column("st", pa.array([{"x": 1}] * n))
    table = table.append_column("raw", pa.array([b"\x00\x01"] * n))
    table = table.append_column("mp", pa.array([[("k", 1)]] * n, type=pa.map_(pa.string(), pa.int64())))
    pq.write_table(table, path)


@pytest.mark.bad_input
def test_nested_parquet_columns_are_named_and_left_out(tmp_path, flat):
    path = tmp_path / "nested.parquet"
    _nested_parquet(flat, path)
    model = tmp_path / "m.skops"
    sio.dump(LogisticRegression().fit(flat[["a", "b"]], flat["y"]), model)
    session = open_session(model, path, "y")
    assert list(session.data.columns) == ["a", "b", "y"]
    (warning,) = [w for w in session.warnings if "left out" in w]
    for part in ("tags (list)", "st (struct)", "raw (binary)", "mp (map)"):
        assert part in warning
    assert session.scores(0).score.shape == (40,)


@pytest.mark.bad_input
def test_nested_parquet_column_a_model_needs_is_refused(tmp_path, flat):
    path = tmp_path / "nested.parquet"
    wide = flat.assign(tags=1.0)
    _nested_parquet(flat, path)  # the file's "tags" holds lists
    model = tmp_path / "m.skops"
    sio.dump(LogisticRegression().fit(wide[["a", "b", "tags"]], wide["y"]), model)
    with pytest.raises(WitError) as err:
        open_session(model, path, "y")
    assert "tags (list)" in err.value.message and "Flatten" in err.value.hint


@pytest.mark.bad_input
def test_deeply_nested_toml_is_a_config_error(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(WitError) as err:
        load_config(path)
    assert "nested too deeply" in err.value.message


@pytest.mark.bad_input
@pytest.mark.parametrize("what", ["data", "config"])
def test_a_fifo_is_refused_without_blocking(tmp_path, what):
    fifo = tmp_path / ("pipe.csv" if what == "data" else "pipe.toml")
    os.mkfifo(fifo)
    done = threading.Event()

    def unblock() -> None:  # should the loader open the FIFO, give it an end of file so the test fails, not hangs
        if not done.wait(SAFETY_SECONDS):
            os.close(os.open(fifo, os.O_WRONLY))

    threading.Thread(target=unblock, daemon=True).start()
    try:
        with pytest.raises(WitError) as err:  # opening it would block forever: the check must come first
            load_data(fifo) if what == "data" else load_config(fifo)
    finally:
        done.set()
    assert "named pipe (FIFO)" in err.value.message


@pytest.mark.bad_input
def test_a_device_is_refused():
    with pytest.raises(WitError) as err:
        load_data("/dev/zero")
    assert "character device" in err.value.message


@pytest.mark.bad_input
@pytest.mark.parametrize("name", ["data.csv.gz", "data.csv"])  # by suffix or by magic bytes alone
def test_gzipped_csv_is_read(tmp_path, flat, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress(flat.to_csv(index=False, sep=";").encode()))
    frame = load_data(path)
    assert list(frame.columns) == ["a", "b", "y"] and np.allclose(frame["a"], flat["a"])


@pytest.mark.bad_input
def test_utf16_is_read_with_a_bom_and_named_without(tmp_path):
    text = "name,city\nJosé,Zürich\nRenée,Besançon\n"
    with_bom = tmp_path / "bom16.csv"
    with_bom.write_bytes(text.encode("utf-16"))
    assert load_data(with_bom)["city"].tolist() == ["Zürich", "Besançon"]
    no_bom = tmp_path / "le16.csv"
    no_bom.write_bytes(text.encode("utf-16-le"))
    with pytest.raises(WitError) as err:
        load_data(no_bom)
    assert "UTF-16" in err.value.message and "UTF-8" in err.value.hint


@pytest.mark.bad_input
def test_duplicate_column_names_are_said(tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text("a,b,a,a\n1,2,3,4\n")
    loaded = read_data(path)
    assert list(loaded.frame.columns) == ["a", "b", "a.1", "a.2"]
    (warning,) = loaded.warnings
    assert "'a' -> 'a.1'" in warning and "'a' -> 'a.2'" in warning


def _fake_cgroup(root, v2: bool, limit: str, usage: str) -> None:
    (root / "proc" / "self").mkdir(parents=True)
    folder = root / "sys" / "fs" / "cgroup" / ("box" if v2 else "memory/box")
    folder.mkdir(parents=True)
    (root / "proc" / "self" / "cgroup").write_text("0::/box\n" if v2 else "4:memory:/box\n")
    names = ("memory.max", "memory.current") if v2 else ("memory.limit_in_bytes", "memory.usage_in_bytes")
    (folder / names[0]).write_text(limit + "\n")
    (folder / names[1]).write_text(usage + "\n")


@pytest.mark.parametrize("v2", [True, False])
def test_cgroup_limit_is_read(tmp_path, v2):
    _fake_cgroup(tmp_path, v2, str(3 << 30), str(1 << 30))
    assert memory.cgroup_available(tmp_path) == 2 << 30


def test_no_cgroup_limit_is_none(tmp_path):
    _fake_cgroup(tmp_path, True, "max", "12345")
    assert memory.cgroup_available(tmp_path) is None


def test_ulimit_v_counts_what_is_mapped(tmp_path, monkeypatch):
    (tmp_path / "proc" / "self").mkdir(parents=True)
    (tmp_path / "proc" / "self" / "status").write_text("Name:\tpython\nVmSize:\t  1048576 kB\n")
    monkeypatch.setattr(resource, "getrlimit", lambda _which: (3 << 30, resource.RLIM_INFINITY))
    assert memory.address_space_available(tmp_path) == 2 << 30


@pytest.mark.bad_input
def test_data_larger_than_the_cgroup_or_ulimit_allows_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n" + "1,2\n" * 1000)
    monkeypatch.setattr(memory, "free_memory", lambda: 1 << 40)  # the machine has plenty
    monkeypatch.setattr(memory, "cgroup_available", lambda root=None: 100)  # the container does not
    with pytest.raises(WitError) as err:
        load_data(path)
    assert "cgroup" in err.value.message


@pytest.mark.bad_input
def test_output_onto_an_input_or_a_device_is_refused(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    for target in (data, link):
        with pytest.raises(WitError, match="would destroy that input"):
            check_output_file(target, [str(data)])
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with pytest.raises(WitError, match="named pipe"):  # renaming over it would replace it with a file
        atomic_write(fifo, "x")
    assert data.read_text() == "a\n1\n" and fifo.is_fifo()


class _Payload:
    """Unpickling this creates a file: proof that the cache file was loaded as a pickle."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.bad_input
def test_a_planted_file_in_the_demo_cache_never_runs(tmp_path, monkeypatch):
    import joblib

    from wit_tui.engine import demo

    monkeypatch.setenv("WIT_TUI_CACHE_DIR", str(tmp_path / "cache"))
    folder = demo._model_dir()
    folder.mkdir(parents=True)
    marker = tmp_path / "pwned"
    for key in ("ridge", "hgb"):
        joblib.dump(_Payload(str(marker)), folder / f"diabetes-{key}.joblib")
    (folder / "diabetes-ridge.skops").write_bytes(sio.dumps(_Payload(str(marker))))  # a type nobody trusts
    session = demo.load_demo("diabetes")
    assert not marker.exists()
    assert len(session.models) == 2 and all(hasattr(m.estimator, "predict") for m in session.models)
    assert demo.demo_models_cached("diabetes")  # rebuilt as skops files
    assert not marker.exists()
