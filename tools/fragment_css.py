#!/usr/bin/python3
"""Makes the stylesheet of paste-ready fragments (`shnor build --school SLUG
--fragment`) from the site's own assets/style.css, by one rule:

  * every selector is scoped to the fragment's wrapper S =
    `.shnor-fragment:not(#_#_)`: `:root`, `html` and `body` become S, `main`
    `S .shnor-fragment__main` (the fragment's <main>),
    `*` becomes `S, S *`, anything else `X` becomes `S X`; `:not(#_#_)`
    matches every element but one with the id `_` and gives each
    selector two ids' weight, the reset below included, so a CMS theme's
    rule of at most one id (`#content .entry table td`) loses to it;
  * rules that style only the site around the content (header, menu,
    breadcrumbs, footer, skip link, `.wrap`) are left out;
  * `rem` becomes `px` at 16 px a rem (what the district site gets from a
    browser's default size; a theme's `html { font-size: 62.5% }` would
    otherwise shrink every rem);
  * before them, a reset takes back what a theme sets (PREAMBLE); after
    them, the fragment's own line (APPENDIX).

The result is layouts/partials/fragment_style.mustache (the fragment layout
puts it in a <style>). Parsed with tinycss2 (Debian: python3-tinycss2).

  tools/fragment_css.py            write it
  tools/fragment_css.py --check    exit 1 if it is not what style.css makes
"""
import pathlib
import re
import sys

import tinycss2
from tinycss2.ast import DimensionToken

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / 'assets' / 'style.css'
TARGET = ROOT / 'layouts' / 'partials' / 'fragment_style.mustache'
SCOPE = '.shnor-fragment:not(#_#_)'
# What the site's <main> holds is in this element of the fragment.
MAIN = '.shnor-fragment__main'
PX_PER_REM = 16
# Selectors of the site around the content, which a fragment does not have.
CHROME = re.compile(r'^(\.site-header|\.site-nav|\.site-footer|\.site-menu|\.breadcrumbs|\.skip-link|\.wrap\b|main:focus)')

# All of a theme's styles on the fragment's elements and their ::before and
# ::after (a theme's `li::before { content: "»" }`) are taken back to the
# browser's defaults (`all: revert`), except inside inline SVG, whose
# presentation attributes `all` would also override; the rules made from
# style.css then apply as on the district site. The wrapper's inherited
# properties are set, since it would otherwise inherit the theme's.
PREAMBLE = f'''/* Made by tools/fragment_css.py from assets/style.css: do not edit by hand. */
{SCOPE}, {SCOPE} :where(:not(svg, svg *)), {SCOPE}::before, {SCOPE}::after, {SCOPE} :where(:not(svg, svg *))::before, {SCOPE} :where(:not(svg, svg *))::after {{ all: revert; }}
{SCOPE} {{ display: flow-root; margin: 0; padding: 0; border: 0; font-style: normal; font-variant: normal; font-weight: 400; font-stretch: normal; letter-spacing: normal; word-spacing: normal; text-align: start; text-indent: 0; text-transform: none; text-shadow: none; white-space: normal; word-break: normal; overflow-wrap: normal; hyphens: manual; list-style: disc outside; border-collapse: separate; border-spacing: 0; caption-side: top; visibility: visible; cursor: auto; }}
'''


# The fragment's own line (its date and the page on the district site), after the rest.
APPENDIX = f'''{SCOPE} .shnor-fragment__source {{ margin: 24px 0 0; padding-top: 8px; border-top: 1px solid var(--border); font-size: 16px; color: var(--muted); overflow-wrap: anywhere; }}
'''


def scoped(selector):
    selector = selector.strip()
    if selector in (':root', 'html', 'body'):
        return [SCOPE]
    if selector.startswith('main'):
        return [f'{SCOPE} {MAIN}{selector[len("main"):]}']
    if selector.startswith('*'):
        return [SCOPE + selector[1:], f'{SCOPE} {selector}']
    return [f'{SCOPE} {selector}']


def split_selectors(prelude):
    """The selector list of a rule, split at its top-level commas."""
    selectors, current = [], []
    for token in prelude:
        if token.type == 'literal' and token.value == ',':
            selectors.append(tinycss2.serialize(current))
            current = []
        else:
            current.append(token)
    selectors.append(tinycss2.serialize(current))
    return [' '.join(s.split()) for s in selectors]


def px_for_rem(tokens):
    out = []
    for token in tokens:
        if token.type == 'dimension' and token.unit.lower() == 'rem':
            value = round(token.value * PX_PER_REM, 4)
            text = ('%g' % value)
            out.append(DimensionToken(token.source_line, token.source_column, value,
                                      int(value) if value == int(value) else None, text, 'px'))
        elif hasattr(token, 'arguments'):  # a function: max(1px, 0.0625rem)
            token.arguments = px_for_rem(token.arguments)
            out.append(token)
        elif hasattr(token, 'content') and token.content is not None and token.type.endswith('block'):
            token.content = px_for_rem(token.content)
            out.append(token)
        else:
            out.append(token)
    return out


def declarations(content):
    return ' '.join(tinycss2.serialize(px_for_rem(content)).split())


def rules(nodes, indent=''):
    lines = []
    for node in nodes:
        if node.type == 'qualified-rule':
            kept = [s for s in split_selectors(node.prelude) if not CHROME.match(s)]
            if not kept:
                continue
            selector = ', '.join(part for s in kept for part in scoped(s))
            lines.append(f'{indent}{selector} {{ {declarations(node.content)} }}')
        elif node.type == 'at-rule':
            inner = rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True),
                          indent + '  ')
            if inner:
                prelude = ' '.join(tinycss2.serialize(node.prelude).split())
                lines.append(f'{indent}@{node.at_keyword} {prelude} {{')
                lines.extend(inner)
                lines.append(f'{indent}}}')
        elif node.type == 'error':
            raise SystemExit(f'{SOURCE}:{node.source_line}: {node.message}')
    return lines


def made():
    sheet = tinycss2.parse_stylesheet(SOURCE.read_text(encoding='utf-8'), skip_comments=True, skip_whitespace=True)
    text = PREAMBLE + '\n'.join(rules(sheet)) + '\n' + APPENDIX
    if '{{' in text:
        raise SystemExit('the stylesheet would hold "{{", which Mustache reads as a tag')
    return text


def main():
    text = made()
    if sys.argv[1:] == ['--check']:
        if TARGET.read_text(encoding='utf-8') != text:
            print(f'{TARGET.relative_to(ROOT)} is not what tools/fragment_css.py makes of assets/style.css: run it',
                  file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding='utf-8')
    return 0


if __name__ == '__main__':
    sys.exit(main())
