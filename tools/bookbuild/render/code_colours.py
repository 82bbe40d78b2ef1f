"""The colours of highlighted code, light and dark, each at a contrast of at
least 4.5:1 with its background (WCAG AA, which the browser tests check with
axe-core): static/code.css.

Pygments' `default` style (what Sphinx uses) and its `github-dark` style,
with every colour that falls short of 4.5:1 made darker (light scheme) or
lighter (dark scheme) until it reaches it, and the theme's code background
replaced by ours. Write the file again after changing the styles:

    .venv/book/bin/python -m bookbuild.render.code_colours
"""

import colorsys
import sys
from pathlib import Path

from pygments.formatters import HtmlFormatter
from pygments.styles import get_style_by_name

from ..project import REPOSITORY

CSS_FILE = REPOSITORY / 'static' / 'code.css'
SCHEMES = {
    # scheme: (Pygments style, code background, text colour)
    'light': ('default', '#f3f4f6', '#1f2328'),
    'dark': ('github-dark', '#161b22', '#e6edf3'),
}
MINIMUM_CONTRAST = 4.6  # 4.5, and a margin for rounding


def luminance(colour):
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first, second):
    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(colour, background):
    """colour, made darker or lighter (keeping its hue) until it reaches the
    minimum contrast with background."""
    darker = luminance(background) > 0.5
    hue, lightness, saturation = colorsys.rgb_to_hls(
        *(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    )
    while contrast(colour, background) < MINIMUM_CONTRAST:
        lightness = max(0.0, lightness - 0.01) if darker else min(1.0, lightness + 0.01)
        red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
        colour = '#{:02x}{:02x}{:02x}'.format(*(round(c * 255) for c in (red, green, blue)))
    return colour


def token_rules(style_name, background, text):
    """One CSS rule per token class: the style's colour (made readable) and
    its weight and slant; tokens without a colour take the text colour."""
    style = get_style_by_name(style_name)
    formatter = HtmlFormatter(style=style_name)
    rules = []
    for token, css_class in sorted(formatter.ttype2class.items(), key=lambda item: item[1]):
        if not css_class:
            continue
        definition = style.style_for_token(token)
        colour = readable(f'#{definition["color"]}', background) if definition['color'] else text
        declarations = [f'color: {colour}']
        declarations.append(f'font-weight: {"bold" if definition["bold"] else "normal"}')
        declarations.append(f'font-style: {"italic" if definition["italic"] else "normal"}')
        # The theme colours some tokens through `.page-content .highlight pre`.
        selectors = f'.highlight .{css_class}, .page-content .highlight pre .{css_class}'
        rules.append(f'{selectors} {{ {"; ".join(declarations)} }}')
    return rules


def stylesheet():
    parts = [
        '/* Written by bookbuild/render/code_colours.py; do not edit by hand. Highlighted\n'
        '   code in both colour schemes, every colour at a contrast of at least 4.5:1. */'
    ]
    for scheme, (style_name, background, text) in SCHEMES.items():
        rules = [
            f'.page-content .highlight pre, .highlight {{ background: {background}; color: {text} }}',
            *token_rules(style_name, background, text),
        ]
        if scheme == 'dark':
            rules = ['  ' + rule for rule in rules]
            parts.append('@media (prefers-color-scheme: dark) {\n' + '\n'.join(rules) + '\n}')
        else:
            parts.append('\n'.join(rules))
    return '\n\n'.join(parts) + '\n'


def main():
    Path(CSS_FILE).write_text(stylesheet(), encoding='utf-8')
    print(f'wrote {CSS_FILE.relative_to(REPOSITORY)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
