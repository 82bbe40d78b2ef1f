"""The "Report a problem" link (render/report_link.py): its address opens the
issue form of .github/ISSUE_TEMPLATE/ with only the parameters GitHub reads
(template, title, labels and the form's field ids, read from the form
itself), filled with the page, the section, the edition, the framework and
the outputs line; the page gets it once, after its title; and the labelling
workflow reads the fields the form has."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from bookbuild.languages import LANGUAGES
from bookbuild.render import postprocess, report_link

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / '.github' / 'ISSUE_TEMPLATE'
WORKFLOW = ROOT / '.github' / 'workflows' / 'report-labels.yml'


def form():
    return yaml.safe_load((FORMS / report_link.FORM).read_text(encoding='utf-8'))


def field_ids():
    return {field['id']: field for field in form()['body'] if 'id' in field}


def query_of(address):
    """{parameter: value} of an address, each parameter once."""
    query = parse_qs(urlsplit(address).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in query.values()), address
    return {name: values[0] for name, values in query.items()}


def test_the_form_has_a_field_for_everything_the_link_fills():
    ids = field_ids()
    assert set(report_link.FIELDS) <= set(ids), f'{report_link.FORM} lacks fields: {ids}'
    assert ids['problem']['type'] == 'textarea'
    assert ids['problem']['validations']['required'] is True


@pytest.mark.parametrize('lang', LANGUAGES)
def test_the_address_uses_only_the_parameters_github_reads(book, lang):
    edition = book().edition(lang)
    address = report_link.report_address(
        edition, 'jax', edition.published_page('part/a', 'jax', 'sec-x'), '1.2 X', 'Outputs'
    )
    allowed = set(report_link.GITHUB_PARAMETERS) | set(field_ids())
    unknown = set(query_of(address)) - allowed
    assert not unknown, f'GitHub ignores {sorted(unknown)} in {address}'
    assert query_of(address)['template'] == report_link.FORM


def test_the_address_names_the_page_section_edition_framework_and_outputs(book):
    edition = book().edition('ko')
    page = edition.published_page('part/a', 'jax', 'sec-x')
    address = report_link.report_address(edition, 'jax', page, '1.2 Layers', 'From JAX 0.5')
    assert address.startswith('https://github.com/owner/tiny-book/issues/new?')
    assert query_of(address) == {
        'template': report_link.FORM,
        'title': '1.2 Layers의 문제 (JAX)',
        'labels': 'edition: ko,framework: jax',
        'page': 'https://owner.github.io/tiny-book/ko/html/part/a.html?framework=jax#sec-x',
        'section': '1.2 Layers',
        'edition': 'ko',
        'framework': 'jax',
        'versions': 'From JAX 0.5',
    }


def test_a_page_without_outputs_sends_no_versions_field(book):
    edition = book().english
    address = report_link.report_address(edition, 'pytorch', 'https://site/', 'Index', None)
    assert 'versions' not in query_of(address)


@pytest.mark.parametrize('lang', LANGUAGES)
def test_every_language_names_the_link_and_titles_the_issue(lang):
    text, label, title = LANGUAGES[lang].report_words
    # Screen-reader users speak the visible text: the name holds it.
    assert text in label and '{framework}' in label, lang
    assert '{section}' in title and '{framework}' in title, lang


# A page's title as Sphinx and d2lbook write it: the section, a label's
# target, the number, the words, the permalink and the "Colab" buttons.
PAGE = (
    '<div class="page-content"><section id="custom-layers">\n'
    '<span id="sec-custom-layer"></span><h1><span class="section-number">1.1. </span>'
    'Custom <em>Layers</em><a class="headerlink" href="#custom-layers">¶</a>'
    '<div class="d2l-tabs"><a href="colab">Colab [jax]</a></div></h1>\n'
    '<p>Text.</p></section></div>'
)


def test_a_page_gets_one_link_after_its_title_for_its_first_framework(book):
    edition = book().edition('pt')
    done = postprocess.with_report_link(edition, PAGE, 'part/a')
    assert postprocess.with_report_link(edition, done, 'part/a') == done, 'a second run changed it'
    links = re.findall(r'</h1>(<a class="report-problem" [^>]*>([^<]*)</a>)', done)
    assert len(links) == 1 and done.count('report-problem') == 1, done
    tag, text = links[0]
    assert text == 'Relatar um problema'
    address = re.search(r'href="([^"]*)"', tag)[1].replace('&amp;', '&')
    query = query_of(address)
    assert query['section'] == '1.1 Custom Layers'
    assert query['framework'] == 'pytorch' and query['edition'] == 'pt'
    assert query['page'].endswith('/pt/html/part/a.html?framework=pytorch#custom-layers')
    assert 'aria-label="Relatar um problema nesta seção (PyTorch) no GitHub"' in tag


def test_a_page_without_a_title_gets_no_link(book):
    assert postprocess.with_report_link(book().english, '<p>No title</p>', 'part/a') is None


def test_the_notebooks_header_ends_with_the_link(book):
    from bookbuild.forms import notebook_text

    project = book({'index.md': '# Tiny Book\n'})
    header = notebook_text.Book(project.english).header(
        'index', 'JAX', [], 'https://site/', report='https://github.com/o/r/issues/new?x=1'
    )
    assert header.split('\n')[-1] == '[Report a problem](https://github.com/o/r/issues/new?x=1)'


def test_the_workflow_labels_from_the_forms_edition_and_framework_fields():
    """It finds the fields by their labels, as GitHub writes them into the
    issue (### <label>), and runs on the issues that carry the form's label."""
    text = WORKFLOW.read_text(encoding='utf-8')
    labels = {field['attributes']['label'] for field in field_ids().values()}
    read = re.findall(r'\$\(field (\w+)\)', text)
    assert read and set(read) <= labels, f'the workflow reads {read}; the form has {labels}'
    assert {field_ids()[name]['attributes']['label'] for name in ('edition', 'framework')} == set(
        read
    )
    workflow = yaml.safe_load(text)
    (job,) = workflow['jobs'].values()
    assert job['if'] == f"contains(github.event.issue.labels.*.name, '{form()['labels'][0]}')"
    assert job['permissions'] == {'issues': 'write'} and workflow['permissions'] == {}


def test_every_label_is_the_forms_and_one_per_edition_and_framework(book):
    project = book()
    found = report_link.every_label(project)
    assert found[0] in form()['labels'], found
    assert found[1:] == [
        f'edition: {lang}' for lang in ('en', *(e.code for e in project.translations()))
    ] + [f'framework: {tab}' for tab in project.tabs]
    assert len(set(found)) == len(found), found
