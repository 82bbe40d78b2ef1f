"""The "Report a problem" link: the address of a new issue in config.ini's
publish_repo, through the issue form .github/ISSUE_TEMPLATE/report-a-problem.yml,
filled with where the reader was: the page's address (with ?framework= and
the section's #id), the section's number and title, the edition, the
framework and the outputs line (evaluate/versions.py).

GitHub fills a form's fields from the query by their ids and ignores any
other parameter but template, title and labels (tests/unit/test_report_link.py
reads the ids from the form). The labels name the edition and the framework;
GitHub applies them only for readers who may label issues, so the form adds
a fixed label and .github/workflows/report-labels.yml adds the others from
the fields.

The pages (render/postprocess.py writes the link, static/page/report.js
keeps it on the reader's framework and section), the notebooks' header
(forms/notebooks/cells.py) and the PDFs (render/sphinx_extension.py) all
ask here. Standard library only.
"""

import html
from urllib.parse import quote, urlencode

from ..frameworks import framework

# The form's file name in .github/ISSUE_TEMPLATE/, the `template` parameter.
FORM = 'report-a-problem.yml'
# The form's field ids that the link fills, in the form's order.
FIELDS = ('page', 'section', 'edition', 'framework', 'versions')
# The parameters GitHub reads besides the form's fields.
GITHUB_PARAMETERS = ('template', 'title', 'labels')
LINK_CLASS = 'report-problem'


def section_text(number, title):
    """'1.1.3 Layers with Parameters', or the title alone when unnumbered."""
    return f'{number} {title}' if number else title


# The label the form itself gives every report (its `labels`).
FORM_LABEL = 'reader report'


def labels(edition, tab):
    """The labels that route a report: its edition's and its framework's."""
    return [f'edition: {edition.code}', f'framework: {tab}']


def every_label(project):
    """Every label a report can carry, to create once in the repository
    (`book report-labels`): the form's, each edition's and each framework's."""
    editions = [project.english, *project.translations()]
    return [
        FORM_LABEL,
        *(labels(edition, project.tabs[0])[0] for edition in editions),
        *(labels(project.english, tab)[1] for tab in project.tabs),
    ]


def report_address(edition, tab, page_address, section, outputs=None):
    """The address that opens the form, filled in; `section` as section_text
    gives it, `outputs` the outputs line (None where there are no outputs)."""
    repository = edition.project.publish_repo
    title = edition.language.report_words[2].format(section=section, framework=framework(tab).title)
    query = {
        'template': FORM,
        'title': title,
        'labels': ','.join(labels(edition, tab)),
        'page': page_address,
        'section': section,
        'edition': edition.code,
        'framework': tab,
        'versions': outputs,
    }
    query = {name: value for name, value in query.items() if value}
    return f'https://github.com/{repository}/issues/new?{urlencode(query, quote_via=quote)}'


def link_html(edition, tab, page, anchor, number, title, outputs):
    """The page's link, as HTML: its address opens the form on the page's
    first tab and its title's section, as a reader without JavaScript gets
    it; its data-* attributes hold the words static/page/report.js fills in
    as the reader changes framework and section."""
    text, label, issue_title = edition.language.report_words
    address = report_address(
        edition,
        tab,
        edition.published_page(page, tab, anchor),
        section_text(number, title),
        outputs,
    )
    name = label.format(framework=framework(tab).title)
    return (
        f'<a class="{LINK_CLASS}" href="{html.escape(address)}" aria-label="{html.escape(name)}"'
        f' data-label="{html.escape(label)}" data-title="{html.escape(issue_title)}">'
        f'{html.escape(text)}</a>'
    )
