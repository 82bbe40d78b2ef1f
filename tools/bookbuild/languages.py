"""The editions' languages: one entry each, holding every label and sentence
the build writes in that language.

The book's own text is the translators' (`<lang>/`, beside the English
sources). What the build adds around it is here: the notebooks' header,
section names and references (forms/notebook_text.py), the zips' READMEs
(forms/notebooks/zips.py), the line on the versions that made the outputs
(evaluate/versions.py), the words of the page's buttons and notes and of
d2lbook's theme (render/postprocess.py), and what Sphinx needs told about
the language (editions/staging.py). English is an entry like the others.

Adding an edition is one entry here, and its translation in `<lang>/`.
Every template is filled with str.format; the names in braces are what the
build puts in.

Standard library only: render/postprocess.py and evaluate/versions.py read it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str  # the edition's folder <lang>/, URL prefix and language tag
    name: str  # the language's own name, on the links between editions

    # ---- the notebooks (forms/notebook_text.py, forms/notebooks/) ----
    # A numbered section, as the edition's page names it (Sphinx's
    # catalogue, or numfig_format below): {number}.
    section: str
    references: str  # the heading of a notebook's References cell
    # The header's first line: {book} (its title) and {framework}.
    notebook: str
    # The header's links: {links} (the other frameworks' notebooks), and the
    # page on the web, {title} and {page} (its address).
    others: str
    # The README of a zip of notebooks: {framework}, {title} (the book's),
    # {commands} (the shell lines that install and start Jupyter), {notebook}
    # (the first notebook to open) and {note} (the framework's notes below,
    # or nothing).
    zip_readme: str
    # The notes of a zip's README, each filled with the framework's facts
    # (frameworks.py, Framework.facts): for a framework with a Python bound
    # (its cap), and for one with a CPU-only index.
    zip_python_note: str
    zip_cpu_note: str

    # ---- the pages (render/postprocess.py) and both ----
    # Which versions made a notebook's outputs: {framework}, {version},
    # {python}, {date}.
    outputs_line: str
    # Beside the "Colab" button of a framework with a Python bound (its
    # cap): which Python its notebook needs, and why; filled with the
    # framework's facts. Colab's runtime 2025.07 has Python 3.11, older than
    # any framework's bound (forms/notebooks/install.py says the same).
    python_note: str
    # The first words of a framework's PDF (render/sphinx_extension.py):
    # which framework it holds, {framework}; the outputs line follows.
    pdf_opening: str
    # The links beside each framework's "Colab" button (and its PDF and
    # EPUB), by kind: (the visible text, the accessible name). The name says the framework,
    # {framework}, and holds the text as whole words (screen-reader users
    # speak the visible text; axe-core checks it).
    launch_words: dict
    # The "Report a problem" link (render/report_link.py): its text, its
    # accessible name ({framework}; it holds the text), the title
    # ({section}: number and title, and {framework}).
    report_words: tuple
    # The words of the page's framework controls (static/page/,
    # which the build hands this table): bar (the name of the bar that holds
    # them), tabs, link, linkLabel ({framework}), copied ({url}), sideBySide,
    # columns and groupLink ({framework}: the small link beside each code
    # group).
    page_controls: dict = field(default_factory=dict)
    # d2lbook's theme and buttons write these in English; the edition's
    # words for them (English has none to replace).
    theme_labels: dict = field(default_factory=dict)
    # A translation's notes (editions/markers.py), on the page and in the
    # notebooks: before a paragraph whose English changed since it was
    # translated; before an English paragraph that has no translation yet,
    # shown in English; and the link to that paragraph of the English page.
    stale_note: str = ''
    missing_note: str = ''
    english_link: str = ''

    # ---- Sphinx (editions/staging.py) ----
    # How :numref: names a section, figure, table or listing, where Sphinx's
    # own catalogue for the language has no words for it.
    numfig_format: dict | None = None
    # LaTeX added to the English book's (forms/pdf.py) for the edition's PDF.
    latex_preamble: str = ''
    # The Debian packages the edition's PDF needs besides the English
    # book's, as targets of environments.APT_PACKAGES (fonts, xeCJK).
    pdf_packages: tuple = ()
    # Whether Sphinx's LaTeX builder knows a Babel name for the language.
    # When it does not, it warns and changes nothing (xeCJK, in the
    # preamble, does the typesetting), and the build drops that one warning,
    # since it treats warnings as errors.
    latex_babel: bool = True
    # Sphinx's name for the language, where it differs from the code: it
    # picks Sphinx's own labels (its catalogue has zh_CN, not zh) and its
    # search. The pages' lang attribute is it as a language tag, zh-CN.
    sphinx_language: str = ''
    # The letters of the language's own script, as a regular-expression
    # class: tests/unit/test_translation_glossary.py wants most of a
    # translated paragraph's letters to be these. Empty for Latin script.
    letters: str = ''


# What starts a translation's note (editions/markers.py), in every language:
# the page hides it from screen readers, which read the note's role instead.
NOTE_SIGN = '⚠'

# The shell lines of every zip's README, whatever its language.
ZIP_COMMANDS = """\
```bash
python3 -m venv .venv
. .venv/bin/activate
pip install -r requirements.txt jupyterlab
jupyter lab
```"""

LANGUAGES = {
    language.code: language
    for language in (
        Language(
            code='en',
            name='English',
            page_controls={
                'tabs': 'Framework',
                'link': 'Copy link',
                'linkLabel': 'Copy a link to this page with {framework} selected',
                'copied': 'Link copied: {url}',
                'sideBySide': 'Side by side',
                'columns': 'Frameworks shown side by side',
                'bar': 'Code settings',
                'groupLink': 'Link to this code in {framework}',
            },
            section='Section {number}',
            references='References',
            notebook='*{book}*, {framework} notebook.',
            others='This notebook in the other frameworks: {links}. '
            'The same page on the web: [{title}]({page}).',
            zip_readme="""\
# The {framework} notebooks of *{title}*

These notebooks were executed with the versions in `requirements.txt`, and
every output in them comes from that run. The random seeds are set at the top
of each notebook, so running it again with these versions gives the same
numbers.

To run them on your own machine, with Python 3.11 (the build's):

{commands}

Then open `{notebook}` and run all cells.
{note}""",
            zip_python_note='\n{framework} {release} needs {dependency} older than {below}, '
            'which has no wheels for Python {python_below} or later.\n',
            zip_cpu_note='\nOn Linux, PyPI\'s `{distribution}` is a build for NVIDIA GPUs of '
            'several GB; for the CPU-only build, add\n`--extra-index-url {index}` to the '
            '`pip install` line.\n',
            outputs_line='Outputs from {framework} {version} (CPU), Python {python}, {date}',
            pdf_opening='This PDF holds the book\'s {framework} code and outputs. Each of the '
            'other frameworks has a PDF of its own, and the web page shows them all.',
            python_note='The {framework} notebook needs a Python older than {python_below}: '
            '{framework} {release} needs {dependency} older than {below}, which has no wheels '
            'for Python {python_below} or later. In Colab, choose Runtime > "Change runtime '
            'version" and a runtime with Python 3.11, such as 2025.07, before running it.',
            launch_words={
                'studiolab': (
                    'Studio Lab',
                    'Open the {framework} notebook in SageMaker Studio Lab',
                ),
                'kaggle': ('Kaggle', 'Open the {framework} notebook in Kaggle'),
                'download': ('Download', 'Download the {framework} notebook (.ipynb)'),
                'pdf': ('PDF', 'Download the book as a PDF with {framework} code'),
                'epub': ('EPUB', 'Download the book as an EPUB with {framework} code'),
            },
            report_words=(
                'Report a problem',
                'Report a problem in this section ({framework}) on GitHub',
                'Problem in {section} ({framework})',
            ),
        ),
        Language(
            code='ko',
            name='한국어',
            page_controls={
                'tabs': '프레임워크',
                'link': '링크 복사',
                'linkLabel': '{framework}이(가) 선택된 이 페이지의 링크 복사',
                'copied': '링크를 복사했습니다: {url}',
                'sideBySide': '나란히 보기',
                'columns': '나란히 보여 줄 프레임워크',
                'bar': '코드 보기 설정',
                'groupLink': '{framework} 코드로 여기를 가리키는 링크',
            },
            section='제 {number} 절',
            references='참고 문헌',
            notebook='*{book}*, {framework} 노트북.',
            others='다른 프레임워크로 된 이 노트북: {links}. '
            '웹에서 보는 같은 페이지: [{title}]({page}).',
            zip_readme="""\
# *{title}*의 {framework} 노트북

이 노트북들은 `requirements.txt`에 적힌 버전으로 실행되었고, 노트북 안의 출력은
모두 그 실행에서 나온 것이다. 각 노트북의 첫머리에서 난수 시드를 고정하므로, 같은
버전으로 다시 실행하면 같은 숫자가 나온다.

자신의 컴퓨터에서 실행하려면 (빌드와 같은 Python 3.11로):

{commands}

그런 다음 `{notebook}`를 열고 모든 셀을 실행한다.
{note}""",
            # The notes put no particle right after a filled-in name or
            # number, whose last sound decides the particle's form.
            zip_python_note='\n{framework} {release} 버전에는 {below}보다 오래된 '
            '{dependency} 버전이 필요한데, 그런 {dependency}에는 Python {python_below} '
            '이상용 휠이 없다.\n',
            zip_cpu_note='\nLinux에서 PyPI의 `{distribution}` 패키지는 NVIDIA GPU용 빌드로, '
            '크기가 수 GB이다. CPU 전용 빌드를 받으려면\n`pip install` 줄에 '
            '`--extra-index-url {index}` 옵션을 덧붙인다.\n',
            outputs_line='{framework} {version} (CPU), Python {python}에서 {date}에 만든 출력',
            pdf_opening='이 PDF에는 이 책의 {framework} 코드와 출력이 담겨 있다. 다른 '
            '프레임워크는 저마다 자기 PDF가 있고, 웹 페이지에서는 모든 프레임워크를 볼 수 있다.',
            python_note='{framework} 노트북을 실행하려면 Python {python_below}보다 낮은 '
            '버전이 필요합니다. {framework} {release} 버전에는 {below}보다 오래된 '
            '{dependency} 버전이 필요한데, 그런 {dependency}에는 Python {python_below} '
            '이상용 휠이 없기 때문입니다. Colab에서는 실행하기 전에 런타임 > "런타임 버전 '
            '변경"에서 2025.07처럼 Python 3.11인 런타임을 고르세요.',
            launch_words={
                'studiolab': ('Studio Lab', '{framework} 노트북 열기: SageMaker Studio Lab'),
                'kaggle': ('Kaggle', '{framework} 노트북 열기: Kaggle'),
                'download': ('내려받기', '{framework} 노트북(.ipynb) 내려받기'),
                'pdf': ('PDF', '{framework} 코드가 담긴 이 책의 PDF 내려받기'),
                'epub': ('EPUB', '{framework} 코드가 담긴 이 책의 EPUB 내려받기'),
            },
            report_words=(
                '문제 신고',
                '문제 신고: 이 절({framework})의 문제를 GitHub에 알리기',
                '{section}의 문제 ({framework})',
            ),
            theme_labels={
                'Table Of Contents': '목차',
                'Previous': '이전',
                'Next': '다음',
                'Search': '검색',
                'Open the notebook in Colab': 'Colab에서 노트북 열기',
                'Permalink to this heading': '이 제목에 대한 퍼머링크',
            },
            stale_note='이 문단을 번역한 뒤에 영어 원문이 바뀌었습니다.',
            missing_note='아직 번역하지 않은 문단이라 영어 원문을 그대로 싣습니다.',
            english_link='영어 원문 보기',
            # CJKspace keeps the spaces between Korean words, which xeCJK
            # drops by default (Chinese and Japanese have none); no
            # CJKecglue, since a Korean particle follows a Latin word or code
            # with no space between them. The fonts are Debian's
            # (environments.APT_PACKAGES['pdf-cjk']).
            latex_preamble=r'\usepackage{xeCJK}\xeCJKsetup{CJKspace=true, CJKecglue={}}'
            r'\setCJKmainfont{Noto Serif CJK KR}\setCJKsansfont{Noto Sans CJK KR}'
            r'\setCJKmonofont{Noto Sans Mono CJK KR}',
            pdf_packages=('pdf-cjk',),
            latex_babel=False,
        ),
        Language(
            code='pt',
            name='Português',
            page_controls={
                'tabs': 'Framework',
                'link': 'Copiar link',
                'linkLabel': 'Copiar um link para esta página com {framework} selecionado',
                'copied': 'Link copiado: {url}',
                'sideBySide': 'Lado a lado',
                'columns': 'Frameworks mostrados lado a lado',
                'bar': 'Opções do código',
                'groupLink': 'Link para este código em {framework}',
            },
            section='Seção {number}',
            references='Referências',
            notebook='*{book}*, notebook de {framework}.',
            others='Este notebook nos outros frameworks: {links}. '
            'A mesma página na web: [{title}]({page}).',
            zip_readme="""\
# Os notebooks de {framework} de *{title}*

Estes notebooks foram executados com as versões de `requirements.txt`, e
todas as saídas neles vêm dessa execução. As sementes aleatórias são fixadas
no início de cada notebook; executá-lo de novo com essas versões dá os mesmos
números.

Para executá-los na sua máquina, com Python 3.11 (o da compilação):

{commands}

Depois abra `{notebook}` e execute todas as células.
{note}""",
            zip_python_note='\nO {framework} {release} precisa de um {dependency} anterior '
            'ao {below}, que não tem wheels para Python {python_below} ou posterior.\n',
            zip_cpu_note='\nNo Linux, o `{distribution}` do PyPI é uma versão para GPUs '
            'NVIDIA, de vários GB; para a versão só de CPU,\nacrescente `--extra-index-url '
            '{index}` à linha do `pip install`.\n',
            outputs_line='Saídas de {framework} {version} (CPU), Python {python}, {date}',
            pdf_opening='Este PDF traz o código e as saídas do livro em {framework}. Cada um '
            'dos outros frameworks tem o seu próprio PDF, e a página web mostra todos eles.',
            python_note='O notebook de {framework} precisa de um Python anterior ao '
            '{python_below}: o {framework} {release} exige um {dependency} anterior ao '
            '{below}, que não tem wheels para Python {python_below} ou posterior. No Colab, '
            'escolha Ambiente de execução > "Alterar versão do ambiente de execução" e um '
            'ambiente com Python 3.11, como o 2025.07, antes de executá-lo.',
            launch_words={
                'studiolab': (
                    'Studio Lab',
                    'Abrir o notebook de {framework} no SageMaker Studio Lab',
                ),
                'kaggle': ('Kaggle', 'Abrir o notebook de {framework} no Kaggle'),
                'download': ('Baixar', 'Baixar o notebook de {framework} (.ipynb)'),
                'pdf': ('PDF', 'Baixar o livro em PDF com o código de {framework}'),
                'epub': ('EPUB', 'Baixar o livro em EPUB com o código de {framework}'),
            },
            report_words=(
                'Relatar um problema',
                'Relatar um problema nesta seção ({framework}) no GitHub',
                'Problema em {section} ({framework})',
            ),
            theme_labels={
                'Table Of Contents': 'Sumário',
                'Previous': 'Anterior',
                'Next': 'Próximo',
                'Search': 'Pesquisar',
                'Open the notebook in Colab': 'Abrir o notebook no Colab',
                'Permalink to this heading': 'Link permanente para este título',
            },
            stale_note='O original em inglês deste parágrafo mudou depois da tradução.',
            missing_note='Parágrafo ainda não traduzido; segue o original em inglês.',
            english_link='Ver o original em inglês',
            # Sphinx's catalogue has no Portuguese words for these.
            numfig_format={
                'section': 'Seção %s',
                'figure': 'Figura %s',
                'table': 'Tabela %s',
                'code-block': 'Listagem %s',
            },
        ),
        Language(
            code='zh',
            name='中文',
            sphinx_language='zh_CN',
            letters='\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f',
            page_controls={
                'tabs': '框架',
                'link': '复制链接',
                'linkLabel': '复制选中 {framework} 时本页的链接',
                'copied': '链接已复制：{url}',
                'sideBySide': '并排显示',
                'columns': '并排显示的框架',
                'bar': '代码显示设置',
                'groupLink': '指向这段 {framework} 代码的链接',
            },
            section='第 {number} 节',
            references='参考文献',
            notebook='《{book}》的 {framework} 笔记本。',
            others='本笔记本的其他框架版本：{links}。本节的网页版：[{title}]({page})。',
            zip_readme="""\
# 《{title}》的 {framework} 笔记本

这些笔记本用 `requirements.txt` 中的版本运行过，其中的每个输出都来自那次运行。
每个笔记本开头都固定了随机种子，所以用这些版本重新运行，会得到相同的数字。

要在自己的电脑上运行（使用与构建相同的 Python 3.11）：

{commands}

然后打开 `{notebook}`，运行全部单元格。
{note}""",
            zip_python_note='\n{framework} {release} 需要低于 {below} 的 {dependency}，'
            '而这样的 {dependency} 没有适用于 Python {python_below} 及以上版本的 wheel。\n',
            zip_cpu_note='\n在 Linux 上，PyPI 的 `{distribution}` 是为 NVIDIA GPU 构建的版本，'
            '大小有数 GB；如果只要 CPU 版本，\n请在 `pip install` 那一行加上 '
            '`--extra-index-url {index}`。\n',
            outputs_line='输出来自 {framework} {version}（CPU）、Python {python}，{date}',
            pdf_opening='本 PDF 收录本书的 {framework} 代码及其输出。其他每个框架都有自己的 '
            'PDF，网页则同时展示所有框架。',
            python_note='{framework} 笔记本需要低于 {python_below} 的 Python：'
            '{framework} {release} 需要低于 {below} 的 {dependency}，而这样的 {dependency} '
            '没有适用于 Python {python_below} 及以上版本的 wheel。在 Colab 中，运行前请选择'
            '“代码执行程序”>“更改运行时版本”，并选一个 Python 3.11 的运行时，例如 2025.07。',
            launch_words={
                'studiolab': ('Studio Lab', '在 SageMaker Studio Lab 中打开 {framework} 笔记本'),
                'kaggle': ('Kaggle', '在 Kaggle 中打开 {framework} 笔记本'),
                'download': ('下载', '下载 {framework} 笔记本（.ipynb）'),
                'pdf': ('PDF', '下载本书含 {framework} 代码的 PDF 版'),
                'epub': ('EPUB', '下载本书含 {framework} 代码的 EPUB 版'),
            },
            report_words=(
                '报告问题',
                '报告问题：在 GitHub 上反馈本节（{framework}）的错误',
                '{section} 中的问题（{framework}）',
            ),
            theme_labels={
                'Table Of Contents': '目录',
                'Previous': '上一页',
                'Next': '下一页',
                'Search': '搜索',
                'Open the notebook in Colab': '在 Colab 中打开笔记本',
                'Permalink to this heading': '指向本标题的永久链接',
            },
            stale_note='翻译此段之后，英文原文有了改动。',
            missing_note='此段尚未翻译，下面照录英文原文。',
            english_link='查看英文原文',
            # Sphinx's catalogue says 节 1.1; Chinese books say 第 1.1 节.
            numfig_format={
                'section': '第 %s 节',
                'figure': '图 %s',
                'table': '表 %s',
                'code-block': '代码清单 %s',
            },
            # Chinese puts no spaces between words, which xeCJK's defaults
            # expect; it adds the space between a Chinese character and a
            # Latin word or code itself. The fonts are Debian's
            # (environments.APT_PACKAGES['pdf-cjk']).
            latex_preamble=r'\usepackage{xeCJK}'
            r'\setCJKmainfont{Noto Serif CJK SC}\setCJKsansfont{Noto Sans CJK SC}'
            r'\setCJKmonofont{Noto Sans Mono CJK SC}',
            pdf_packages=('pdf-cjk',),
            latex_babel=False,
        ),
    )
}

# The book's own language: its sources are at the project's root.
ENGLISH = 'en'
# The translated editions, each in its <lang>/ folder.
EDITIONS = tuple(code for code in LANGUAGES if code != ENGLISH)


def language(code):
    """The registry's entry of a language, or a KeyError that names the known ones."""
    try:
        return LANGUAGES[code]
    except KeyError:
        raise KeyError(
            f'no edition language is called {code!r}; tools/bookbuild/languages.py knows '
            f'{", ".join(LANGUAGES)}'
        ) from None
