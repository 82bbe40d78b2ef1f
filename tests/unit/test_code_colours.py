"""static/code.css is what bookbuild/render/code_colours.py writes, and every
colour it writes reaches 4.5:1 against its scheme's code background."""

import re

from bookbuild.render import code_colours


def test_the_stylesheet_is_the_generators_output():
    assert code_colours.CSS_FILE.read_text(encoding='utf-8') == code_colours.stylesheet(), (
        'static/code.css is out of date: run .venv/book/bin/python -m bookbuild.render.code_colours'
    )


def test_every_colour_reaches_4_5_to_1_against_its_background():
    light, dark = code_colours.stylesheet().split('@media (prefers-color-scheme: dark)')
    for part, scheme in ((light, 'light'), (dark, 'dark')):
        background = code_colours.SCHEMES[scheme][1]
        colours = re.findall(r'[^-]color: (#[0-9a-f]{6})', part)
        assert len(colours) > 40, scheme
        worst = min(code_colours.contrast(colour, background) for colour in colours)
        assert worst >= 4.5, (scheme, worst)


def test_a_colour_too_faint_is_made_readable_keeping_its_hue():
    faint = '#40a070'  # Pygments' default number colour: 2.9:1 on the light background
    assert code_colours.contrast(faint, '#f3f4f6') < 4.5
    fixed = code_colours.readable(faint, '#f3f4f6')
    assert code_colours.contrast(fixed, '#f3f4f6') >= 4.5
    assert int(fixed[3:5], 16) > int(fixed[1:3], 16)  # still green
