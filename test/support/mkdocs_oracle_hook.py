"""MkDocs hook for the docs oracle test: writes what MkDocs built, from its own objects.

The nav (sections, pages by URL, links), each page's title, table of contents, edit link and
rendered body (page.content, before any theme), to the JSON file named by GREENROOM_ORACLE_OUT.
"""
import json
import os

_nav = None
_pages = {}


def _item(item):
    if item.is_section:
        section = {"title": item.title, "children": [_item(c) for c in item.children]}
        # section-index makes a section that is also a page: it has the page's URL.
        if getattr(item, "url", None) is not None:
            section["url"] = item.url
        return section
    if item.is_page:
        return {"title": item.title, "url": item.url, "src": item.file.src_path}
    return {"title": item.title, "link": item.url}


def _toc(items, out):
    for item in items:
        out.append({"id": item.id, "title": item.title, "level": item.level})
        _toc(item.children, out)
    return out


def on_nav(nav, config, files):
    global _nav
    _nav = nav
    return nav


def on_page_content(html, page, config, files):
    _pages[page.file.src_path] = {
        "title": page.title,
        "url": page.url,
        "toc": _toc(page.toc.items, []),
        "edit_url": page.edit_url,
        "html": html,
    }
    return html


def on_post_build(config):
    with open(os.environ["GREENROOM_ORACLE_OUT"], "w", encoding="utf-8") as out:
        json.dump({"nav": [_item(i) for i in _nav.items], "pages": _pages}, out, indent=1)
