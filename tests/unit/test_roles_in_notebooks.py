"""bookbuild.forms.notebook_text: each role the notebooks replace, on a
small book written for the purpose (the book itself uses only some of them,
and these must work the day a page starts using the others), and the file
and line of a role or a target the notebooks cannot show. (That `make
notebooks` stops on one is shown in tests/build_behaviour/test_notebook_roles.py.)"""

import textwrap

import pytest

from bookbuild.forms import notebook_text
from bookbuild.project import Project
from bookbuild.report import BuildError


def read_book(root, lang='en'):
    """What the notebooks' text refers to, read from the book at root."""
    return notebook_text.Book(Project(root).edition(lang))


BIBLIOGRAPHY = """\
@article{Ng.2020,
  title = {One Author},
  author = {Ng, Andrew},
  journal = {Journal A},
  year = {2020}
}
@article{Lee.Kim.2021,
  title = {Two Authors},
  author = {Lee, Ada and Kim, Bo},
  journal = {Journal B},
  year = {2021}
}
"""

PAGES = {
    'index.md': """\
        Tiny Book
        =========

        It builds on :cite:`Ng.2020,Lee.Kim.2021`, and :citet:`Lee.Kim.2021` say why.

        ```toc
        :numbered:

        part/index
        ```

        ```toc
        references
        ```
        """,
    'part/index.md': """\
        # A Part
        :label:`chap_part`

        ```toc
        first
        second
        ```
        """,
    'part/first.md': """\
        # The First Section
        :label:`sec_first`

        Text.

        ## A Subsection
        :label:`sec_sub`

        $$y = x^2$$
        :eqlabel:`eq_square`

        $$z = 1$$
        :eqlabel:`eq_one`
        """,
    'part/second.md': """\
        # The Second Section

        See :numref:`sec_first`, :numref:`sec_sub`, :ref:`sec_first`,
        :ref:`that subsection <sec_sub>`, :eqref:`eq_one` and :numref:`chap_part`.
        """,
    'references.md': """\
        ```eval_rst
        .. only:: html

           References
           ==========
        ```

        :bibliography:`refs.bib`
        """,
}


def small_book(folder, **changes):
    (folder / 'config.ini').write_text(
        '[build]\ntabs = pytorch\nindex = index\nnotebooks = *.md */*.md\n'
        '[pdf]\nbibfile = refs.bib\n'
    )
    (folder / 'refs.bib').write_text(BIBLIOGRAPHY)
    for name, text in {**PAGES, **changes}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text))
    return folder


def sibling(target):
    """The plain variant's link: the notebook, relative to part/."""
    return f'{target.page.split("/")[-1]}.ipynb' + (
        f'#{target.notebook_anchor}' if target.notebook_anchor else ''
    )


def page_of(book, page):
    return (book.project.root / f'{page}.md').read_text()


def test_pages_are_numbered_as_sphinx_numbers_them(tmp_path):
    book = read_book(small_book(tmp_path))
    numbers = {path: page.number for path, page in book.pages.items()}
    assert numbers == {
        'index': None,
        'part/index': '1',
        'part/first': '1.1',
        'part/second': '1.2',
        'references': None,
    }
    assert book.labels['sec_sub'].number == '1.1.1'
    assert book.equations['eq_one'].number == '1.1.2'


def test_references_become_numbered_links(tmp_path):
    book = read_book(small_book(tmp_path))
    text, cited = book.convert(page_of(book, 'part/second'), 'part/second', sibling)
    assert cited == []
    assert text.splitlines()[2:4] == [
        'See [Section 1.1 (The First Section)](first.ipynb), '
        '[Section 1.1.1 (A Subsection)](first.ipynb#A-Subsection), '
        '[The First Section](first.ipynb),',
        '[that subsection](first.ipynb#A-Subsection), [(1.1.2)](first.ipynb) and '
        '[Section 1 (A Part)](index.ipynb).',
    ]


def test_the_published_form_links_to_the_page_and_its_ids(tmp_path):
    book = read_book(small_book(tmp_path))

    def page(target):
        return f'https://site/{target.page}.html' + (f'#{target.anchor}' if target.anchor else '')

    text, _ = book.convert(page_of(book, 'part/second'), 'part/second', page)
    assert '[Section 1.1.1 (A Subsection)](https://site/part/first.html#sec-sub)' in text
    assert '[(1.1.2)](https://site/part/first.html#equation-eq-one)' in text


def test_labels_go_and_equations_carry_their_numbers(tmp_path):
    book = read_book(small_book(tmp_path))
    text, _ = book.convert(page_of(book, 'part/first'), 'part/first', sibling)
    assert ':label:' not in text and ':eqlabel:' not in text
    assert text.splitlines() == [
        '# The First Section',
        '',
        'Text.',
        '',
        '## A Subsection',
        '',
        '$$y = x^2 \\tag{1.1.1}$$',
        '',
        '$$z = 1 \\tag{1.1.2}$$',
    ]


def test_citations_read_author_year_and_the_bibliography_lists_every_entry(tmp_path):
    book = read_book(small_book(tmp_path))
    paragraph = page_of(book, 'index').split('\n\n')[1]
    text, cited = book.convert(paragraph, 'index', sibling)
    assert 'It builds on (Ng, 2020; Lee and Kim, 2021), and Lee and Kim (2021) say why.' in text
    assert cited == ['Ng.2020', 'Lee.Kim.2021', 'Lee.Kim.2021']
    # APA, as the page's references: titles in sentence case.
    assert book.references_cell(cited).splitlines() == [
        '## References',
        '',
        '- Lee, A., & Kim, B. (2021). Two authors. *Journal B*.',
        '- Ng, A. (2020). One author. *Journal A*.',
    ]
    text, cited = book.convert(page_of(book, 'references'), 'references', sibling)
    assert text.startswith('# References\n') and len(cited) == 2
    assert text.count('\n- ') == 2


def test_the_table_of_contents_lists_numbered_titles(tmp_path):
    book = read_book(small_book(tmp_path))
    toc = ':begin_tab:toc\n - [first](first.ipynb)\n - [second](second.ipynb)\n:end_tab:\n'
    text, _ = book.convert('# A Part\n\n' + toc, 'part/index', sibling)
    assert text.splitlines()[2:] == [
        '- [1.1 The First Section](first.ipynb)',
        '- [1.2 The Second Section](second.ipynb)',
    ]


@pytest.mark.parametrize(
    'page, text, message',
    [
        (
            'part/second.md',
            '# The Second Section\n\nA :term:`weight` here.\n',
            'part/second.md:3: the role :term: has no form in the notebooks',
        ),
        (
            'part/second.md',
            '# The Second Section\n\n```eval_rst\n.. note:: Read this.\n```\n',
            'part/second.md:3: an eval_rst block the notebooks cannot show',
        ),
    ],
)
def test_a_role_the_notebooks_cannot_show_is_reported_at_its_line(tmp_path, page, text, message):
    with pytest.raises(BuildError) as failure:
        read_book(small_book(tmp_path, **{page: text}))
    assert str(failure.value).startswith(message), failure.value


@pytest.mark.parametrize(
    'text, message',
    [
        ('See :numref:`sec_nowhere`.', 'part/second.md:3: :numref:`sec_nowhere` names no label'),
        ('As :cite:`Nobody.1999` says.', 'part/second.md:3: :cite:`Nobody.1999` cites Nobody.1999'),
    ],
)
def test_a_target_the_book_lacks_is_reported_at_its_line(tmp_path, text, message):
    book = read_book(
        small_book(tmp_path, **{'part/second.md': f'# The Second Section\n\n{text}\n'})
    )
    with pytest.raises(BuildError) as failure:
        book.convert(page_of(book, 'part/second'), 'part/second', sibling)
    assert str(failure.value).startswith(message), failure.value


def test_a_labels_html_id_is_the_one_sphinx_gives_it():
    assert notebook_text.html_id('sec_custom_layer') == 'sec-custom-layer'
    assert notebook_text.html_id('Eq:One.Two') == 'eq-one-two'


def test_a_pages_title_is_its_first_heading_in_either_markdown_form():
    assert notebook_text.page_title(':label:`x`\n\n# The Title\n\n## Sub\n') == 'The Title'
    assert notebook_text.page_title('Tiny Book\n=========\n\nText.\n') == 'Tiny Book'
    # A `#` comment in a code cell is not a heading.
    assert notebook_text.page_title('```{.python .input}\n# setup\n```\n\n# Real\n') == 'Real'


def test_an_explicit_reference_text_is_split_from_its_label():
    assert notebook_text.split_explicit('that subsection <sec_sub>') == (
        'that subsection',
        'sec_sub',
    )
    assert notebook_text.split_explicit(' sec_first ') == (None, 'sec_first')


def test_a_label_defined_twice_is_reported_where_it_is_defined_again(tmp_path):
    second = '# The Second Section\n:label:`sec_second`\n\n## Again\n:label:`sec_first`\n'
    with pytest.raises(BuildError) as failure:
        read_book(small_book(tmp_path, **{'part/second.md': second}))
    assert str(failure.value) == 'part/second.md:5: the label sec_first is defined twice'


def test_the_header_names_the_book_the_section_and_the_other_frameworks(tmp_path):
    book = read_book(small_book(tmp_path))
    header = book.header(
        'part/first',
        'JAX',
        [('PyTorch', 'first-pytorch.ipynb')],
        'https://site/part/first.html',
        badge='[badge](colab)',
    )
    lines = header.split('\n')
    assert lines[0] == '**Section 1.1 (The First Section)** — *Tiny Book*, JAX notebook.'
    assert '[PyTorch](first-pytorch.ipynb)' in lines[2]
    assert '[The First Section](https://site/part/first.html)' in lines[2]
    assert lines[-1] == '[badge](colab)'
