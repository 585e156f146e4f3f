/* sitegen theme: what JavaScript adds to pages that work without it — the theme toggle, copy
   buttons, tab stops only on regions that scroll, scrolling tables, the contents column that follows
   the reading, back to top, figures at full size, and search (Pagefind, loaded on the search page). */
(function () {
  "use strict";
  var root = document.documentElement;
  var body = document.body;
  var ui = body.dataset;

  /* Theme: the system's by default; the toggle stores the reader's choice, or forgets it when
     the choice is the system's own. */
  var toggle = document.querySelector(".theme-toggle");
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  function effectiveDark() {
    return root.dataset.theme ? root.dataset.theme === "dark" : systemDark.matches;
  }
  function showTheme() {
    var dark = effectiveDark();
    toggle.setAttribute("aria-pressed", dark ? "true" : "false");
    document.querySelectorAll('meta[name="theme-color"]').forEach(function (meta) {
      meta.setAttribute("content", dark ? "#15171a" : "#fdfcf9");
    });
  }
  if (toggle) {
    toggle.hidden = false;
    showTheme();
    toggle.addEventListener("click", function () {
      var dark = !effectiveDark();
      try {
        if (dark === systemDark.matches) {
          delete root.dataset.theme;
          localStorage.removeItem("sitegen-theme");
        } else {
          root.dataset.theme = dark ? "dark" : "light";
          localStorage.setItem("sitegen-theme", root.dataset.theme);
        }
      } catch (e) { root.dataset.theme = dark ? "dark" : "light"; }
      showTheme();
    });
    systemDark.addEventListener("change", showTheme);
  }

  /* A polite live region: what the copy buttons did. */
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  body.appendChild(status);

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }
  document.querySelectorAll(".highlight, pre.bibtex").forEach(function (block) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = ui.copy;
    button.addEventListener("click", function () {
      var code = block.querySelector("td.code code, code") || block;
      copyText(code.innerText.replace(/\n$/, "")).then(function () {
        button.textContent = status.textContent = ui.copied;
      }, function () {
        button.textContent = status.textContent = ui.copyFailed;
      });
      setTimeout(function () { button.textContent = ui.copy; status.textContent = ""; }, 2000);
    });
    (block.tagName === "PRE" ? block.parentNode : block).insertBefore(button, block.tagName === "PRE" ? block : null);
    if (block.tagName === "PRE") { block.parentNode.style.position = "relative"; }
  });

  /* Tables wider than the column scroll in a labelled region; the others fit. */
  var tables = document.querySelectorAll(".content table");
  tables.forEach(function (table, index) {
    var region = document.createElement("div");
    region.className = "table-scroll";
    region.setAttribute("role", "region");   /* landmarks need distinct names: Tableau 1, Tableau 2… */
    region.setAttribute("aria-label", tables.length > 1 ? ui.table + " " + (index + 1) : ui.table);
    table.parentNode.insertBefore(region, table);
    region.appendChild(table);
  });

  /* Code, outputs, equations and tables that scroll are tab stops (the HTML makes them all so);
     those that fit are not, so the keyboard does not stop on them for nothing. */
  var scrollers = "pre[tabindex], pre[data-scroll], .highlight[tabindex], .highlight[data-scroll], .math, .table-scroll";
  function syncTabStops() {
    document.querySelectorAll(scrollers).forEach(function (el) {
      el.dataset.scroll = "";
      if (el.scrollWidth > el.clientWidth + 1) el.setAttribute("tabindex", "0");
      else el.removeAttribute("tabindex");
    });
  }
  var resizing;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(syncTabStops, 100); });
  /* measuring forces a layout: not while the page is loading, but once it is idle */
  var later = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };
  var whenLoaded = function (f) {
    if (document.readyState === "complete") later(f); else window.addEventListener("load", function () { later(f); });
  };
  whenLoaded(syncTabStops);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { whenLoaded(syncTabStops); });

  /* Contents: open beside the text on wide screens, folded above it on small ones; the link of
     the section being read is marked. */
  var toc = document.querySelector(".toc details");
  if (toc) {
    var wide = window.matchMedia("(min-width: 68rem)");
    var fold = function () { toc.open = wide.matches; };
    fold();
    wide.addEventListener("change", fold);
    var links = Array.prototype.slice.call(toc.querySelectorAll("a[href^='#']")).filter(function (a) {
      return a.getAttribute("href").length > 1 && a.getAttribute("href") !== "#top";
    });
    var targets = links.map(function (a) { return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1))); });
    var current = null;
    var mark = function () {
      var index = -1;
      for (var i = 0; i < targets.length; i++) {
        if (targets[i] && targets[i].getBoundingClientRect().top < 120) index = i;
      }
      var link = index >= 0 ? links[index] : null;
      if (link === current) return;
      if (current) current.removeAttribute("aria-current");
      if (link) link.setAttribute("aria-current", "location");
      current = link;
    };
    var ticking = false;
    window.addEventListener("scroll", function () {
      if (!ticking) { ticking = true; requestAnimationFrame(function () { ticking = false; mark(); }); }
    }, { passive: true });
    whenLoaded(mark);
  }

  /* Back to top, once the reader is two screens down (small screens; the contents column has its own). */
  var up = document.querySelector(".to-top-float");
  if (up) {
    var place = function () { up.hidden = window.scrollY < 2 * window.innerHeight; };
    window.addEventListener("scroll", place, { passive: true });
    whenLoaded(place);
  }

  /* Figures open at full size in a dialog (Escape or the button closes it). */
  var dialog = null;
  function lightbox(img) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "lightbox";
      dialog.innerHTML = '<div class="lightbox-bar"><button type="button"></button></div><div class="lightbox-view" tabindex="0"></div>';
      dialog.querySelector("button").textContent = ui.close;
      dialog.querySelector("button").addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
      body.appendChild(dialog);
    }
    var view = dialog.querySelector(".lightbox-view");
    var big = img.cloneNode();
    big.removeAttribute("loading");
    big.removeAttribute("width");
    big.removeAttribute("height");
    big.style.width = Math.max(img.naturalWidth || 0, 2 * img.clientWidth, 900) + "px";
    view.replaceChildren(big);
    dialog.setAttribute("aria-label", img.alt || ui.close);
    dialog.showModal();
  }
  document.querySelectorAll(".content img").forEach(function (img) {
    if (img.closest("a, button")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "zoom";
    button.setAttribute("aria-label", ui.enlarge.replace("{alt}", img.alt || ""));
    img.parentNode.insertBefore(button, img);
    button.appendChild(img);
    button.addEventListener("click", function () { lightbox(img); });
  });

  /* Search: Pagefind's index of this language, loaded only here. */
  var results = document.getElementById("search-results");
  if (results) {
    var form = document.querySelector(".search-page-form");
    var input = form.querySelector("input");
    var query = new URLSearchParams(location.search).get("q") || "";
    input.value = query;
    var engine = null;
    var run = function (text) {
      if (!text.trim()) { results.replaceChildren(); return; }
      results.textContent = ui.searchLoading || results.dataset.loading;
      /* The index comes in shards (sitegen/site/search.py): the first at data-bundle, the others
         listed in its shards.json and merged into one search; they share the first's WebAssembly. */
      engine = engine || Promise.all([
        import(results.dataset.bundle + "pagefind.js"),
        fetch(results.dataset.bundle + "shards.json").then(function (r) { return r.ok ? r.json() : []; })
      ]).then(function (loaded) {
        var pagefind = loaded[0], base = { baseUrl: results.dataset.base };
        return pagefind.options(base).then(function () {
          return Promise.all(loaded[1].map(function (shard) { return pagefind.mergeIndex(results.dataset.bundle + shard, base); }));
        }).then(function () { return pagefind; });
      });
      engine.then(function (pagefind) { return pagefind.search(text); })
        .then(function (search) { return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); })); })
        .then(function (found) {
          if (input.value !== text) return;
          var heading = document.createElement("p");
          if (!found.length) {
            heading.textContent = results.dataset.none.replace("{query}", text);
            results.replaceChildren(heading);
            return;
          }
          heading.textContent = results.dataset.count.replace("{count}", found.length).replace("{query}", text);
          var list = document.createElement("ol");
          found.forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.textContent = item.meta && item.meta.title ? item.meta.title : item.url;
            var excerpt = document.createElement("p");
            excerpt.innerHTML = item.excerpt;   /* Pagefind's excerpt of our own pages: text with <mark> */
            li.append(a, excerpt);
            list.appendChild(li);
          });
          results.replaceChildren(heading, list);
        })
        .catch(function () { results.textContent = results.dataset.none.replace("{query}", text); });
    };
    var typing;
    input.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () {
        history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
        run(input.value);
      }, 250);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      run(input.value);
    });
    run(query);
  }
})();
