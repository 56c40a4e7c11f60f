// brief serve: live reload. Added to pages only by `brief serve`, never by
// `brief build`. Listens for rebuilds over server-sent events.
(function () {
  "use strict";
  var script = document.currentScript;
  var events = script ? script.getAttribute("data-events") : "/__brief/events";
  var here = location.pathname.replace(/index\.html$/, "");
  var scrollKey = "brief-scroll:" + location.pathname;

  // Put the reader back where they were before the reload.
  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    var restore = function () { window.scrollTo(0, parseFloat(saved) || 0); };
    if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function swapStylesheets(changed) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin || changed.indexOf(url.pathname) === -1) { return; }
      if (link.hasAttribute("data-brief-loading")) {
        // A newer change supersedes a sheet still loading.
        link.remove();
        return;
      }
      url.searchParams.set("brief-reload", String(Date.now()));
      var fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.setAttribute("data-brief-loading", "");
      // Swap once the new sheet has loaded, so the page never flashes
      // unstyled; then drop every older copy of it.
      fresh.addEventListener("load", function () {
        fresh.removeAttribute("data-brief-loading");
        Array.prototype.forEach.call(document.querySelectorAll('link[rel="stylesheet"]'), function (other) {
          if (other !== fresh && new URL(other.href, location.href).pathname === url.pathname) { other.remove(); }
        });
      });
      link.after(fresh);
    });
  }

  // The overlay draws inside a shadow root with colours of its own: the
  // site's stylesheet (a theme's light `pre` background, a `* { color }`
  // rule) cannot reach in, so the problems stay readable on any site.
  // `!important` on :host wins over the site's rules for the host element,
  // even its own `!important` ones. Sizes are in px, not rem, so the site's
  // root font size cannot shrink them. Every colour pair is at least 7:1.
  var OVERLAY_STYLE =
    ":host{all:initial!important;display:block!important;position:fixed!important;" +
    "inset:0!important;z-index:2147483647!important;overflow:auto!important;" +
    "box-sizing:border-box!important;padding:32px!important;margin:0!important;" +
    "background:#161616!important;color:#f2f2f2!important;opacity:1!important;" +
    "visibility:visible!important;filter:none!important;transform:none!important}" +
    "h2,p,pre{display:block;background:#161616;color:#f2f2f2;text-align:left;" +
    "text-shadow:none;letter-spacing:normal;text-transform:none;visibility:visible}" +
    "h2{margin:0 0 16px;font:bold 18px/1.3 system-ui,sans-serif;color:#ffb4a6}" +
    "p{margin:0 0 16px;font:14px/1.5 system-ui,sans-serif}" +
    "pre{margin:0;padding:0;border:0;white-space:pre-wrap;overflow-wrap:anywhere;" +
    "font:14px/1.5 ui-monospace,monospace}";

  var overlay = null;
  function showProblems(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "brief-problems";
      overlay.setAttribute("role", "alert");
      var root = overlay.attachShadow({ mode: "open" });
      var title = document.createElement("h2");
      title.textContent = "brief: the last save did not build";
      var note = document.createElement("p");
      note.textContent = "The site below is the last good build. Fix the problems and save; this goes away by itself.";
      var pre = document.createElement("pre");
      // An adopted sheet is not subject to a site's Content-Security-Policy
      // meta, which could block a <style> element.
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(OVERLAY_STYLE);
        root.adoptedStyleSheets = [sheet];
      } catch (e) {
        var style = document.createElement("style");
        style.textContent = OVERLAY_STYLE;
        root.appendChild(style);
      }
      root.appendChild(title);
      root.appendChild(note);
      root.appendChild(pre);
      // On the root element rather than in <body>, so that the site's
      // opacity, filter or transform on <body> cannot reach it either.
      document.documentElement.appendChild(overlay);
    }
    overlay.shadowRoot.querySelector("pre").textContent = text;
  }
  function clearProblems() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  var source = new EventSource(events);
  // A browser allows six connections to one host, and a page kept in its
  // back/forward cache would keep its event stream open: after a few pages
  // the next one would never load. The stream closes when the page is
  // left; a page brought back from that cache may be stale, so it reloads.
  window.addEventListener("pagehide", function () { source.close(); });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { location.reload(); }
  });
  source.addEventListener("problems", function (e) {
    showProblems(JSON.parse(e.data).text);
  });
  source.addEventListener("built", function (e) {
    var change = JSON.parse(e.data);
    clearProblems();
    var mine = change.all || change.pages.concat(change.removed).some(function (url) {
      return url.replace(/index\.html$/, "") === here;
    });
    if (mine) { reload(); return; }
    var sheets = change.assets.filter(function (url) { return /\.css$/.test(url); });
    // An image this page shows (a photo saved again at the same size
    // leaves the page's HTML as it was).
    var html = document.documentElement.outerHTML;
    var shown = change.assets.some(function (url) {
      return /\.(jpe?g|png|gif|webp|svg)$/i.test(url) && html.indexOf(url) !== -1;
    });
    if (shown) { reload(); return; }
    if (sheets.length) { swapStylesheets(sheets); }
  });
})();
