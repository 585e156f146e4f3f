// sitegen live reload: served by `site.py serve` only.
(function () {
  "use strict";
  var version = __VERSION__;          // the site version this page was served from
  var ID = "sitegen-overlay";

  function overlay(problems) {
    var box = document.getElementById(ID);
    if (!box) {
      box = document.createElement("div");
      box.id = ID;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem 2.5rem;" +
        "box-sizing:border-box;background:rgba(24,24,27,.95);color:#fafafa;text-align:left;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
      (document.body || document.documentElement).appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("p");
    title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#fca5a5;font-size:16px;";
    title.textContent = "Build failed: the last good version of this page is shown underneath. " +
      "Fix the problem and save; this message goes away by itself.";
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding:0;list-style:none;";
    problems.forEach(function (text) {
      var item = document.createElement("li");
      item.className = "sitegen-problem";
      item.style.cssText = "white-space:pre-wrap;margin:0 0 .75rem;";
      item.textContent = text;
      list.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Hide");
    close.style.cssText = "position:absolute;top:.5rem;right:.75rem;font-size:20px;background:none;border:0;color:inherit;cursor:pointer;";
    close.onclick = function () { box.remove(); };
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(list);
  }

  function clear() {
    var box = document.getElementById(ID);
    if (box) box.remove();
  }

  function swapStylesheets(stamp) {
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.getAttribute("href"), location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("sitegen", stamp);
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      var done = function () { link.remove(); };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.parentNode.insertBefore(fresh, link.nextSibling);
    });
  }

  function apply(state) {
    if (state.problems.length) { overlay(state.problems); return; }
    if (state.version !== version) { location.reload(); return; }
    clear();
  }

  var source = new EventSource("/__sitegen/events");
  source.addEventListener("open", function () {
    fetch("/__sitegen/state", {cache: "no-store"})
      .then(function (r) { return r.json(); }).then(apply).catch(function () {});
  });
  source.addEventListener("reload", function () { source.close(); location.reload(); });
  source.addEventListener("css", function (event) {
    var data = JSON.parse(event.data);
    version = data.version;
    clear();
    swapStylesheets(data.version + "-" + Date.now());
  });
  source.addEventListener("problems", function (event) { overlay(JSON.parse(event.data).problems); });
  window.__sitegen = {source: source, version: function () { return version; }};
})();
