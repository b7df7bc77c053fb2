"""The generated docs tree: every page and file the catalogue needs, as {path: content}.

Per-program files depend on that program alone, so `serve` re-renders only
the YAML that changed; the listings (home, tags, unions, archive) are cheap
and always re-rendered.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from programs import published as lottery_records
from programs.calendar import session_calendar
from programs.phones import tel_uri

from . import hooks, images, plaintext, policy, views
from .qr import qr_svg
from .reference import reference_page
from .richtext import description_html

SHARE_IMAGE = "assets/share.png"


@dataclass(frozen=True)
class Settings:
    site_url: str
    enrol_base: str
    today: date
    drafts: bool = False


def _environment():
    env = Environment(
        loader=PackageLoader("catalogue"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        finalize=plaintext.as_html,
    )
    env.filters["yaml_str"] = plaintext.front_matter
    env.filters["join"] = plaintext.join
    env.globals.update(
        {
            name: getattr(views, name)
            for name in (
                "age_label",
                "fee_label",
                "date_span",
                "days_label",
                "months",
                "month_label",
                "moment_label",
                "place_label",
                "path_slug",
            )
        }
    )
    return env


class Pages:
    def __init__(self, settings, lotteries=None):
        """`lotteries` is what programs.published.read_all returns: published draw records by program."""
        self.settings = settings
        self.lotteries = lotteries or {}
        self.env = _environment()
        self.cards = _Cards(self.env, self.ended)

    def shown(self, programs):
        wanted = {"published", "draft"} if self.settings.drafts else {"published"}
        return [p for p in programs if p.status in wanted or p.status == "archived"]

    def ended(self, program):
        return program.status == "archived" or views.has_ended(program, self.settings.today)

    def page_url(self, program):
        return f"{self.settings.site_url}classes/{program.id}/"

    def files_for(self, program):
        """All of one program's files, for the docs folder `serve` hands to MkDocs."""
        return {**self.page_files(program), **self.asset_files(program)} if self.shown([program]) else {}

    def page_files(self, program):
        """The program's Markdown page: the only file of its own that MkDocs has to process."""
        return {f"classes/{program.id}/index.md": self.render_with_html("program.md.j2", self._page_context(program))}

    def asset_files(self, program):
        """What the page links to and MkDocs would only copy: images, QR code, .ics, lottery
        downloads and the standalone A4 poster (plain Jinja2, no theme)."""
        folder = f"classes/{program.id}"
        context = self._context(program)
        files = {
            f"{folder}/{target}": images.reencoded(Path(program.source).parent / name) for target, name in context["image_sources"].items()
        }
        context["qr"] = files[f"{folder}/qr.svg"] = qr_svg(context["url"])
        for session in program.sessions:
            files[f"{folder}/{session.id}.ics"] = session_calendar(program, session, context["url"])
        for session, record, name in context["draws"]:
            files[f"{folder}/{name}"] = lottery_records.as_text(record)
        style = self.env.loader.get_source(self.env, "poster.css")[0]
        context.update(style=Markup(style), policy=policy.poster_policy(style))
        files[f"{folder}/poster.html"] = self.render("poster.html.j2", context)
        return files

    def _context(self, program):
        """What the program's templates see. Only photos the site accepts are shown (catalogue/images.py)."""
        folder = Path(program.source).parent
        shown = [(name, suffix) for name in program.images if (suffix := images.suffix_of(folder / name))]
        photos = {f"image-{n}{suffix}": name for n, (name, suffix) in enumerate(shown, 1)}
        url = self.page_url(program)
        published = self.lotteries.get(program.id, {})
        return {
            "p": program,
            "url": url,
            "today": self.settings.today,
            "ended": self.ended(program),
            "audience": views.AUDIENCES[program.audience],
            "mode": views.MODES[program.registration.mode],
            "mode_rule": views.MODE_RULES[program.registration.mode],
            "enrol_base": self.settings.enrol_base.rstrip("/"),
            "image_sources": photos,
            "images": list(photos),
            "image_url": url + next(iter(photos)) if photos else self.settings.site_url + SHARE_IMAGE,
            "draws": [(s, published[s.id], lottery_records.download_name(program.id, s.id)) for s in program.sessions if s.id in published],
        }

    def _page_context(self, program):
        """The page also shows the description, the map button and the dialling link; the assets
        process (catalogue/assets.py) needs none of them, so it does not render the Markdown."""
        return {
            **self._context(program),
            "map_url": _web_link(program.location.map_url) or "https://uri.amap.com/search?keyword=" + quote(program.location.address),
            "description": description_html(program.description) if program.description else "",
            "tel": tel_uri(program.contact.phone),
        }

    def listing_files(self, programs):
        shown = self.shown(programs)
        current = sorted((p for p in shown if not self.ended(p)), key=lambda p: (views.next_start(p, self.settings.today), p.title))
        ended = sorted((p for p in shown if self.ended(p)), key=lambda p: p.last_end, reverse=True)
        cards = self.cards
        files = {
            "index.md": cards.page(
                self.render(
                    "home.md.j2",
                    {
                        "programs": current,
                        "places": _places(current),
                        "all_months": sorted({m for p in current for m in views.months(p)}),
                        "all_tags": sorted({t for p in current for t in p.tags}),
                        "slot": Markup(hooks.slot(0)),
                    },
                ),
                current,
                "",
            ),
            "archive.md": cards.page(self.render("archive.md.j2", {"programs": ended, "slot": Markup(hooks.slot(0))}), ended, "../"),
            "help/reference.md": reference_page(),
        }
        files.update(self._groups("tags", "标签", lambda p: p.tags, current, ended, cards))
        files.update(self._groups("unions", "主办工会", lambda p: [p.organizer], current, ended, cards))
        return files

    def _groups(self, folder, title, keys_of, current, ended, cards):
        counts = Counter(key for p in current + ended for key in keys_of(p))
        files = {f"{folder}/index.md": self.render("index-of.md.j2", {"title": title, "entries": sorted(counts.items())})}
        # One pass over the programs, not one per tag or union: unions grow with the catalogue.
        current_by, ended_by = _grouped(current, keys_of), _grouped(ended, keys_of)
        for key in counts:
            listed = current_by.get(key, [])
            files[f"{folder}/{views.path_slug(key)}/index.md"] = cards.page(
                self.render(
                    "listing.md.j2",
                    {
                        "title": key if folder == "unions" else f"标签：{key}",
                        "description": f"{key}的托管班与职工夜校",
                        "root": "../../",
                        "current": listed,
                        "ended": ended_by.get(key, []),
                        "slot": Markup(hooks.slot(0)),
                    },
                ),
                listed,
                "../../",
            )
        return files

    def render(self, template, context):
        return self.env.get_template(template).render(context)

    def render_with_html(self, template, context):
        """Render a page whose `{% call html() %}` blocks reach MkDocs past Python-Markdown (catalogue/hooks.py)."""
        parts = []

        def html(caller, searched=True):
            parts.append(str(caller()))
            return Markup(hooks.slot(len(parts) - 1, searched))

        return hooks.with_html(self.render(template, {**context, "html": html}), parts)


# Where a card's links start, put in per listing. Braces reach a card from a program file only
# as character references (plaintext.py), so this can only be the template's.
ROOT = "{root}"


class _Cards:
    """Program cards, handed to MkDocs as finished HTML (catalogue/hooks.py). Each card is rendered
    once per program, with ROOT where its links start, not once per page or link depth that shows
    it, and `serve` re-renders only the card of a program it reloaded (a new Program object)."""

    def __init__(self, env, ended):
        self.card = env.get_template("cards.j2").module.card
        self.ended = ended
        self.rendered = {}

    def page(self, markdown, programs, root):
        html = "".join(self.card_html(p, root) for p in programs)
        return hooks.with_html(markdown, [f'<div class="cat-cards">\n{html}</div>'] if programs else [])

    def card_html(self, program, root):
        shown = self.rendered.get(program.id)
        if shown is None or shown[0] is not program:
            shown = self.rendered[program.id] = (program, str(self.card(program, Markup(ROOT), self.ended(program))) + "\n")
        return shown[1].replace(ROOT, root)


def _grouped(programs, keys_of):
    """{key: the programs that have it, in their order}; a key given twice counts once."""
    groups = {}
    for program in programs:
        for key in dict.fromkeys(keys_of(program)):
            groups.setdefault(key, []).append(program)
    return groups


def _web_link(url):
    """The map link as given when it is an http(s) address (the model's pattern says so already;
    the page does not rely on it). None sends the button to the default map search."""
    return url if url and urlsplit(url).scheme.lower() in ("http", "https") else None


def _places(programs):
    streets = {}
    for p in programs:
        streets.setdefault(p.district, set())
        if p.street:
            streets[p.district].add(p.street)
    return [(district, sorted(names)) for district, names in sorted(streets.items())]
