"""bookbuild.files: an interrupted write never leaves a complete-looking file,
stamps say what an output was made from, digests tell inputs apart."""

import os
from pathlib import Path

import pytest

from bookbuild import files


def test_write_atomic_writes_text_as_utf8_and_makes_the_folders(tmp_path):
    path = tmp_path / 'new' / 'folder' / 'page.txt'
    files.write_atomic(path, 'Seção ✓')
    assert path.read_bytes() == 'Seção ✓'.encode()


def test_a_failed_rename_keeps_the_old_file_whole_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / 'notebook.ipynb'
    path.write_text('the old notebook')

    def refuse(source, target):
        raise OSError('no space left on device')

    monkeypatch.setattr(files.os, 'replace', refuse)
    with pytest.raises(OSError, match='no space left'):
        files.write_atomic(path, 'the new notebook')
    assert path.read_text() == 'the old notebook'
    assert os.listdir(tmp_path) == ['notebook.ipynb']


def test_a_write_cut_off_halfway_leaves_no_file_at_all(tmp_path, monkeypatch):
    real_write_bytes = Path.write_bytes

    def write_half(self, data):
        real_write_bytes(self, data[: len(data) // 2])
        raise OSError('interrupted')

    monkeypatch.setattr(Path, 'write_bytes', write_half)
    with pytest.raises(OSError, match='interrupted'):
        files.write_atomic(tmp_path / 'report.json', b'{"complete": true}')
    assert os.listdir(tmp_path) == []


def test_write_if_changed_leaves_an_identical_file_untouched(tmp_path):
    path = tmp_path / 'page.html'
    path.write_bytes(b'same')
    os.utime(path, (1_000_000, 1_000_000))
    files.write_if_changed(path, 'same')
    assert path.stat().st_mtime == 1_000_000
    files.write_if_changed(path, 'different')
    assert path.read_text() == 'different'
    assert path.stat().st_mtime > 1_000_000


def test_a_digest_is_the_same_for_the_same_parts_and_changes_with_any_of_them():
    assert files.digest_of('a', b'b', 3) == files.digest_of('a', b'b', 3)
    assert files.digest_of('a', 'b') != files.digest_of('b', 'a')
    # Parts are kept apart: moving a boundary is a different input.
    assert files.digest_of('ab', 'c') != files.digest_of('a', 'bc')


def test_a_files_digest_changes_with_its_contents_and_its_name(tmp_path):
    first, second = tmp_path / 'first.txt', tmp_path / 'second.txt'
    first.write_text('torch==2.6.0\n')
    second.write_text('torch==2.6.0\n')
    before = files.digest_of(first)
    assert files.digest_of(second) != before
    first.write_text('torch==2.7.0\n')
    assert files.digest_of(first) != before


def test_a_stamp_matches_only_the_digest_last_written(tmp_path):
    stamp = files.Stamp(tmp_path / 'env' / '.requirements.sha256')
    assert not stamp.matches('abc')
    stamp.write('abc')
    assert stamp.matches('abc')
    assert not stamp.matches('abd')
    stamp.write('abd')
    assert stamp.matches('abd') and not stamp.matches('abc')


def test_a_removed_stamp_matches_nothing_and_removing_twice_is_harmless(tmp_path):
    stamp = files.Stamp(tmp_path / '.pins.sha256')
    stamp.write('abc')
    stamp.remove()
    stamp.remove()
    assert not stamp.matches('abc')
    assert not stamp.path.exists()
