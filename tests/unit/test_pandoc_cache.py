"""pandoc's answers kept on disk (render/pandoc_cache.py): a question asked
again is answered from disk, in this process or a new one, and an answer is
never given to another question: changed text, other arguments, another
pandoc, or a file that is not whole."""

import os

import pytest

from bookbuild.render.pandoc_cache import PandocAnswers


class FakePandoc:
    """Answers like pandoc would, and counts the questions it was asked."""

    def __init__(self, version='pandoc 1'):
        self.version = version
        self.questions = []

    def __call__(self, source, fmt, to, extra_args=None, encoding='utf-8'):
        self.questions.append(source)
        return f'{self.version} {fmt}->{to} {extra_args}: {source.upper()}'


def answers(folder, pandoc=None, identity='pandoc 1'):
    pandoc = pandoc or FakePandoc(identity)
    return PandocAnswers(folder, pandoc, identity), pandoc


def test_a_question_asked_again_in_a_new_process_is_answered_from_disk(tmp_path):
    first, pandoc = answers(tmp_path)
    said = first('a *cell*', 'markdown', 'rst')
    second, pandoc_again = answers(tmp_path)  # as a new process would start
    assert second('a *cell*', 'markdown', 'rst') == said
    assert pandoc.questions == ['a *cell*'] and pandoc_again.questions == []


def test_changed_text_is_never_answered_with_the_old_answer(tmp_path):
    cache, pandoc = answers(tmp_path)
    old = cache('the old sentence', 'markdown', 'rst')
    answers_again, _ = answers(tmp_path)
    new = answers_again('the new sentence', 'markdown', 'rst')
    assert new != old and 'THE NEW SENTENCE' in new


@pytest.mark.parametrize(
    'other',
    [
        {'fmt': 'markdown_strict'},
        {'to': 'latex'},
        {'extra_args': ['--wrap=none']},
        {'encoding': 'latin-1'},
    ],
)
def test_other_arguments_are_another_question(tmp_path, other):
    asked = {'fmt': 'markdown', 'to': 'rst', 'extra_args': None, 'encoding': 'utf-8'}
    cache, pandoc = answers(tmp_path)
    cache('text', **asked)
    cache('text', **{**asked, **other})
    assert pandoc.questions == ['text', 'text']


def test_another_pandoc_asks_again(tmp_path):
    answers(tmp_path, identity='/usr/bin/pandoc 100 1')[0]('text', 'markdown', 'rst')
    upgraded, pandoc = answers(tmp_path, identity='/usr/bin/pandoc 200 2')
    assert upgraded('text', 'markdown', 'rst').startswith('/usr/bin/pandoc 200 2')
    assert pandoc.questions == ['text']


def test_a_file_that_is_not_whole_or_holds_another_answer_is_asked_again(tmp_path):
    cache, _ = answers(tmp_path)
    cache('text', 'markdown', 'rst')
    [kept] = [path for path in tmp_path.rglob('*') if path.is_file()]
    for damaged in ['', kept.read_text()[:10], 'f' * 64 + '\nanother answer']:
        kept.write_text(damaged)
        fresh, pandoc = answers(tmp_path)
        assert fresh('text', 'markdown', 'rst') == "pandoc 1 markdown->rst None: TEXT"
        assert pandoc.questions == ['text'], f'{damaged!r} was taken for the answer'


def test_an_answer_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    cache, _ = answers(tmp_path)

    def interrupted(source, target):
        raise OSError('the disk filled up at the rename')

    monkeypatch.setattr(os, 'replace', interrupted)
    with pytest.raises(OSError, match='disk filled up'):
        cache('text', 'markdown', 'rst')
    assert [path for path in tmp_path.rglob('*') if path.is_file()] == []
    monkeypatch.undo()
    fresh, pandoc = answers(tmp_path)
    fresh('text', 'markdown', 'rst')
    assert pandoc.questions == ['text']
