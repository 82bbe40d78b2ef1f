"""What the rendered pages need after d2lbook has written them.

- The note beside the MXNet "Colab" button: which Python its notebook needs.
  d2lbook adds the "Colab" buttons to the HTML files after Sphinx has
  written them (to every page that has none yet), so the note goes into the
  files too, right after that button's tooltip, once per page. It says in
  short what the MXNet notebooks' first cell says when it stops on Python
  3.12 or later (forms/notebooks.py), in the language of the edition.
- In the Korean and Portuguese editions, the labels that d2lbook's theme and
  buttons write in English (the table of contents, previous and next, the
  search field, the Colab tooltip, Sphinx's permalink title where its
  catalogue has none) in the edition's language.
- The theme's "previous" and "next" links lose their misspelt ARIA role.
- In an edition, the "Colab" buttons open the edition's own notebooks, which
  sit under <lang>/ in each framework's Colab repository (forms/notebooks.py).
- Beside each framework's "Colab" button, in the same box (so that they
  follow the selected framework as it does): links that open the notebook
  on SageMaker Studio Lab and on Kaggle, and one that downloads it from the
  site itself (forms/notebooks.py writes it there); under them, the line
  that says which versions made the outputs, and when (evaluate/versions.py).

Standard library only: render/html.py, editions.py and watch.py call
`finish_site` after rendering; running it twice changes nothing.
"""

import html
import os
import re
from pathlib import Path, PurePosixPath

from ..evaluate.versions import outputs_line
from ..project import FRAMEWORK_TITLES, PUBLISHED_BRANCH

# d2lbook's tooltip of the MXNet button (d2lbook/colab.py, _get_colab_html).
MXNET_TOOLTIP = re.compile(r'<div class="mdl-tooltip" data-mdl-for="Colab_\[mxnet\]">[^<]*</div>')
NOTE_CLASS = 'colab-note'
NOTES = {
    'en': (
        'The MXNet notebook needs Python 3.11: MXNet 1.9 needs NumPy older than '
        '1.24, which has no wheels for Python 3.12 or later. In Colab, choose '
        'Runtime > "Change runtime version" and a runtime with Python 3.11, such '
        'as 2025.07, before running it.'
    ),
    'ko': (
        'MXNet 노트북은 Python 3.11이 필요합니다. MXNet 1.9는 1.24보다 오래된 NumPy가 '
        '필요한데, 이 NumPy는 Python 3.12 이상용 휠이 없습니다. Colab에서는 실행하기 전에 '
        '런타임 > "런타임 버전 변경"에서 2025.07처럼 Python 3.11인 런타임을 고르세요.'
    ),
    'pt': (
        'O notebook de MXNet precisa de Python 3.11: o MXNet 1.9 exige uma NumPy '
        'anterior à 1.24, que não tem wheels para Python 3.12 ou posterior. No Colab, '
        'escolha Ambiente de execução > "Alterar versão do ambiente de execução" e um '
        'ambiente com Python 3.11, como o 2025.07, antes de executá-lo.'
    ),
}


def with_note(page, lang):
    """The page's HTML with the note after the MXNet button's tooltip (once)."""
    if f'class="{NOTE_CLASS}"' in page:
        return page
    note = f'<p class="{NOTE_CLASS}" role="note">{html.escape(NOTES[lang])}</p>'
    return MXNET_TOOLTIP.sub(lambda match: match.group(0) + note, page, count=1)


# English labels of d2lbook's theme and buttons, as they stand in the HTML,
# and what each edition shows instead.
LABELS = {
    'ko': {
        '<span class="mdl-layout-title toc">Table Of Contents</span>': '<span class="mdl-layout-title toc">목차</span>',
        '<span class="caption-text">Table Of Contents</span>': '<span class="caption-text">목차</span>',
        '<span class="pagenation-direction">Previous</span>': '<span class="pagenation-direction">이전</span>',
        '<span class="pagenation-direction">Next</span>': '<span class="pagenation-direction">다음</span>',
        'placeholder="Search"': 'placeholder="검색"',
        '> Open the notebook in Colab</div>': '> Colab에서 노트북 열기</div>',
        'title="Permalink to this heading"': 'title="이 제목에 대한 퍼머링크"',
    },
    'pt': {
        '<span class="mdl-layout-title toc">Table Of Contents</span>': '<span class="mdl-layout-title toc">Sumário</span>',
        '<span class="caption-text">Table Of Contents</span>': '<span class="caption-text">Sumário</span>',
        '<span class="pagenation-direction">Previous</span>': '<span class="pagenation-direction">Anterior</span>',
        '<span class="pagenation-direction">Next</span>': '<span class="pagenation-direction">Próximo</span>',
        'placeholder="Search"': 'placeholder="Pesquisar"',
        '> Open the notebook in Colab</div>': '> Abrir o notebook no Colab</div>',
        'title="Permalink to this heading"': 'title="Link permanente para este título"',
    },
}


def in_language(page, lang):
    for english, translated in LABELS.get(lang, {}).items():
        page = page.replace(english, translated)
    return page


# d2lbook's theme gives its "previous" and "next" links role="botton", which
# is no ARIA role (screen readers and axe-core reject it); as links they
# need no role at all.
MISSPELT_ROLE = ' role="botton"'


def colab_in_language(page, lang):
    """An edition's "Colab" buttons, pointed at its <lang>/ notebooks (once)."""
    if lang == 'en':
        return page
    return re.sub(
        rf'(https://colab\.research\.google\.com/github/[^/"\']+/[^/"\']+/blob/'
        rf'{re.escape(PUBLISHED_BRANCH)}/)(?!{lang}/)',
        rf'\g<1>{lang}/',
        page,
    )


# The launch and download links, in each edition's language: the link's
# text, and its accessible name, which says the framework and holds the
# text as whole words (screen-reader users speak the visible text; axe-core
# checks it).
LAUNCH_WORDS = {
    'en': {
        'studiolab': ('Studio Lab', 'Open the {framework} notebook in SageMaker Studio Lab'),
        'kaggle': ('Kaggle', 'Open the {framework} notebook in Kaggle'),
        'download': ('Download', 'Download the {framework} notebook (.ipynb)'),
    },
    'ko': {
        'studiolab': ('Studio Lab', '{framework} 노트북 열기: SageMaker Studio Lab'),
        'kaggle': ('Kaggle', '{framework} 노트북 열기: Kaggle'),
        'download': ('내려받기', '{framework} 노트북(.ipynb) 내려받기'),
    },
    'pt': {
        'studiolab': ('Studio Lab', 'Abrir o notebook de {framework} no SageMaker Studio Lab'),
        'kaggle': ('Kaggle', 'Abrir o notebook de {framework} no Kaggle'),
        'download': ('Baixar', 'Baixar o notebook de {framework} (.ipynb)'),
    },
}
LAUNCH_CLASS = 'notebook-launch'
OUTPUTS_CLASS = 'outputs-from'
# One framework's box of d2lbook's buttons, up to the end of its tooltip and
# of the MXNet note, if any: the links go after it.
BUTTON_BOX = re.compile(
    r'<div class="d2l-tabs__tab"><a href="[^"]*"[^>]*>.*?</a>'
    r'<div class="mdl-tooltip" data-mdl-for="Colab_\[(\w+)\]">[^<]*</div>'
    rf'(?:<p class="{NOTE_CLASS}"[^>]*>[^<]*</p>)?',
    re.S,
)


def launch_links(project, page, tab, lang):
    """The Studio Lab, Kaggle and download links of one framework, and the
    line on the versions that made its outputs, as HTML."""
    words = LAUNCH_WORDS[lang]
    framework = FRAMEWORK_TITLES[tab]
    download = os.path.relpath(
        project.site_notebook(tab, page, lang), (project.html_dir_of(lang) / page).parent
    )
    links = [
        ('studiolab', project.launch_address('studiolab', tab, page, lang), ''),
        ('kaggle', project.launch_address('kaggle', tab, page, lang), ''),
        (
            'download',
            PurePosixPath(*Path(download).parts).as_posix(),
            f' download="{PurePosixPath(page).name}-{tab}.ipynb"',
        ),
    ]
    anchors = ''.join(
        f'<a class="{LAUNCH_CLASS}__{kind}" href="{html.escape(address)}"{extra}'
        f' aria-label="{html.escape(words[kind][1].format(framework=framework))}">'
        f'{html.escape(words[kind][0])}</a>'
        for kind, address, extra in links
    )
    block = f'<span class="{LAUNCH_CLASS}" data-framework="{tab}">{anchors}</span>'
    line = outputs_line(project, page, tab, lang)
    if line:
        block += f'<span class="{OUTPUTS_CLASS}" data-framework="{tab}">{html.escape(line)}</span>'
    return block


# What with_launch_links wrote before: Sphinx re-renders only the pages
# whose text changed, so a page may keep the links and line of an earlier
# build, whose versions and date may be out of date.
WRITTEN_LINKS = re.compile(
    rf'<span class="{LAUNCH_CLASS}" data-framework="\w+">.*?</span>'
    rf'(?:<span class="{OUTPUTS_CLASS}" data-framework="\w+">[^<]*</span>)?',
    re.S,
)


def with_launch_links(project, page_html, page, lang):
    """The page's HTML with each framework's links after its Colab button,
    written afresh from the current records."""
    page_html = WRITTEN_LINKS.sub('', page_html)

    def with_links(box):
        tab = box.group(1)
        if not project.has_notebook(tab, page):
            return box.group(0)
        return box.group(0) + launch_links(project, page, tab, lang)

    return BUTTON_BOX.sub(with_links, page_html)


def finish_site(project, lang='en'):
    """The note, the edition's labels and Colab links, the launch and
    download links, and valid roles on every page of a rendered site."""
    html_dir = project.html_dir_of(lang)
    pages = set(project.notebook_sources())
    for path in sorted(Path(html_dir).rglob('*.html')):
        page = path.read_text(encoding='utf-8')
        finished = colab_in_language(in_language(page, lang), lang).replace(MISSPELT_ROLE, '')
        if 'Colab_[mxnet]' in page:
            finished = with_note(finished, lang)
            if f'class="{NOTE_CLASS}"' not in finished:
                raise RuntimeError(
                    f'{path}: d2lbook\'s MXNet "Colab" button has no tooltip any '
                    'more, so the note on its Python version has nowhere to go'
                )
        name = path.relative_to(html_dir).with_suffix('').as_posix()
        if 'id="Colab_[' in page and (project.root / f'{name}.md') in pages:
            finished = with_launch_links(project, finished, name, lang)
            if f'class="{LAUNCH_CLASS}"' not in finished:
                raise RuntimeError(
                    f'{path}: d2lbook\'s "Colab" buttons changed shape, so the Studio Lab, '
                    'Kaggle and download links have nowhere to go (render/finish.py, BUTTON_BOX)'
                )
        if finished != page:
            path.write_text(finished, encoding='utf-8')
