"""Atomic release writing, manifest verification and policy loading (invariants 7 and 6)."""

import json

import pytest

from clearance.policy import Policy, preset_text
from clearance.release import ReleaseFile, verify_release, write_atomically
from privacy.errors import InvalidInputError


def _writer(text):
    return lambda path: path.write_text(text, encoding="utf-8")


def test_release_is_written_whole_with_verifiable_manifest(tmp_path):
    out = tmp_path / "release"
    write_atomically(out, [ReleaseFile("a.csv", _writer("x\n1\n")), ReleaseFile("b.json", _writer("{}"))],
                     manifest_extra={"kind": "test"}, overwrite=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {"a.csv", "b.json"}
    assert verify_release(out).ok
    (out / "a.csv").write_text("x\n2\n", encoding="utf-8")
    result = verify_release(out)
    assert not result.ok and "a.csv" in result.problems[0]
    (out / "extra.txt").write_text("", encoding="utf-8")
    assert any("not listed" in p for p in verify_release(out).problems)


def test_a_failing_writer_leaves_nothing_behind(tmp_path):
    out = tmp_path / "release"

    def boom(path):
        path.write_text("partial", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(out, [ReleaseFile("a.csv", _writer("ok")), ReleaseFile("b.csv", boom)],
                         manifest_extra={}, overwrite=False)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_is_refused_unless_asked_and_failure_keeps_the_old_release(tmp_path):
    out = tmp_path / "release"
    write_atomically(out, [ReleaseFile("a.csv", _writer("old"))], manifest_extra={}, overwrite=False)
    with pytest.raises(InvalidInputError, match="--overwrite"):
        write_atomically(out, [ReleaseFile("a.csv", _writer("new"))], manifest_extra={}, overwrite=False)

    def boom(path):
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        write_atomically(out, [ReleaseFile("a.csv", boom)], manifest_extra={}, overwrite=True)
    assert (out / "a.csv").read_text() == "old"
    assert verify_release(out).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_verify_refuses_folders_without_or_with_corrupt_manifest(tmp_path):
    with pytest.raises(InvalidInputError, match="not a release"):
        verify_release(tmp_path)
    (tmp_path / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="corrupt"):
        verify_release(tmp_path)


def test_default_policy_loads_and_bad_policies_are_refused(tmp_path):
    policy = Policy.preset("default")
    assert policy.max_epsilon == 1.0 and policy.require_entity_level
    broken = tmp_path / "p.toml"
    broken.write_text(preset_text("default").replace("max_epsilon = 1.0", "max_epsilon = -1"))
    with pytest.raises(InvalidInputError, match="max_epsilon"):
        Policy.load(broken)
    broken.write_text("[policy]\nname = 'x'\n")
    with pytest.raises(InvalidInputError, match="lacks the setting"):
        Policy.load(broken)
    broken.write_text("not = [toml")
    with pytest.raises(InvalidInputError, match="not valid TOML"):
        Policy.load(broken)
    with pytest.raises(InvalidInputError, match="unknown policy preset"):
        Policy.preset("lenient")
