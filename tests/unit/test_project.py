"""bookbuild.project.Project: one reading of config.ini answers where every
output goes, what the readers' files are called, and every published address."""

import pytest

from bookbuild.project import PUBLISHED_BRANCH
from bookbuild.report import BuildError

PAGES = {
    'index.md': '# Index\n',
    'part/a.md': '# A\n',
    'part/draft.md': '# Not yet\n',
    'part/notes.txt': 'not a page\n',
}


@pytest.fixture
def project(book):
    return book(PAGES, tabs=' PyTorch, jax ,tensorflow')


def test_tabs_are_config_order_lowercased_and_the_first_is_the_default(project):
    assert project.tabs == ['pytorch', 'jax', 'tensorflow']
    assert project.default_tab == 'pytorch'


def test_the_default_tabs_folders_have_no_suffix_and_the_others_end_in_the_tab(project):
    out = project.root / 'out'
    assert project.build_dir == out
    assert project.tab_folder('eval', 'pytorch') == 'eval'
    assert project.tab_folder('pdf', 'jax') == 'pdf_jax'
    assert project.eval_dir('tensorflow') == out / 'eval_tensorflow'
    assert project.tab_dir('colab', 'pytorch') == out / 'colab'


def test_evaluated_notebooks_and_their_records_mirror_the_page_paths(project):
    page = project.root / 'part' / 'a.md'
    assert project.evaluated_notebook(page, 'jax') == project.root / 'out/eval_jax/part/a.ipynb'
    assert project.eval_record(page, 'jax') == project.root / 'out/eval_records/jax/part/a.md.json'
    assert project.merged_notebook(page) == project.root / 'out/eval_all/part/a.ipynb'


def test_reader_files_carry_the_books_name_and_a_suffix_for_other_tabs(project):
    assert project.reader_file_name('pytorch', '.pdf') == 'tiny-book.pdf'
    assert project.reader_file_name('jax', '.zip') == 'tiny-book-jax.zip'
    assert project.english.reader_pdf('jax') == project.root / 'out/pdf/tiny-book-jax.pdf'
    assert project.english.notebook_zip('pytorch') == project.root / 'out/notebooks/tiny-book.zip'
    assert (
        project.edition('ko').notebook_zip('jax')
        == project.root / 'out/ko/notebooks/tiny-book-jax.zip'
    )


def test_an_editions_outputs_go_under_its_language_and_englishs_at_the_top(project):
    assert project.edition('en').build_dir == project.build_dir
    assert project.edition('pt').build_dir == project.build_dir / 'pt'
    assert project.edition('ko').html_dir == project.build_dir / 'ko' / 'html'
    assert project.edition('pt').reader_notebooks('colab', 'jax') == (
        project.build_dir / 'pt' / 'notebooks' / 'jax' / 'colab'
    )
    assert project.edition('ko').site_notebook('jax', 'part/a') == (
        project.build_dir / 'ko' / 'html' / 'notebooks' / 'jax' / 'part' / 'a.ipynb'
    )


def test_pages_are_the_notebook_patterns_less_the_exclusions(project):
    assert [project.relative(page) for page in project.notebook_sources()] == [
        'index.md',
        'part/a.md',
    ]


def test_a_tab_without_a_library_section_has_no_helper_module(project):
    assert project.lib_file('jax') == project.root / 'd2l' / 'jax.py'
    assert project.lib_file('tensorflow') is None
    assert project.library('jax')['simple_alias'] == 'tensor -> array'
    assert project.library('tensorflow') == {}


def test_per_tab_reads_the_frameworks_line_with_publish_repo_filled_in(project):
    assert project.per_tab('colab', 'github_repo', 'jax') == 'owner/tiny-book-colab-jax'
    assert project.per_tab('sagemaker', 'kernel', 'pytorch') == 'conda_pytorch_p310'
    assert project.notebook_repository('sagemaker', 'jax') == 'owner/tiny-book-sagemaker-jax'


def test_per_tab_names_the_section_key_and_framework_when_a_line_is_missing(project):
    with pytest.raises(KeyError, match=r'\[sagemaker\] kernel has no line for tensorflow'):
        project.per_tab('sagemaker', 'kernel', 'tensorflow')


def test_per_tab_names_the_section_and_key_of_a_line_without_a_comma(project):
    project.config['sagemaker']['kernel'] = 'pytorch conda_pytorch_p310'
    with pytest.raises(BuildError, match=r"\[sagemaker\] kernel: 'pytorch conda_pytorch_p310'"):
        project.per_tab('sagemaker', 'kernel', 'pytorch')


def test_only_editions_other_than_english_add_a_language_prefix(project):
    assert project.english.url_prefix == ''
    assert project.edition('ko').url_prefix == 'ko/'


def test_an_edition_is_a_value_of_its_book_and_language(project):
    from bookbuild.languages import language

    assert project.edition('ko') == project.edition(language('ko'))
    assert project.english == project.edition('en') and project.english.is_english
    assert project.edition('pt') != project.english
    assert len({project.edition('ko'), project.edition('ko'), project.english}) == 2
    with pytest.raises(KeyError, match='tools/bookbuild/languages.py knows'):
        project.edition('xx')


def test_published_pages_live_on_the_publish_repos_github_pages(project):
    site = 'https://owner.github.io/tiny-book/'
    assert project.published_site == site
    assert (
        project.english.published_page('part/a', 'jax') == f'{site}html/part/a.html?framework=jax'
    )
    assert project.edition('pt').published_page('part/a', 'jax', anchor='sec-x') == (
        f'{site}pt/html/part/a.html?framework=jax#sec-x'
    )


def test_published_notebooks_sit_in_their_frameworks_repository_under_the_language(project):
    assert project.edition('ko').notebook_on_github('colab', 'jax', 'part/a') == (
        f'https://github.com/owner/tiny-book-colab-jax/blob/{PUBLISHED_BRANCH}/ko/part/a.ipynb'
    )
    assert project.english.notebook_on_github('sagemaker', 'pytorch', 'index') == (
        f'https://github.com/owner/tiny-book-sagemaker-pytorch/blob/{PUBLISHED_BRANCH}/index.ipynb'
    )


def test_each_host_opens_the_published_notebook_of_its_form(project):
    path = f'owner/tiny-book-colab-jax/blob/{PUBLISHED_BRANCH}/part/a.ipynb'
    assert project.english.launch_address('colab', 'jax', 'part/a') == (
        f'https://colab.research.google.com/github/{path}'
    )
    # Studio Lab opens the SageMaker variant; Kaggle takes the whole GitHub address.
    assert project.english.launch_address('studiolab', 'jax', 'part/a') == (
        'https://studiolab.sagemaker.aws/import/github/'
        f'owner/tiny-book-sagemaker-jax/blob/{PUBLISHED_BRANCH}/part/a.ipynb'
    )
    assert project.english.launch_address('kaggle', 'jax', 'part/a') == (
        f'https://www.kaggle.com/kernels/welcome?src=https://github.com/{path}'
    )


def test_a_tab_the_frameworks_registry_does_not_know_is_refused_with_the_file(book):
    with pytest.raises(BuildError, match=r'config.ini: \[build\] tabs names chainer, which'):
        book(tabs='pytorch, chainer')


def test_a_copy_of_a_book_holds_what_config_ini_names_and_never_its_output(book):
    from bookbuild.project import book_sources

    project = book({'index.md': '# A\n', 'part/a.md': '# B\n', 'notes.txt': 'not named\n'})
    (project.build_dir / 'stale.md').parent.mkdir(parents=True)
    (project.build_dir / 'stale.md').write_text('# old\n')
    config = project.root / 'config.ini'
    config.write_text(
        config.read_text().replace('notebooks = *.md part/*.md', 'notebooks = **/*.md')
    )
    assert 'out' not in book_sources(project.root)
    assert set(book_sources(project.root)) == {'config.ini', 'index.md', 'part', 'd2l'}
