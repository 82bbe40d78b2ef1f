"""The EPUBs' equations: each one an SVG image that MathJax draws at build
time, shown by an <img> whose alternative text is the equation's TeX.

E-readers run no MathJax, and Kindle and Kobo do not show MathML, so the
book carries pictures of its equations. MathJax 3 (from .venv/npm, the
version the site serves) draws all the equations of one build in a single
`node` run. Each SVG keeps its glyphs' paths inside itself (fontCache
'local'), so that every file stands alone; its size, in ex of the
surrounding text, goes onto the <img>, so that each equation has a visible
size and sits on the line as MathJax placed it.
"""

import hashlib
import html
import json
import os
import re
import subprocess

from ..report import BuildError

MATH_FOLDER = '_math'  # in the EPUB, beside the pages

# One node run: the equations, [tex, display] pairs as JSON on stdin, and
# their SVGs, a JSON list in the same order, on stdout. Undefined macros
# stop the run (noundefined would draw them in red and carry on), and
# every TeX error names its equation.
RENDER_SCRIPT = r"""
const fs = require('fs');
require('mathjax').init({
  loader: {load: ['input/tex', 'output/svg']},
  tex: {
    packages: {'[-]': ['noundefined']},
    formatError: (parser, error) => { throw error; },
  },
  svg: {fontCache: 'local'},
}).then((MathJax) => {
  const items = JSON.parse(fs.readFileSync(0, 'utf8'));
  const adaptor = MathJax.startup.adaptor;
  const drawn = items.map(([tex, display]) => {
    try {
      return adaptor.innerHTML(MathJax.tex2svg(tex, {display: display}));
    } catch (error) {
      throw new Error(`${JSON.stringify(tex)}: ${error.message}`);
    }
  });
  process.stdout.write(JSON.stringify(drawn));
}).catch((error) => {
  process.stderr.write(String(error.message) + '\n');
  process.exit(1);
});
"""

SVG_OPENING = re.compile(r'<svg\b([^>]*)>')
# MathJax's attributes for a live page (its own data and inline style),
# which a picture in a file does not need.
PAGE_ONLY = re.compile(r'\s(?:data-[\w-]+|role|focusable|style)="[^"]*"')


class Equation:
    """One drawn equation: its file's name, bytes and size (in ex)."""

    def __init__(self, tex, display, svg):
        self.tex = tex
        self.display = display
        opening = SVG_OPENING.search(svg)
        if not opening:
            raise BuildError(f'MathJax drew no <svg> for {tex!r}')
        attributes = opening.group(1)
        self.width = self._attribute(attributes, 'width')
        self.height = self._attribute(attributes, 'height')
        valign = re.search(r'vertical-align:\s*([-\d.]+ex)', attributes)
        self.vertical_align = valign.group(1) if valign else '0ex'
        # A standalone file: the XML declaration, and none of MathJax's
        # data attributes.
        self.data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + PAGE_ONLY.sub('', svg)).encode()
        self.name = f'{hashlib.sha256(f"{display}:{tex}".encode()).hexdigest()[:16]}.svg'

    def _attribute(self, attributes, name):
        found = re.search(rf'\s{name}="([\d.]+ex)"', attributes)
        if not found or float(found.group(1)[:-2]) <= 0:
            raise BuildError(f'MathJax gave the equation {self.tex!r} no {name}')
        return found.group(1)

    def img(self, up=''):
        """The <img> that shows it; `up` leads from the page to the EPUB's root."""
        style = f'width:{self.width};height:{self.height};vertical-align:{self.vertical_align}'
        return (
            f'<img class="math{" math-display" if self.display else ""}" '
            f'src="{up}{MATH_FOLDER}/{self.name}" alt="{html.escape(self.tex.strip())}" '
            f'style="{style}"/>'
        )


def render(project, equations, where):
    """Draw equations ([(tex, display), ...], without repeats) in one node
    run; returns {(tex, display): Equation}. `where` names the build in
    errors."""
    equations = list(dict.fromkeys(equations))
    if not equations:
        return {}
    modules = project.npm_dir / 'node_modules'
    if not (modules / 'mathjax').is_dir():
        raise BuildError(f'{where}: MathJax is missing from {modules}; run `make setup`')
    result = subprocess.run(
        ['node', '-e', RENDER_SCRIPT],
        input=json.dumps(equations),
        capture_output=True,
        text=True,
        env=dict(os.environ, NODE_PATH=str(modules)),
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(
            f'{where}: MathJax could not draw an equation: {result.stderr.strip()[-2000:]}'
        )
    drawn = json.loads(result.stdout)
    return {
        (tex, display): Equation(tex, display, svg)
        for (tex, display), svg in zip(equations, drawn, strict=True)
    }


def display_tex(node):
    """The TeX of a displayed equation as Sphinx's MathJax output has it:
    several paragraphs become aligned lines."""
    latex = node.astext()
    if node.get('nowrap'):
        return latex
    parts = [part for part in latex.split('\n\n') if part.strip()]
    if len(parts) == 1:
        return parts[0]
    return r'\begin{aligned}' + r'\\'.join(parts) + r'\end{aligned}'
