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

  var overlay = null;
  function showProblems(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "brief-problems";
      overlay.setAttribute("role", "alert");
      overlay.setAttribute("style", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,20,.94);color:#f4f4f4;padding:2rem;font:14px/1.5 ui-monospace,monospace");
      var title = document.createElement("h2");
      title.textContent = "brief: the last save did not build";
      title.setAttribute("style", "margin:0 0 1rem;font:bold 18px system-ui,sans-serif;color:#ff9d8a");
      var note = document.createElement("p");
      note.textContent = "The site below is the last good build. Fix the problems and save; this goes away by itself.";
      note.setAttribute("style", "margin:0 0 1rem;font:14px system-ui,sans-serif");
      var pre = document.createElement("pre");
      pre.setAttribute("style", "white-space:pre-wrap;margin:0");
      overlay.appendChild(title);
      overlay.appendChild(note);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  function clearProblems() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  var source = new EventSource(events);
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
    if (sheets.length) { swapStylesheets(sheets); }
  });
})();
