#!/usr/bin/env python3
"""Writes benchmark sites: N generated briefings as a brief site, or the same
briefings as a Hugo or Zola site, so the tools can be timed on one content.

Each briefing has 3-8 speakers, 5-20 sources and 5-15 claims (each with a
verdict from brief's default scale, an explanation and 1-3 sources), two
tags, and a body of 800-1,500 words: headings, emphasis, inline code, links
to its sources, quoted claims, a table of its claims, two lists and one
fenced JSON block. Speakers are site-wide people: the same name is the same
speaker id, role and affiliation in every briefing that quotes them, so
speaker pages gather claims across briefings as they would on a real desk.

Briefing i depends only on (seed, i), so the first 1,000 briefings of a
10,000-briefing corpus are the 1,000-briefing corpus, and sizes compare.
Standard library only.

Usage: python3 bench/corpus.py --n 1000 --out DIR [--format brief|hugo|zola] [--seed 7]
"""
import argparse
import datetime
import json
import os
import random
import shutil
import sys

# brief's default scale; the Hugo and Zola sites show the same ids.
VERDICTS = ("true", "mostly-true", "mixed", "misleading", "false", "unverified")

GIVEN = ("Aditi Bogdan Camille Darius Esther Felipe Greta Hamid Ines Joaquin Kamala "
         "Leon Marta Nikolai Olga Pablo Rania Stefan Teodora Umar Vera Wiktor Yara "
         "Zeynep Anders Bianca Cyrus Delia Emeka Freya").split()
FAMILY = ("Achterberg Baptiste Corrigan Demir Ekwueme Falk Gruber Horvath Iqbal "
          "Jovanovic Kruger Lindgren Mendes Nilsen Oyelaran Pereira Quist Rahman "
          "Sorensen Takahashi Uddin Vasquez Wojcik Yamamoto Zeller Brandt Costa Mahler").split()
OFFICES = ("Deputy prime minister", "Shadow chancellor", "Member of parliament",
           "Deputy mayor", "Chief economist", "Transport secretary", "Press secretary",
           "Trade union leader", "Policy analyst", "Provincial premier", "Campaign director",
           "Chief executive", "Lecturer in demography", "Chief constable", "Water regulator")
BODIES = ("House of Representatives", "Treasury", "Social Democrats", "Conservative Party",
          "Teachers' Federation", "Centre for Budget Studies", "Metropolitan Council",
          "Reserve Bank", "Coastal University", "Federation of Industry", "Citizens' Network",
          "Northern Health Board", "Grid Operator", "No affiliation")
OUTLETS = ("National Statistics Agency", "The Morning Record", "Harbour Gazette",
           "Treasury Data Hub", "Continental Data Service", "Public Health Monitor",
           "State Radio", "Court of Auditors", "Power Market Authority", "Jobs Observatory",
           "Hansard", "City Courier", "Population Register", "Emissions Inventory",
           "Budget Responsibility Office")
SUBJECTS = ("rent inflation", "jobless claims", "emergency room delays", "fuel bills",
            "national debt", "burglary figures", "teacher pay", "asylum applications",
            "air pollution", "retirement age", "living wage", "bus subsidies",
            "corporate tax", "food prices", "mobile coverage", "river pollution",
            "military budget", "apprenticeships", "measles vaccination", "dairy quotas")
TOWNS = ("Harrowgate", "Lakemouth", "Ashford Vale", "Port Selden", "the northern provinces",
         "the federal capital")
# The prose vocabulary: a few hundred words of policy reporting.
LEXICON = ("the the the a a of of of to to and and in in that is was for on with as "
           "by at from it this these which were has have had not but or be been "
           "ministry department figures numbers dataset bulletin rate share percent "
           "rise fall budget fiscal year month quarter policy officials statistic "
           "assertion evidence poll study trend growth decline families districts "
           "country municipal outlays receipts thousand million billion mean typical "
           "versus prior span projection indicator released cited archive "
           "watchdog inquiry panel secretary address broadcast hearing remark "
           "framing method sampling benchmark reweighted adjusted monthly yearly "
           "broadly though whereas since because hence probably doubtful notable "
           "slight steep steady partial full right wrong exaggerated precise "
           "incomplete overstated understated comparable timeline definitions "
           "amended revised provisional confirmed authority registry commission "
           "analysts actuaries scientists residents savers pensioners tenants "
           "landlords clinics colleges towns villages suburbs coast interior "
           "climbed dropped tripled shrank held flat expected modelled "
           "claimed insisted implied verified contested rejected observed "
           "reportedly recently previously lasting temporary structural nominal real").split()
FIRST_DAY = datetime.date(2019, 3, 1)
DAYS = 2000


def pick_words(rng, low, high):
    return rng.choices(LEXICON, k=rng.randint(low, high))


def capitalised(words):
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def plain(rng, low, high):
    """A sentence with no markup, for front matter fields."""
    return capitalised(pick_words(rng, low, high))


def marked(rng, low=9, high=24):
    """A body sentence: a figure half the time, and now and then emphasis,
    strong emphasis or inline code, as a writer's prose has."""
    words = pick_words(rng, low, high)
    roll = rng.random()
    if roll < 0.5:
        words[rng.randrange(len(words))] = f"{rng.randint(1, 99)}.{rng.randint(0, 9)} per cent"
    if rng.random() < 0.16:
        k = rng.randrange(len(words))
        words[k] = f"*{words[k]}*"
    if rng.random() < 0.09:
        k = rng.randrange(len(words))
        words[k] = f"**{words[k]}**"
    if rng.random() < 0.05:
        k = rng.randrange(len(words))
        words[k] = f"`{words[k]}`"
    return capitalised(words)


def prose(rng, low=3, high=6):
    return " ".join(marked(rng) for _ in range(rng.randint(low, high)))


def some_day(rng):
    return (FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))).isoformat()


def slug(text):
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def person(name):
    """The same name is always the same role and affiliation."""
    rng = random.Random("person:" + name)
    return {"id": slug(name), "name": name, "role": rng.choice(OFFICES),
            "affiliation": rng.choice(BODIES)}


def briefing(seed, i):
    """Briefing i of the corpus as plain data, shared by every output format."""
    rng = random.Random(seed * 1_000_003 + i)
    subject = rng.choice(SUBJECTS)
    town = rng.choice(TOWNS)
    # Two draws of one name are one person, quoted twice.
    speakers = {}
    for _ in range(rng.randint(3, 8)):
        p = person(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}")
        speakers.setdefault(p["id"], p)
    speakers = list(speakers.values())
    sources = []
    for k in range(1, rng.randint(5, 20) + 1):
        outlet = rng.choice(OUTLETS)
        url = f"https://data.example.net/{slug(outlet)}/{i}/{k}"
        sources.append({
            "id": f"src{k}",
            "title": plain(rng, 4, 9)[:-1].title(),
            "publisher": outlet,
            "url": url,
            "date": some_day(rng),
            "excerpt": plain(rng, 20, 40),
            "archived": ("https://archive.example.net/" + url.split("://", 1)[1]
                         if rng.random() < 0.5 else None),
        })
    claims = []
    for k in range(1, rng.randint(5, 15) + 1):
        claims.append({
            "id": f"claim{k}",
            "speaker": rng.choice(speakers)["id"],
            "text": plain(rng, 10, 28),
            "verbatim": rng.random() < 0.5,
            "verdict": rng.choice(VERDICTS),
            "explanation": plain(rng, 15, 35),
            "sources": [s["id"] for s in rng.sample(sources, rng.randint(1, 3))],
        })
    return {
        "slug": f"b{i:05d}-{slug(subject)}",
        "title": f"What was said about {subject} in {town}, checked (no. {i})",
        "date": some_day(rng),
        "summary": plain(rng, 18, 30),
        "tags": [slug(t) for t in rng.sample(SUBJECTS, 2)],
        "speakers": speakers,
        "sources": sources,
        "claims": claims,
        "body": body(rng, speakers, sources, claims),
    }


def body(rng, speakers, sources, claims):
    goal = rng.randint(800, 1500)
    by_id = {p["id"]: p for p in speakers}
    blocks = []
    count = 0

    def put(block):
        nonlocal count
        blocks.append(block)
        count += block.count(" ") + 1

    def cite(source):
        return f"[{source['title']}]({source['url']})"

    put(prose(rng, 3, 5))
    put(prose(rng, 2, 4))
    put("## Context")
    put(prose(rng) + f" The numbers are in {cite(rng.choice(sources))}; see also "
        f"{cite(rng.choice(sources))}.")
    put(prose(rng))
    put("## The statements")
    for claim in rng.sample(claims, 2):
        who = by_id[claim["speaker"]]
        put(f"> {claim['text']}\n>\n> \u2014 {who['name']}, {who['role']}")
        put(prose(rng, 2, 4))
    put("## Every claim in this briefing")
    rows = ["| Claim | Said by | Verdict | Sources |", "| --- | --- | --- | --- |"]
    rows += [f"| {c['id']} | {by_id[c['speaker']]['name']} | {c['verdict']} | "
             f"{', '.join(c['sources'])} |" for c in claims]
    put("\n".join(rows))
    put("## The figures")
    put("\n".join("- " + marked(rng, 6, 14) for _ in range(rng.randint(3, 6))))
    put("## Our method")
    put("\n".join(f"{n}. " + marked(rng, 6, 14) for n in range(1, rng.randint(3, 5) + 1)))
    checked = rng.choice(claims)
    record = {
        "claim": checked["id"],
        "said_by": by_id[checked["speaker"]]["name"],
        "verdict": checked["verdict"],
        "evidence": [{"source": ref, "publisher": next(s["publisher"] for s in sources
                                                      if s["id"] == ref)}
                     for ref in checked["sources"]],
        "numbers": {"claimed": rng.randint(100, 9999), "recorded": rng.randint(100, 9999),
                    "year": rng.randint(2016, 2025), "seasonally_adjusted": rng.random() < 0.5},
    }
    put("## The record\n\nOne claim's ruling as structured data:")
    put("```json\n" + json.dumps(record, indent=2) + "\n```")
    put("## Assessment")
    n = 0
    while count < goal - 80:
        if n % 3 == 0:
            claim = rng.choice(claims)
            put(f"### {claim['id']}: {claim['verdict']}")
        n += 1
        text = prose(rng, 3, 6)
        if rng.random() < 0.4:
            text += f" Source: {cite(rng.choice(sources))}."
        put(text)
    put("## Bottom line")
    put(prose(rng, 2, 4))
    return "\n\n".join(blocks) + "\n"


def q(value):
    """A YAML scalar: JSON strings are valid double-quoted YAML."""
    return json.dumps(value, ensure_ascii=False)


def brief_file(b):
    """brief's format: speakers and sources keyed by id."""
    out = ["---", f"title: {q(b['title'])}", f"date: {b['date']}", f"summary: {q(b['summary'])}",
           f"tags: [{', '.join(b['tags'])}]", "speakers:"]
    for p in b["speakers"]:
        out += [f"  {p['id']}:", f"    name: {q(p['name'])}", f"    role: {q(p['role'])}",
                f"    affiliation: {q(p['affiliation'])}"]
    out.append("sources:")
    for s in b["sources"]:
        out += [f"  {s['id']}:", f"    title: {q(s['title'])}", f"    publisher: {q(s['publisher'])}",
                f"    url: {q(s['url'])}", f"    date: {s['date']}", f"    excerpt: {q(s['excerpt'])}"]
        if s["archived"]:
            out.append(f"    archived: {q(s['archived'])}")
    out.append("claims:")
    for c in b["claims"]:
        out += [f"  - id: {c['id']}", f"    speaker: {c['speaker']}", f"    text: {q(c['text'])}",
                f"    verbatim: {'true' if c['verbatim'] else 'false'}",
                f"    verdict: {c['verdict']}", f"    explanation: {q(c['explanation'])}",
                f"    sources: [{', '.join(c['sources'])}]"]
    out += ["---", "", b["body"]]
    return "\n".join(out)


def listed_file(b, nest):
    """Hugo's and Zola's format: the same data as lists of maps under the
    page's parameters (Zola wants them under `extra:`)."""
    pad = "  " if nest else ""
    out = ["---", f"title: {q(b['title'])}", f"date: {b['date']}"]
    if nest:
        out += [f"description: {q(b['summary'])}", "extra:"]
    out += [f"{pad}summary: {q(b['summary'])}", f"{pad}tags: [{', '.join(b['tags'])}]"]
    for key in ("speakers", "sources", "claims"):
        out.append(f"{pad}{key}:")
        for item in b[key]:
            lead = "- "
            for field, value in item.items():
                if value is None:
                    continue
                out.append(f"{pad}  {lead}{field}: {q(value)}")
                lead = "  "
    out += ["---", "", b["body"]]
    return "\n".join(out)


BRIEF_SITE = """title: Benchmark Fact Desk
base_url: https://desk.example.net
publisher:
  name: Benchmark Fact Desk
  url: https://desk.example.net/about/
"""

# Hugo and Zola render each briefing with its speakers, claim cards (verdict,
# explanation, source list) and sources, and one index of every briefing;
# no taxonomy or feed pages, so their sites stay the plain baseline.
# `timeout` is Hugo's limit on rendering one page's content (30 s by
# default): on a slow hour of a shared machine, a 10,000-briefing build hit
# it ("timed out initializing value") and stopped the benchmark. It is a
# watchdog, not a setting of how Hugo works.
HUGO_CONFIG = """baseURL = "https://desk.example.net/"
title = "Benchmark Fact Desk"
languageCode = "en"
timeout = "600s"
disableKinds = ["taxonomy", "term", "RSS", "section"]

[markup.highlight]
codeFences = true
noClasses = true
style = "github"
"""

HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
{{ $page := . }}
<nav><a href="{{ site.BaseURL }}">Every briefing</a></nav>
<main>
<h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time></p>
<p class="standfirst">{{ .Params.summary }}</p>
<h2>Who spoke</h2>
<ul>{{ range .Params.speakers }}
<li id="{{ .id }}">{{ .name }}: {{ .role }}, {{ .affiliation }}</li>{{ end }}
</ul>
<h2>Claims</h2>
{{ range $claim := .Params.claims }}<section class="claim {{ $claim.verdict }}" id="claim-{{ $claim.id }}">
<blockquote>{{ $claim.text }}</blockquote>
<p>{{ range $page.Params.speakers }}{{ if eq .id $claim.speaker }}{{ .name }} ({{ .role }}){{ end }}{{ end }}</p>
<p>Verdict: <strong>{{ $claim.verdict }}</strong>. {{ $claim.explanation }}</p>
<ul>{{ range $ref := $claim.sources }}{{ range $page.Params.sources }}{{ if eq .id $ref }}<li><a href="{{ .url }}">{{ .title }}</a>, {{ .publisher }}, {{ .date }}</li>{{ end }}{{ end }}{{ end }}</ul>
</section>
{{ end }}
<article>
{{ .Content }}
</article>
<h2>Sources</h2>
<ol>{{ range .Params.sources }}
<li id="{{ .id }}"><a href="{{ .url }}">{{ .title }}</a>, {{ .publisher }}, {{ .date }}<blockquote>{{ .excerpt }}</blockquote></li>{{ end }}
</ol>
</main>
</body></html>
"""

HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ site.Title }}</title></head>
<body>
<h1>{{ site.Title }}</h1>
<ul>{{ range (where site.RegularPages "Section" "briefings").ByDate.Reverse }}
<li><a href="{{ .Permalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time> {{ .Params.summary }} ({{ len .Params.claims }} claims)</li>{{ end }}
</ul>
</body></html>
"""

ZOLA_CONFIG = """base_url = "https://desk.example.net"
title = "Benchmark Fact Desk"
compile_sass = false
build_search_index = false
generate_feeds = false

[markdown.highlighting]
theme = "github-light"
"""

ZOLA_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body>
<nav><a href="{{ config.base_url }}/">Every briefing</a></nav>
<main>
<h1>{{ page.title }}</h1>
<p><time>{{ page.date | date(format="%Y-%m-%d") }}</time></p>
<p class="standfirst">{{ page.extra.summary }}</p>
<h2>Who spoke</h2>
<ul>{% for p in page.extra.speakers %}
<li id="{{ p.id }}">{{ p.name }}: {{ p.role }}, {{ p.affiliation }}</li>{% endfor %}
</ul>
<h2>Claims</h2>
{% for claim in page.extra.claims %}<section class="claim {{ claim.verdict }}" id="claim-{{ claim.id }}">
<blockquote>{{ claim.text }}</blockquote>
<p>{% for p in page.extra.speakers %}{% if p.id == claim.speaker %}{{ p.name }} ({{ p.role }}){% endif %}{% endfor %}</p>
<p>Verdict: <strong>{{ claim.verdict }}</strong>. {{ claim.explanation }}</p>
<ul>{% for ref in claim.sources %}{% for s in page.extra.sources %}{% if s.id == ref %}<li><a href="{{ s.url }}">{{ s.title }}</a>, {{ s.publisher }}, {{ s.date }}</li>{% endif %}{% endfor %}{% endfor %}</ul>
</section>
{% endfor %}
<article>
{{ page.content | safe }}
</article>
<h2>Sources</h2>
<ol>{% for s in page.extra.sources %}
<li id="{{ s.id }}"><a href="{{ s.url }}">{{ s.title }}</a>, {{ s.publisher }}, {{ s.date }}<blockquote>{{ s.excerpt }}</blockquote></li>{% endfor %}
</ol>
</main>
</body></html>
"""

ZOLA_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ config.title }}</title></head>
<body>
<h1>{{ config.title }}</h1>
<ul>{% for page in section.pages %}
<li><a href="{{ page.permalink }}">{{ page.title }}</a> <time>{{ page.date | date(format="%Y-%m-%d") }}</time> {{ page.extra.summary }} ({{ page.extra.claims | length }} claims)</li>{% endfor %}
</ul>
</body></html>
"""

# Files each format needs besides the briefings.
SITE_FILES = {
    "brief": {"site.yaml": BRIEF_SITE},
    "hugo": {"config.toml": HUGO_CONFIG, "layouts/_default/single.html": HUGO_SINGLE,
             "layouts/_default/list.html": HUGO_LIST},
    "zola": {"config.toml": ZOLA_CONFIG, "templates/page.html": ZOLA_PAGE,
             "templates/index.html": ZOLA_INDEX,
             "content/_index.md": "+++\nsort_by = \"date\"\n+++\n",
             # Pages list on the home page; no separate section page.
             "content/briefings/_index.md": "+++\nsort_by = \"date\"\ntransparent = true\n"
                                            "render = false\n+++\n"},
}
FORMATS = tuple(SITE_FILES)


# Written last into every generated site, so a reader can tell a finished
# corpus (and which one) from a half-written one or from someone's own folder.
STAMP = ".corpus"


def stamp(n, fmt, seed):
    return f"{fmt} {n} {seed}\n"


def read_stamp(out):
    try:
        with open(os.path.join(out, STAMP), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def write_site(n, out, fmt="brief", seed=7):
    """Writes a site of n briefings into out and returns the bytes of content
    written. A site this module wrote before is replaced; any other folder
    with files in it is left alone (ValueError), so a wrong --out costs
    nothing."""
    if fmt not in SITE_FILES:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if os.path.isdir(out) and os.listdir(out):
        if read_stamp(out) is None and not os.path.exists(os.path.join(out, STAMP + ".partial")):
            raise ValueError(f"{out} holds files this generator did not write; "
                             "give an empty or new folder")
        shutil.rmtree(out)
    folder = os.path.join(out, "content", "briefings")
    os.makedirs(folder)
    open(os.path.join(out, STAMP + ".partial"), "w").close()
    for rel, text in SITE_FILES[fmt].items():
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    total = 0
    for i in range(n):
        b = briefing(seed, i)
        text = brief_file(b) if fmt == "brief" else listed_file(b, nest=fmt == "zola")
        data = text.encode("utf-8")
        total += len(data)
        with open(os.path.join(folder, b["slug"] + ".md"), "wb") as f:
            f.write(data)
    with open(os.path.join(out, STAMP), "w", encoding="utf-8") as f:
        f.write(stamp(n, fmt, seed))
    os.remove(os.path.join(out, STAMP + ".partial"))
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, required=True, help="number of briefings")
    parser.add_argument("--out", required=True, help="folder to write the site into (a site written here before is replaced)")
    parser.add_argument("--format", choices=FORMATS, default="brief")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    try:
        total = write_site(args.n, args.out, args.format, args.seed)
    except ValueError as err:
        sys.exit(f"corpus.py: {err}")
    print(f"{args.format}: {args.n} briefings, {total:,} bytes of content in {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
