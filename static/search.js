// brief: search in the browser over the static index in search/ (the
// README's "Search" section describes it). No framework, nothing fetched
// from elsewhere: it reads search/meta.json, then only the word shards,
// filter lists and document chunks that a query needs.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.Map || !String.prototype.normalize) { return; }

  var root = form.getAttribute("data-index");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var selects = {
    speaker: document.getElementById("search-speaker"),
    verdict: document.getElementById("search-verdict"),
    tag: document.getElementById("search-tag")
  };

  // The messages, in the page's language: `{name}` placeholders are
  // filled here; a count's message has one form per plural category.
  var TEXT = status.dataset;
  var lang = document.documentElement.lang || "en";
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var lists = window.Intl && Intl.ListFormat ? new Intl.ListFormat(lang, { type: "unit", style: "short" }) : null;

  // `template` with each `{name}` replaced by `values[name]`, as a list of
  // strings and nodes for `append`.
  function parts(template, values) {
    return (template || "").split(/(\{[a-z_]+\})/).filter(Boolean).map(function (part) {
      var name = part.slice(1, -1);
      return part.charAt(0) === "{" && Object.prototype.hasOwnProperty.call(values, name) ? values[name] : part;
    });
  }

  function say(template, values) { return parts(template, values || {}).join(""); }

  function counted(forms, count, values) {
    var all = JSON.parse(forms || "{}");
    var form = (plurals && all[plurals.select(count)]) || all.other || "";
    values.count = String(count);
    return say(form, values);
  }

  var PAGE = 20;           // results shown at a time
  var DEBOUNCE = 200;      // ms of quiet typing before a search runs
  var PREFIX_BYTES = 256 * 1024;  // the last word matches as a prefix only over shards this big in all
  // Scripts written without spaces (Thai, Lao, Myanmar, Khmer, kana, CJK
  // ideographs): the same blocks as `is_unspaced` in src/render/search.rs.
  var UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}";
  var SPLIT = new RegExp("[^\\p{Alphabetic}\\p{N}" + UNSPACED + "]+", "u");
  var RUNS = new RegExp("[" + UNSPACED + "]+|[^" + UNSPACED + "]+", "gu");
  var IS_UNSPACED = new RegExp("^[" + UNSPACED + "]", "u");
  // Accents, then Arabic tashkeel, Quranic marks and tatweel, as `arabic`
  // in src/render/search.rs drops them.
  var MARKS = /[\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]/g;
  var LETTERS = { "\u0671": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647" };

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(MARKS, "")
      .replace(/[\u0671\u0649\u0629]/g, function (c) { return LETTERS[c]; });
  }

  // The words one piece of split text is indexed as: runs of unspaced
  // characters become their overlapping pairs (or the lone character).
  function pieces(word) {
    if (word === "") { return []; }
    var out = [];
    (word.match(RUNS) || []).forEach(function (run) {
      if (!IS_UNSPACED.test(run)) { out.push(run); return; }
      var chars = Array.from(run);
      if (chars.length === 1) { out.push(run); return; }
      for (var i = 0; i + 1 < chars.length; i++) { out.push(chars[i] + chars[i + 1]); }
    });
    return out;
  }

  var meta = null;
  var files = new Map();   // path -> promise of its JSON
  var stopWords = new Set();
  var state = { results: [], shown: 0 };
  var current = 0;         // the latest search; older ones stop when they see it changed

  // ---- The index

  function load(path) {
    if (!files.has(path)) {
      var url = root + path + "?v=" + encodeURIComponent(meta.build);
      var promise = fetch(url).then(function (response) {
        if (!response.ok) { throw new Error(path + ": HTTP " + response.status); }
        return response.json();
      });
      promise.catch(function () { files.delete(path); });
      files.set(path, promise);
    }
    return files.get(path);
  }

  // Lists of document numbers, as src/render/search.rs encodes them.
  var DIGITS = new Int8Array(128).fill(-1);
  "0123456789abcdefghijklmnopqrstuv".split("").forEach(function (c, i) { DIGITS[c.charCodeAt(0)] = i; });
  "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-".split("").forEach(function (c, i) { DIGITS[c.charCodeAt(0)] = 32 + i; });
  function decode(text) {
    var out = [];
    var n = 0;
    var id = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGITS[text.charCodeAt(i)];
      if (d >= 32) {
        n = n * 32 + d - 32;
      } else {
        id += n * 32 + d;
        out.push(id);
        n = 0;
      }
    }
    return out;
  }

  // A query's words, normalised as the index's are; `prefix` when the last
  // one is still being typed.
  function parse(text) {
    var raw = fold(text).split(SPLIT).map(pieces);
    var words = [].concat.apply([], raw).filter(function (w) {
      return !(w.length === 1 && w.charCodeAt(0) < 128) && !stopWords.has(w);
    });
    words = words.filter(function (w, i) { return words.indexOf(w) === i; });
    var last = raw[raw.length - 1];
    last = last.length > 0 ? last[last.length - 1] : "";
    var prefix = last !== "" && words.length > 0 && words[words.length - 1] === last;
    return { words: words, prefix: prefix };
  }

  // The last shard whose first word is at or before `word`, or -1.
  function shardOf(word) {
    var lo = 0;
    var hi = meta.shards.length - 1;
    var found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (meta.shards[mid] <= word) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  // Documents with `word` (or, for a prefix, any word starting with it),
  // each with a score: a word in a main field counts twice, a whole word
  // twice a prefix.
  async function matches(word, prefix) {
    var from = shardOf(word);
    var to = from;
    if (prefix) {
      var first = Math.max(from, 0);
      var last = shardOf(word + "\uffff");
      var bytes = 0;
      for (var s = first; s <= last; s++) { bytes += meta.shard_bytes[s]; }
      if (last >= first && bytes <= PREFIX_BYTES) { from = first; to = last; } else { prefix = false; }
    }
    var scores = new Map();
    if (from < 0) { return scores; }
    var paths = [];
    for (var n = from; n <= to; n++) { paths.push("terms/" + n + ".json"); }
    var shards = await Promise.all(paths.map(load));
    var add = function (encoded, score) {
      decode(encoded).forEach(function (id) {
        if (!(scores.get(id) >= score)) { scores.set(id, score); }
      });
    };
    shards.forEach(function (shard) {
      var terms = prefix ? Object.keys(shard) : [word];
      terms.forEach(function (term) {
        if (!Object.prototype.hasOwnProperty.call(shard, term) || !term.startsWith(word)) { return; }
        var weight = term === word ? 2 : 1;
        add(shard[term][0], 2 * weight);
        add(shard[term][1], weight);
      });
    });
    return scores;
  }

  function facetPath(kind, value) {
    if (kind === "verdict") {
      var verdict = meta.verdicts.find(function (v) { return v.id === value; });
      return "verdicts/" + encodeURIComponent(verdict.slug) + ".json";
    }
    return (kind === "speaker" ? "speakers/" : "tags/") + encodeURIComponent(value) + ".json";
  }

  // Every result of a query, best first: [document number, score].
  async function search(query, filters) {
    var sets = await Promise.all(Object.keys(filters).map(function (kind) {
      return load(facetPath(kind, filters[kind])).then(function (facet) { return decode(facet.docs); });
    }));
    var found = await Promise.all(query.words.map(function (word, i) {
      return matches(word, query.prefix && i === query.words.length - 1);
    }));
    var results;
    if (found.length) {
      found.sort(function (a, b) { return a.size - b.size; });
      var allowed = sets.map(function (ids) { return new Set(ids); });
      results = [];
      found[0].forEach(function (score, id) {
        for (var i = 1; i < found.length; i++) {
          var other = found[i].get(id);
          if (other === undefined) { return; }
          score += other;
        }
        for (var j = 0; j < allowed.length; j++) {
          if (!allowed[j].has(id)) { return; }
        }
        results.push([id, score]);
      });
    } else {
      sets.sort(function (a, b) { return a.length - b.length; });
      var others = sets.slice(1).map(function (ids) { return new Set(ids); });
      results = sets[0].filter(function (id) {
        return others.every(function (set) { return set.has(id); });
      }).map(function (id) { return [id, 0]; });
    }
    results.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return results;
  }

  // ---- The page

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function time(briefing) {
    var node = el("time", "", briefing.date_display);
    node.setAttribute("datetime", briefing.date);
    return node;
  }

  function result(doc, briefing) {
    var item = el("li", "search-result search-result--" + doc.kind);
    var link = el("a", "search-result__link");
    var line = el("p", "search-result__meta");
    var sep = function () { line.append(" "); line.appendChild(el("span", "sep", "·")).setAttribute("aria-hidden", "true"); line.append(" "); };
    if (doc.kind === "claim") {
      link.href = briefing.url + "#" + doc.anchor;
      link.textContent = doc.verbatim ? "\u201c" + doc.text + "\u201d" : doc.text;
      var speaker = meta.speakers[doc.speaker];
      var verdict = meta.verdicts[doc.verdict];
      if (speaker) {
        // The kind is the words before the speaker's name.
        var by = parts(TEXT.claimBy, { speaker: speaker });
        by.forEach(function (part) {
          if (part === speaker) { line.append(speaker.name); }
          else if (!line.childNodes.length) { line.appendChild(el("span", "search-result__kind", part)); }
          else { line.append(part); }
        });
      } else {
        line.appendChild(el("span", "search-result__kind", TEXT.claim));
      }
      if (verdict) {
        sep();
        var badge = line.appendChild(el("span", "verdict verdict--" + verdict.tone));
        badge.appendChild(el("span", "visually-hidden", TEXT.verdict + " "));
        badge.append(verdict.label);
      }
      sep();
      line.append.apply(line, parts(TEXT.inBriefing, { briefing: el("cite", "", briefing.title), date: time(briefing) }));
      item.appendChild(link);
      item.appendChild(line);
    } else {
      link.href = briefing.url;
      link.textContent = briefing.title;
      line.appendChild(el("span", "search-result__kind", TEXT.briefing));
      sep();
      line.appendChild(time(briefing));
      item.appendChild(link);
      item.appendChild(line);
      item.appendChild(el("p", "search-result__summary", doc.summary));
    }
    return item;
  }

  // Shows the next page of results, fetching only the chunks they are in.
  async function showMore(ticket) {
    var page = state.results.slice(state.shown, state.shown + PAGE);
    var size = meta.chunk_docs;
    var chunks = await Promise.all(page.map(function (r) { return load("docs/" + Math.floor(r[0] / size) + ".json"); }));
    if (ticket !== current) { return null; }
    var first = null;
    page.forEach(function (r, i) {
      var chunk = chunks[i];
      var doc = chunk.docs[r[0] % size];
      var item = list.appendChild(result(doc, chunk.briefings[doc.briefing]));
      first = first || item;
    });
    state.shown += page.length;
    more.hidden = state.shown >= state.results.length;
    return first;
  }

  var FILTERS = { speaker: "filterSpeaker", verdict: "filterVerdict", tag: "filterTag" };

  function describe(query, filters) {
    var said = [];
    if (query.trim()) { said.push(say(TEXT["for"], { query: query.trim() })); }
    var narrowed = Object.keys(filters).map(function (kind) {
      var select = selects[kind];
      return say(TEXT[FILTERS[kind]], { name: select.options[select.selectedIndex].dataset.name });
    });
    if (narrowed.length) {
      said.push(say(TEXT["with"], { filters: lists ? lists.format(narrowed) : narrowed.join(", ") }));
    }
    return said.join(" ");
  }

  function announce() {
    var total = state.results.length;
    var values = { description: state.description, shown: String(state.shown) };
    status.textContent = total === 0
      ? say(TEXT.noResults, values)
      : counted(total > state.shown ? TEXT.resultsShowing : TEXT.results, total, values);
  }

  function currentFilters() {
    var filters = {};
    Object.keys(selects).forEach(function (kind) {
      if (selects[kind].value) { filters[kind] = selects[kind].value; }
    });
    return filters;
  }

  function remember(query, filters) {
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    Object.keys(filters).forEach(function (kind) { params.set(kind, filters[kind]); });
    var text = params.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }

  async function run() {
    var ticket = ++current;
    var text = input.value;
    var filters = currentFilters();
    remember(text, filters);
    var query = parse(text);
    if (!query.words.length && !Object.keys(filters).length) {
      list.textContent = "";
      more.hidden = true;
      state = { results: [], shown: 0 };
      status.textContent = text.trim() ? TEXT.tooShort : "";
      return;
    }
    try {
      var results = await search(query, filters);
      if (ticket !== current) { return; }
      state = { results: results, shown: 0, description: describe(text, filters) };
      list.textContent = "";
      await showMore(ticket);
      if (ticket !== current) { return; }
      announce();
    } catch (error) {
      if (ticket === current) { failed(error); }
    }
  }

  function failed(error) {
    status.textContent = say(TEXT.failed, { error: error.message });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  Object.keys(selects).forEach(function (kind) {
    selects[kind].addEventListener("change", function () {
      clearTimeout(timer);
      run();
    });
  });
  more.addEventListener("click", async function () {
    var ticket = current;
    try {
      var first = await showMore(ticket);
      if (ticket !== current) { return; }
      announce();
      var link = first && first.querySelector("a");
      if (link) { link.focus(); }
    } catch (error) {
      failed(error);
    }
  });

  function fill(select, entries) {
    entries.forEach(function (entry) {
      var option = el("option", "", entry[1] + " (" + entry[2] + ")");
      option.value = entry[0];
      option.dataset.name = entry[1];
      select.appendChild(option);
    });
  }

  async function start() {
    var response = await fetch(root + "meta.json", { cache: "no-cache" });
    if (!response.ok) { throw new Error("meta.json: HTTP " + response.status); }
    meta = await response.json();
    if (meta.version !== 1) { throw new Error("an index of format " + meta.version + ", not 1"); }
    stopWords = new Set(meta.stop_words);
    fill(selects.speaker, meta.speakers.map(function (s) { return [s.id, s.name, s.claims]; }));
    fill(selects.verdict, meta.verdicts.map(function (v) { return [v.id, v.label, v.claims]; }));
    fill(selects.tag, meta.tags.map(function (t) { return [t.slug, t.name, t.briefings]; }));
    document.getElementById("search-filters").hidden = false;
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    Object.keys(selects).forEach(function (kind) {
      var value = params.get(kind);
      var known = value && Array.prototype.some.call(selects[kind].options, function (o) { return o.value === value; });
      selects[kind].value = known ? value : "";
    });
    if (input.value || Object.keys(currentFilters()).length) { await run(); }
  }

  start().catch(failed);
})();
