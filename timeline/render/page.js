/* policy-timeline page enhancement: filters, search, a canvas timeline, keyboard navigation.
 * Reads the entry table from <script id="timeline-data" type="application/json">; builds every
 * element with createElement/textContent (never innerHTML), so document text cannot become markup.
 * The server-rendered list (#entries) stays the primary, accessible view; this only hides rows.
 * Long lists: the entries after the first page are in <noscript class="later"> blocks, which a
 * browser with JavaScript keeps as text. They become list rows (parsed by an inert DOMParser
 * document: the page's own, already escaped markup, never a string from the data) when a filter,
 * "Show more", a permalink or print needs them, or block by block when the browser is idle. */
(function () {
  "use strict";
  var dataEl = document.getElementById("timeline-data");
  if (!dataEl) { return; }
  var DATA = JSON.parse(dataEl.textContent);
  var ENTRIES = DATA.entries;
  var LANES = DATA.lanes;
  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var GROUP_VAR = { "preparation": "--g-preparation", "decision": "--g-decision", "in force": "--g-in-force",
    "deadline": "--g-deadline", "end": "--g-end", "activity": "--g-activity" };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  /* "Directive 2011/93/EU — combating the sexual abuse…" -> "Directive 2011/93/EU" for tight spots. */
  function shortName(name) {
    var s = String(name);
    var cut = s.search(/\s[—–:]\s/);
    if (s.length > 28 && cut > 3) { s = s.slice(0, cut); }
    return s.length > 44 ? s.slice(0, 42).replace(/\s+\S*$/, "") + "…" : s;
  }
  function typeLabel(t) { var s = String(t).replace(/_/g, " "); return s.charAt(0).toUpperCase() + s.slice(1); }

  /* ---- entries and their list rows ------------------------------------------------------- */
  var byId = Object.create(null);
  function bind(li) {  // a list row and its entry; false for a row the data does not know
    var e = byId[li.id];
    if (!e) { return false; }
    e.li = li;
    e.details = li.firstElementChild;  // <li><details><summary>: no selector queries
    e.summary = e.details ? e.details.firstElementChild : null;
    return true;
  }
  ENTRIES.forEach(function (e, i) {
    e.index = i;
    e.li = e.details = e.summary = null;
    e.visible = true;
    e.listed = false;
    e.folded = null;
    byId[e.id] = e;
  });
  var sections = Array.prototype.slice.call(document.querySelectorAll("#entries section.dossier"));
  var laneSection = [], laneList = [], lanePending = [];  // per lane: <section>, its <ol>, <noscript>s
  sections.forEach(function (s) {
    var lane = parseInt(s.getAttribute("data-lane"), 10);
    laneSection[lane] = s;
    laneList[lane] = s.querySelector("ol.entries");
    lanePending[lane] = Array.prototype.slice.call(s.querySelectorAll("noscript.later"));
    Array.prototype.forEach.call(laneList[lane].children, bind);
  });
  /* Rows still in <noscript> text: split into one string per row when their lane is first needed,
   * then built in batches of just the rows a filter lists (or the idle loop asks for). */
  var rowHtml = Object.create(null);  // entry id -> the markup of its row, until the row is built
  var ROW_START = '<li class="' + "entry";  // (split so the page's own text never contains a row start)
  function split(lane) {
    (lanePending[lane] || []).forEach(function (block) {
      var parts = block.textContent.split(ROW_START);
      for (var i = 1; i < parts.length; i++) {
        var markup = ROW_START + parts[i];
        if (i === parts.length - 1) { markup = markup.replace(/<\/ol>\s*$/, ""); }
        var m = /^<li [^>]*?\bid="([^"]+)"/.exec(markup);
        if (m) { rowHtml[m[1]] = markup; }
      }
      block.parentNode.removeChild(block);
    });
    lanePending[lane] = [];
  }
  var unbuilt = 0;  // entries without a row yet
  function build(list) {
    var todo = [], markup = [];
    list.forEach(function (e) {
      if (e.li) { return; }
      if (lanePending[e.lane] && lanePending[e.lane].length) { split(e.lane); }
      if (rowHtml[e.id] !== undefined) { todo.push(e); markup.push(rowHtml[e.id]); delete rowHtml[e.id]; }
      else if (!e.gone) { e.gone = true; unbuilt--; }  // no row in the page: nothing to build
    });
    if (!todo.length) { return; }
    var doc = new DOMParser().parseFromString("<ol>" + markup.join("") + "</ol>", "text/html");
    var touched = [];
    Array.prototype.slice.call(doc.querySelectorAll("li.entry")).forEach(function (li) {
      var e = byId[li.id];
      if (!e || e.li) { return; }
      var row = document.adoptNode(li);
      bind(row);
      row.hidden = !e.listed;
      e.fresh = true;
      unbuilt--;
      touched[e.lane] = true;
    });
    // Insert each new row before the next built row of its lane: one backward walk per lane.
    touched.forEach(function (_, lane) {
      var next = null;
      for (var i = laneEnd[lane] - 1; i >= laneStart[lane]; i--) {
        var x = ENTRIES[i];
        if (x.fresh) { laneList[lane].insertBefore(x.li, next); x.fresh = false; }
        if (x.li) { next = x.li; }
      }
    });
  }
  function buildAll() { if (unbuilt > 0) { build(ENTRIES); } }
  ENTRIES = ENTRIES.filter(function (e) { return laneList[e.lane]; });
  var laneStart = [], laneEnd = [];  // ENTRIES holds each lane's entries together, in list order
  ENTRIES.forEach(function (e, i) {
    if (laneStart[e.lane] === undefined) { laneStart[e.lane] = i; }
    laneEnd[e.lane] = i + 1;
    if (!e.li) { unbuilt++; }
  });
  var emptyNote = document.getElementById("empty");

  /* ---- filters ------------------------------------------------------------------------- */
  var state = { lane: {}, type: {}, status: {}, lang: {}, act: -1, actor: -1, terms: [] };
  var facets = document.getElementById("facets");
  var countEl = document.getElementById("count");
  var search = document.getElementById("q");

  function tally(key) {
    var counts = new Map();
    ENTRIES.forEach(function (e) {
      var v = e[key];
      (Array.isArray(v) ? v : [v]).forEach(function (x) { counts.set(x, (counts.get(x) || 0) + 1); });
    });
    return counts;
  }
  function pillGroup(title, key, values) {
    if (values.length < 2) { return; }
    var fs = el("fieldset", { "class": "facet", "data-facet": key });
    fs.appendChild(el("legend", null, title));
    var box = el("div", { "class": "pills" });
    values.forEach(function (v) {
      var label = el("label", { "class": "pill" });
      if (v.title && v.title !== v.label) { label.title = v.title; }
      var input = el("input", { type: "checkbox", value: String(v.value), "data-facet": key });
      var span = el("span");
      if (v.cls) { var dot = el("b"); span.className = v.cls; span.appendChild(dot); }
      span.appendChild(document.createTextNode(v.label));
      span.appendChild(el("i", null, v.count));
      label.appendChild(input);
      label.appendChild(span);
      input.addEventListener("change", function () {
        if (input.checked) { state[key][v.value] = true; } else { delete state[key][v.value]; }
        apply();
      });
      box.appendChild(label);
    });
    fs.appendChild(box);
    facets.appendChild(fs);
  }
  function selectFacet(title, key, names, counts) {
    if (names.length < 2) { return; }
    var fs = el("fieldset", { "class": "facet", "data-facet": key });
    var id = "f-" + key;
    fs.appendChild(el("legend", null, title));
    var sel = el("select", { id: id, "aria-label": title });
    sel.appendChild(el("option", { value: "-1" }, "All (" + names.length + ")"));
    names.map(function (n, i) { return { n: n, i: i, c: counts.get(i) || 0 }; })
      .sort(function (a, b) { return b.c - a.c || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0); })
      .forEach(function (o) { sel.appendChild(el("option", { value: String(o.i) }, o.n + " (" + o.c + ")")); });
    sel.addEventListener("change", function () { state[key] = parseInt(sel.value, 10); apply(); });
    fs.appendChild(sel);
    facets.appendChild(fs);
  }
  function buildFacets() {
    var laneCounts = tally("lane");
    pillGroup("Dossier", "lane", LANES.map(function (n, i) { return { value: i, label: shortName(n), title: n, count: laneCounts.get(i) || 0 }; })
      .filter(function (v) { return v.count; }));
    var statusCounts = tally("status");
    pillGroup("Status", "status", ["past", "ongoing", "planned"].filter(function (s) { return statusCounts.get(s); })
      .map(function (s) { return { value: s, label: typeLabel(s), count: statusCounts.get(s) }; }));
    var typeCounts = tally("type");
    var groupOf = {};
    ENTRIES.forEach(function (e) { groupOf[e.type] = e.group; });
    pillGroup("Type", "type", Array.from(typeCounts.keys()).sort(function (a, b) { return typeCounts.get(b) - typeCounts.get(a) || (a < b ? -1 : 1); })
      .map(function (t) { return { value: t, label: typeLabel(t), count: typeCounts.get(t), cls: "g-" + String(groupOf[t]).replace(/ /g, "-") }; }));
    var langCounts = tally("langs");
    pillGroup("Language", "lang", DATA.langs.map(function (l, i) { return { value: i, label: l.toUpperCase(), count: langCounts.get(i) || 0 }; })
      .filter(function (v) { return v.count; }));
    selectFacet("Act", "act", DATA.acts, tally("acts"));
    selectFacet("Actor", "actor", DATA.actors, tally("actors"));
  }
  /* What a search looks in: the entry's own words (label, dates, acts, actors, quotes, source
   * references) and its ISO date, not the page's fixed words ("Sources", "Link to this entry"). */
  function searchText(e) {
    var parts = [];
    Array.prototype.forEach.call(e.li.querySelectorAll("summary, dd, blockquote, .cite > :first-child"), function (n) {
      parts.push(n.textContent);
    });
    var time = e.li.querySelector("time");
    if (time) { parts.push(time.getAttribute("datetime")); }
    return fold(parts.join(" \u0001 "));
  }
  function any(obj) { for (var k in obj) { if (obj[k]) { return true; } } return false; }
  function hasSome(list, obj) { for (var i = 0; i < list.length; i++) { if (obj[list[i]]) { return true; } } return false; }
  function matches(e) {
    if (any(state.lane) && !state.lane[e.lane]) { return false; }
    if (any(state.type) && !state.type[e.type]) { return false; }
    if (any(state.status) && !state.status[e.status]) { return false; }
    if (any(state.lang) && !hasSome(e.langs, state.lang)) { return false; }
    if (state.act >= 0 && e.acts.indexOf(state.act) < 0) { return false; }
    if (state.actor >= 0 && e.actors.indexOf(state.actor) < 0) { return false; }
    if (state.terms.length) {
      if (e.folded === null) { e.folded = searchText(e); }
      for (var i = 0; i < state.terms.length; i++) { if (e.folded.indexOf(state.terms[i]) < 0) { return false; } }
    }
    return true;
  }
  /* The list shows at most `limit` matching entries (more on request): laying out thousands of
   * rows on every keystroke is what makes long timelines sluggish. The chart always shows all. */
  var PAGE = DATA.page || 400;
  var limit = PAGE;
  var pinned = null;
  var moreBtn = el("button", { type: "button", "class": "btn more", id: "more" });
  moreBtn.hidden = true;
  moreBtn.addEventListener("click", function () {
    var firstNew = null;
    limit += PAGE;
    apply(true);
    ENTRIES.forEach(function (e) { if (!firstNew && e.listed && e.rank === limit - PAGE) { firstNew = e; } });
    if (firstNew) { firstNew.summary.focus(); }
  });
  emptyNote.parentNode.insertBefore(moreBtn, emptyNote);
  function apply(keepLimit) {
    if (keepLimit !== true) { limit = PAGE; }
    if (state.terms.length) { buildAll(); }  // the search reads the rows' text
    var shown = 0;
    var listedIn = [], need = [];
    ENTRIES.forEach(function (e) {
      var vis = matches(e);
      e.visible = vis;
      e.rank = vis ? shown : -1;
      if (vis) { shown++; }
      e.listed = vis && (e.rank < limit || e === pinned);
      if (e.listed) {
        listedIn[e.lane] = true;
        if (!e.li) { need.push(e); }
      }
      if (e.li && e.li.hidden === e.listed) { e.li.hidden = !e.listed; }
    });
    build(need);
    laneSection.forEach(function (s, lane) {
      var vis = listedIn[lane] === true;
      if (s.hidden === vis) { s.hidden = !vis; }
    });
    emptyNote.hidden = shown !== 0;
    moreBtn.hidden = shown <= limit;
    moreBtn.textContent = "Show " + Math.min(PAGE, shown - limit) + " more in the list (" + (shown - limit) + " not listed yet)";
    countEl.textContent = "";
    countEl.appendChild(document.createTextNode("Showing "));
    countEl.appendChild(el("strong", null, shown));
    countEl.appendChild(document.createTextNode(" of " + ENTRIES.length + " entries"));
    countEl.setAttribute("data-shown", String(shown));
    if (selected && !selected.visible) { selected = null; }
    chart.draw();
  }
  function clearFilters() {
    state.lane = {}; state.type = {}; state.status = {}; state.lang = {}; state.act = -1; state.actor = -1;
    state.terms = []; search.value = "";
    Array.prototype.forEach.call(facets.querySelectorAll("input[type=checkbox]"), function (i) { i.checked = false; });
    Array.prototype.forEach.call(facets.querySelectorAll("select"), function (s) { s.value = "-1"; });
    apply();
  }
  var searchTimer = 0;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      state.terms = fold(search.value).split(/\s+/).filter(Boolean);
      apply();
    }, 120);
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && search.value) { search.value = ""; state.terms = []; apply(); }
  });
  document.getElementById("clear").addEventListener("click", clearFilters);

  /* ---- opening an entry ------------------------------------------------------------------ */
  var current = null;
  function openEntry(e, focus) {
    if (!e) { return; }
    if (!e.visible) { clearFilters(); }
    if (!e.li || e.li.hidden) { pinned = e; apply(true); }
    if (current && current !== e) { current.li.classList.remove("current"); }
    current = e;
    e.li.classList.add("current");
    e.details.open = true;
    if (history.replaceState) { try { history.replaceState(null, "", "#" + e.id); } catch (err) { /* file: */ } }
    e.li.scrollIntoView({ block: "center" });
    if (focus) { e.summary.focus({ preventScroll: true }); }
    selected = e;
    chart.draw();
  }
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id && byId[id] && laneList[byId[id].lane]) { openEntry(byId[id], false); }
  }
  window.addEventListener("hashchange", fromHash);

  /* ---- keyboard in the list ------------------------------------------------------------- */
  function visibleEntries() { return ENTRIES.filter(function (e) { return e.visible; }); }
  document.getElementById("entries").addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (!t || t.tagName !== "SUMMARY") { return; }
    var li = t.closest("li.entry");
    var e = li && byId[li.id];
    if (!e) { return; }
    var list = null;
    var target = null;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp" || ev.key === "Home" || ev.key === "End") {
      list = Array.prototype.slice.call(document.querySelectorAll("#entries li.entry:not([hidden])"));
      var i = list.indexOf(li);
      if (ev.key === "ArrowDown") { target = list[Math.min(list.length - 1, i + 1)]; }
      if (ev.key === "ArrowUp") { target = list[Math.max(0, i - 1)]; }
      if (ev.key === "Home") { target = list[0]; }
      if (ev.key === "End") { target = list[list.length - 1]; }
    }
    if (target) {
      ev.preventDefault();
      target.querySelector("summary").focus();
    }
  });
  document.getElementById("entries").addEventListener("focusin", function (ev) {
    var li = ev.target && ev.target.closest ? ev.target.closest("li.entry") : null;
    if (li && byId[li.id] && selected !== byId[li.id]) { selected = byId[li.id]; chart.schedule(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && !ev.ctrlKey && !ev.metaKey && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      search.focus();
    }
  });

  /* ---- theme -------------------------------------------------------------------------- */
  var root = document.documentElement;
  var themeBtn = el("button", { type: "button", "class": "btn", id: "theme" });
  function storedTheme() { try { return localStorage.getItem("policy-timeline-theme"); } catch (err) { return null; } }
  function effectiveTheme() {
    var t = root.getAttribute("data-theme");
    if (t) { return t; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function showTheme() {
    var dark = effectiveTheme() === "dark";
    themeBtn.textContent = dark ? "Light theme" : "Dark theme";
    themeBtn.setAttribute("aria-pressed", dark ? "true" : "false");
  }
  if (storedTheme() === "dark" || storedTheme() === "light") { root.setAttribute("data-theme", storedTheme()); }
  themeBtn.addEventListener("click", function () {
    var next = effectiveTheme() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try { localStorage.setItem("policy-timeline-theme", next); } catch (err) { /* private mode */ }
    showTheme();
    patterns = {};
    chart.draw();
  });
  document.getElementById("theme-slot").appendChild(themeBtn);
  showTheme();
  if (window.matchMedia) {  // the system theme changed while the page is open
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    var onSystemTheme = function () { showTheme(); patterns = {}; chart.schedule(); };
    if (mq.addEventListener) { mq.addEventListener("change", onSystemTheme); }
  }

  /* ---- print: show every source ----------------------------------------------------------- */
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    if (limit < ENTRIES.length) { limit = ENTRIES.length; apply(true); }  // print every match
    closedForPrint = ENTRIES.filter(function (e) { return e.details && !e.details.open; });
    closedForPrint.forEach(function (e) { e.details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (e) { e.details.open = false; });
    closedForPrint = [];
  });

  /* ---- the canvas timeline ----------------------------------------------------------------- */
  var selected = null;
  var patterns = {};
  var canvas = document.getElementById("canvas");
  var tip = document.getElementById("tip");
  var announce = document.getElementById("announce");
  var chart = (function () {
    var ctx = canvas.getContext("2d");
    var GUTTER = 180, AXIS = 30, ROW = 22, PAD = 8, MAXROWS = 4, RIGHT = 16;
    var dated = ENTRIES.filter(function (e) { return typeof e.start === "number"; });
    var minDay = Infinity, maxDay = -Infinity;
    dated.forEach(function (e) { minDay = Math.min(minDay, e.start); maxDay = Math.max(maxDay, e.end + 1); });
    if (!dated.length) { minDay = 0; maxDay = 365; }
    var view = { t0: 0, t1: 1 };
    var layout = [];
    var width = 600, height = 200;
    var rootStyle = getComputedStyle(root);  // live: read once per draw, never per entry
    var family = rootStyle.fontFamily;
    var font = "12px " + family;
    var laneFont = "bold 12px " + family;
    var cache = {};  // custom property -> value, for one draw
    var charW = Object.create(null);  // label widths from per-character widths: no measureText per entry

    function fit() {
      var pad = Math.max(60, (maxDay - minDay) * 0.03);
      view.t0 = minDay - pad; view.t1 = maxDay + pad;
    }
    function plotW() { return Math.max(50, width - GUTTER - RIGHT); }
    function x(day) { return GUTTER + (day - view.t0) / (view.t1 - view.t0) * plotW(); }
    function dayAt(px) { return view.t0 + (px - GUTTER) / plotW() * (view.t1 - view.t0); }
    function css(name) {
      if (!(name in cache)) { cache[name] = rootStyle.getPropertyValue(name).trim(); }
      return cache[name];
    }
    function textWidth(s) {
      var w = 0;
      for (var i = 0; i < s.length; i++) {
        var ch = s.charAt(i), cw = charW[ch];
        if (cw === undefined) { ctx.font = font; cw = charW[ch] = ctx.measureText(ch).width; }
        w += cw;
      }
      return w;
    }
    function colour(e) { return css(GROUP_VAR[e.group] || "--g-activity"); }
    function hatch(c) {
      if (patterns[c]) { return patterns[c]; }
      var p = document.createElement("canvas");
      var dpr = window.devicePixelRatio || 1;
      p.width = p.height = Math.round(6 * dpr);
      var g = p.getContext("2d");
      g.scale(dpr, dpr);
      g.strokeStyle = c; g.lineWidth = 1.6;
      g.beginPath(); g.moveTo(-1, 7); g.lineTo(7, -1); g.moveTo(-1, 1); g.lineTo(1, -1); g.moveTo(5, 7); g.lineTo(7, 5); g.stroke();
      var pat = ctx.createPattern(p, "repeat");
      if (pat && pat.setTransform && window.DOMMatrix) { pat.setTransform(new DOMMatrix().scale(1 / dpr)); }
      patterns[c] = pat;
      return pat;
    }
    function shortLabel(e) {
      if (e.short === undefined) {
        var s = e.label.length > 46 ? e.label.slice(0, 44).replace(/\s+\S*$/, "") + "…" : e.label;
        e.short = s;
        e.labelW = textWidth(s);
      }
      return e.short;
    }
    function nameLines(name) {
      ctx.font = laneFont;
      var words = shortName(name).replace(/([-_\/])/g, "$1 ").split(/\s+/), lines = 1, line = "";
      words.forEach(function (w) {
        var t = line ? line + " " + w : w;
        if (ctx.measureText(t).width > GUTTER - 24 && line) { lines++; line = w; } else { line = t; }
      });
      return Math.min(lines, 4);
    }
    function doLayout() {
      layout = [];
      var y = AXIS;
      var perLane = LANES.map(function () { return []; });
      dated.forEach(function (e) { if (e.visible) { perLane[e.lane].push(e); } });
      perLane.forEach(function (items, lane) {
        if (!items.length) { return; }
        items.sort(function (a, b) { return a.start - b.start || a.index - b.index; });
        var rowEnd = [];  // per row: where the last label ends
        var markEnd = [];  // per row: where the last mark ends
        var placed = [];
        items.forEach(function (e) {
          var x0 = x(e.start), x1 = e.vague ? Math.max(x0 + 6, x(e.end + 1)) : x0;
          if (e.openEnd) { x1 = x0 + 36; }
          if (e.openStart) { x0 = x1 - 36; }
          shortLabel(e);
          var right = width - RIGHT;
          var ls = Math.max(x1, x0) + 9, le = ls + e.labelW;
          var leftLabel = false;
          if (le > right && x0 - 9 - e.labelW >= GUTTER + 2) { leftLabel = true; ls = x0 - 9 - e.labelW; le = Math.max(x1, x0) + 6; }
          var s0 = Math.min(ls, x0 - 6), s1 = Math.max(le, x1 + 6);
          var row = -1, label = false, r;
          for (r = 0; r < MAXROWS; r++) {
            if ((rowEnd[r] === undefined || rowEnd[r] + 6 <= s0) && (markEnd[r] === undefined || markEnd[r] + 6 <= s0)) { row = r; label = true; break; }
          }
          if (row < 0) {  // no room for the label: the mark alone, touching other marks but never a label
            var best = -1;
            for (r = 0; r < MAXROWS + 1; r++) {
              if (rowEnd[r] === undefined || rowEnd[r] + 2 <= x0 - 6) {
                if (best < 0 || (markEnd[r] || -Infinity) < (markEnd[best] || -Infinity)) { best = r; }
                if (markEnd[r] === undefined || markEnd[r] + 2 <= x0 - 6) { best = r; break; }
              }
            }
            row = best >= 0 ? best : MAXROWS;
          }
          var end = Math.max(x1, x0) + 6;
          if (label) { rowEnd[row] = Math.max(rowEnd[row] === undefined ? -Infinity : rowEnd[row], s1); }
          else if (rowEnd[row] === undefined) { rowEnd[row] = -Infinity; }
          markEnd[row] = Math.max(markEnd[row] === undefined ? -Infinity : markEnd[row], end);
          placed.push({ e: e, row: row, x0: x0, x1: x1, label: label, ls: ls, le: le, left: leftLabel });
        });
        var rows = Math.max(1, rowEnd.length, markEnd.length);
        var h = Math.max(rows * ROW, nameLines(LANES[lane]) * 15 + 18) + PAD * 2;
        placed.forEach(function (p) { p.y = y + PAD + p.row * ROW + ROW / 2; });
        layout.push({ lane: lane, y: y, h: h, items: placed });
        y += h;
      });
      return y + 4;
    }
    function ticks() {
      var span = view.t1 - view.t0;
      var pxPerDay = plotW() / span;
      var steps = [[1, "d"], [7, "d"], [1, "m"], [3, "m"], [6, "m"], [1, "y"], [2, "y"], [5, "y"], [10, "y"], [20, "y"], [50, "y"]];
      var approx = { d: 1, m: 30.44, y: 365.25 };
      var step = steps[steps.length - 1];
      for (var i = 0; i < steps.length; i++) { if (steps[i][0] * approx[steps[i][1]] * pxPerDay >= 80) { step = steps[i]; break; } }
      var out = [];
      var d = new Date(Math.floor(view.t0) * DAY_MS);
      var y0 = d.getUTCFullYear(), m0 = d.getUTCMonth();
      var t, cur, n = 0;
      if (step[1] === "y") {
        cur = Math.floor(y0 / step[0]) * step[0];
        while (n++ < 500) {
          t = Date.UTC(cur, 0, 1) / DAY_MS;
          if (t > view.t1) { break; }
          if (t >= view.t0) { out.push({ day: t, text: String(cur), major: true }); }
          cur += step[0];
        }
      } else if (step[1] === "m") {
        cur = m0 - (m0 % step[0]);
        var yr = y0;
        while (n++ < 2000) {
          t = Date.UTC(yr, cur, 1) / DAY_MS;
          if (t > view.t1) { break; }
          var dd = new Date(t * DAY_MS);
          if (t >= view.t0) { out.push({ day: t, text: dd.getUTCMonth() === 0 ? String(dd.getUTCFullYear()) : MONTHS[dd.getUTCMonth()] + " " + dd.getUTCFullYear(), major: dd.getUTCMonth() === 0 }); }
          cur += step[0];
        }
      } else {
        t = Math.ceil(view.t0 / step[0]) * step[0];
        while (t <= view.t1 && n++ < 2000) {
          var dt = new Date(t * DAY_MS);
          out.push({ day: t, text: dt.getUTCDate() + " " + MONTHS[dt.getUTCMonth()] + " " + dt.getUTCFullYear(), major: dt.getUTCDate() === 1 });
          t += step[0];
        }
      }
      return out;
    }
    function roundRect(x0, y0, w, h, r) {
      ctx.beginPath();
      ctx.moveTo(x0 + r, y0); ctx.lineTo(x0 + w - r, y0); ctx.arcTo(x0 + w, y0, x0 + w, y0 + r, r);
      ctx.lineTo(x0 + w, y0 + h - r); ctx.arcTo(x0 + w, y0 + h, x0 + w - r, y0 + h, r);
      ctx.lineTo(x0 + r, y0 + h); ctx.arcTo(x0, y0 + h, x0, y0 + h - r, r);
      ctx.lineTo(x0, y0 + r); ctx.arcTo(x0, y0, x0 + r, y0, r); ctx.closePath();
    }
    var curFont = "";
    function drawItem(p, bg, fg) {
      var e = p.e, c = colour(e), y = p.y;
      ctx.lineWidth = 2;
      ctx.setLineDash(e.status === "planned" ? [3, 2] : []);
      if (e.vague) {
        var w = Math.max(6, p.x1 - p.x0);
        roundRect(p.x0, y - 5, w, 10, 3);
        ctx.fillStyle = bg; ctx.fill();
        ctx.fillStyle = hatch(c); ctx.fill();
        ctx.strokeStyle = c; ctx.stroke();
        if (e.openEnd || e.openStart) {
          ctx.setLineDash([]);
          ctx.beginPath();
          var ax = e.openEnd ? p.x0 + w : p.x0;
          var dir = e.openEnd ? 1 : -1;
          ctx.moveTo(ax, y - 5); ctx.lineTo(ax + dir * 6, y); ctx.lineTo(ax, y + 5); ctx.fillStyle = c; ctx.fill();
        }
      } else {
        ctx.beginPath(); ctx.arc(p.x0, y, 5.5, 0, Math.PI * 2);
        if (e.status === "planned") { ctx.fillStyle = bg; ctx.fill(); ctx.strokeStyle = c; ctx.stroke(); }
        else if (e.status === "ongoing") {
          ctx.fillStyle = bg; ctx.fill(); ctx.strokeStyle = c; ctx.stroke();
          ctx.beginPath(); ctx.arc(p.x0, y, 5.5, Math.PI / 2, Math.PI * 1.5); ctx.fillStyle = c; ctx.fill();
        } else { ctx.fillStyle = c; ctx.fill(); }
      }
      ctx.setLineDash([]);
      if (e.conflict) {
        ctx.strokeStyle = css("--warn"); ctx.lineWidth = 1.5; ctx.setLineDash([2, 2]);
        ctx.beginPath(); ctx.arc(p.x0 + (e.vague ? 0 : 0), y, 9, 0, Math.PI * 2); ctx.stroke(); ctx.setLineDash([]);
      }
      if (p.label && (p.left || Math.max(p.x1, p.x0) >= GUTTER)) {  // no orphan label of an off-screen mark
        ctx.fillStyle = fg;
        var f = e.status === "planned" ? "italic " + font : font;
        if (curFont !== f) { ctx.font = f; curFont = f; }
        ctx.fillText(e.short, p.ls, y + 0.5);
      }
      if (e === selected) {
        ctx.strokeStyle = css("--focus"); ctx.lineWidth = 3;
        roundRect(p.x0 - 9, y - 10, Math.max(18, p.x1 - p.x0 + 18), 20, 8); ctx.stroke();
      }
    }
    function drawLinks(colourOfLink) {
      var at = Object.create(null);
      layout.forEach(function (L) { L.items.forEach(function (p) { at[p.e.id] = p; }); });
      ctx.strokeStyle = colourOfLink; ctx.fillStyle = colourOfLink; ctx.lineWidth = 1.2; ctx.setLineDash([4, 3]);
      layout.forEach(function (L) {
        L.items.forEach(function (p) {
          var q = p.e.realisedBy && at[p.e.realisedBy];
          if (!q) { return; }
          var x0 = p.x0, y0 = p.y, x1 = q.x0, y1 = q.y;
          var mx = (x0 + x1) / 2, my = Math.min(y0, y1) - 14;
          ctx.beginPath(); ctx.moveTo(x0, y0 - 6); ctx.quadraticCurveTo(mx, my, x1, y1 - 6); ctx.stroke();
          ctx.setLineDash([]);
          ctx.beginPath(); ctx.moveTo(x1, y1 - 6); ctx.lineTo(x1 - 4 * Math.sign(x1 - x0 || 1), y1 - 11); ctx.lineTo(x1 + 1 * Math.sign(x1 - x0 || 1), y1 - 12); ctx.fill();
          ctx.setLineDash([4, 3]);
        });
      });
      ctx.setLineDash([]);
    }
    function draw() {
      cache = {};
      width = Math.max(320, canvas.parentNode.clientWidth);
      height = doLayout();
      var dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
        canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
        canvas.style.height = height + "px";
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      var bg = css("--bg"), bg2 = css("--bg2"), fg = css("--fg"), fg2 = css("--fg2"), line = css("--line");
      ctx.fillStyle = bg; ctx.fillRect(0, 0, width, height);
      layout.forEach(function (L, i) {
        if (i % 2 === 0) { ctx.fillStyle = bg2; ctx.fillRect(0, L.y, width, L.h); }
      });
      // grid and axis
      ctx.font = font; ctx.textBaseline = "middle";
      ticks().forEach(function (t) {
        var tx = Math.round(x(t.day)) + 0.5;
        if (tx < GUTTER) { return; }
        ctx.strokeStyle = line; ctx.lineWidth = 1; ctx.globalAlpha = t.major ? 1 : 0.55;
        ctx.beginPath(); ctx.moveTo(tx, AXIS - 6); ctx.lineTo(tx, height); ctx.stroke();
        ctx.globalAlpha = 1; ctx.fillStyle = fg2; ctx.fillText(t.text, tx + 4, AXIS / 2);
      });
      ctx.strokeStyle = line; ctx.beginPath(); ctx.moveTo(0, AXIS - 0.5); ctx.lineTo(width, AXIS - 0.5); ctx.stroke();
      // entries, clipped to the plot
      ctx.save();
      ctx.beginPath(); ctx.rect(GUTTER, AXIS, width - GUTTER, height - AXIS); ctx.clip();
      curFont = "";
      layout.forEach(function (L) { L.items.forEach(function (p) { drawItem(p, bg, fg); }); });
      drawLinks(fg2);
      ctx.restore();
      // lane names in the gutter
      layout.forEach(function (L) {
        ctx.fillStyle = layout.indexOf(L) % 2 === 0 ? bg2 : bg; ctx.fillRect(0, L.y, GUTTER, L.h);
        ctx.fillStyle = fg; ctx.font = laneFont;
        var name = shortName(LANES[L.lane]), words = name.replace(/([-_\/])/g, "$1 ").split(/\s+/), lines = [""], maxW = GUTTER - 24;
        words.forEach(function (w) {
          var prev = lines[lines.length - 1];
          var tryLine = prev ? prev + (/[-_\/]$/.test(prev) ? "" : " ") + w : w;
          if (ctx.measureText(tryLine).width > maxW && lines[lines.length - 1]) { lines.push(w); } else { lines[lines.length - 1] = tryLine; }
        });
        lines = lines.slice(0, 4);
        lines.forEach(function (s, k) {
          while (ctx.measureText(s).width > maxW && s.length > 3) { s = s.slice(0, -2) + "…"; }
          ctx.fillText(s, 12, L.y + PAD + 8 + k * 15);
        });
        ctx.fillStyle = fg2; ctx.font = font;
        ctx.fillText(L.items.length + (L.items.length === 1 ? " entry" : " entries"), 12, L.y + PAD + 8 + lines.length * 15);
        ctx.strokeStyle = line; ctx.beginPath(); ctx.moveTo(GUTTER - 0.5, L.y); ctx.lineTo(GUTTER - 0.5, L.y + L.h); ctx.stroke();
      });
      var undated = ENTRIES.filter(function (e) { return e.visible && typeof e.start !== "number"; }).length;
      canvas.setAttribute("aria-label", "Visual timeline, " + layout.length + " dossier lanes" +
        (undated ? "; " + undated + " entries without a date appear only in the list" : ""));
    }
    function hit(px, py) {
      var best = null, bestD = 1e9;
      layout.forEach(function (L) {
        if (py < L.y || py > L.y + L.h) { return; }
        L.items.forEach(function (p) {
          if (Math.abs(py - p.y) > 10) { return; }
          var lo = p.label && p.left ? p.ls : p.x0 - 8;
          var hi = p.label && !p.left ? p.le : Math.max(p.x1, p.x0) + 8;
          if (px < lo || px > hi) { return; }
          var d = Math.abs(px - p.x0);
          if (d < bestD) { bestD = d; best = p; }
        });
      });
      return best;
    }
    function zoom(factor, aroundPx) {
      var c;
      if (aroundPx !== undefined) { c = dayAt(aroundPx); }
      else if (selected && typeof selected.start === "number" && selected.visible) { c = (selected.start + selected.end + 1) / 2; }
      else { c = dayAt(GUTTER + plotW() / 2); }
      var span = (view.t1 - view.t0) * factor;
      span = Math.min(Math.max(span, 10), (maxDay - minDay + 3650) * 1.5);
      var f = aroundPx === undefined && selected && selected.visible ? 0.5 : (c - view.t0) / (view.t1 - view.t0);
      view.t0 = c - f * span; view.t1 = view.t0 + span;
      draw();
    }
    function pan(px) {
      var d = px / plotW() * (view.t1 - view.t0);
      view.t0 += d; view.t1 += d;
      draw();
    }
    function placedOf(e) {
      for (var i = 0; i < layout.length; i++) {
        for (var j = 0; j < layout[i].items.length; j++) { if (layout[i].items[j].e === e) { return { L: i, p: layout[i].items[j] }; } }
      }
      return null;
    }
    function select(e) {
      selected = e;
      var xs = x(e.start), xe = e.vague ? x(e.end + 1) : xs;
      if (xs < GUTTER + 20 || xe > width - RIGHT - 20) {
        var span = view.t1 - view.t0, mid = (e.start + e.end) / 2;
        view.t0 = mid - span / 2; view.t1 = mid + span / 2;
      }
      draw();
      announce.textContent = e.when + ", " + typeLabel(e.type) + (e.status === "planned" ? ", planned" : "") + ": " + e.label +
        " (" + LANES[e.lane] + ")";
    }
    // pointer: drag to pan, click to open, hover for a tooltip
    var drag = null;
    canvas.addEventListener("pointerdown", function (ev) {
      drag = { x: ev.clientX, t0: view.t0, t1: view.t1, moved: false };
      canvas.setPointerCapture(ev.pointerId);
    });
    canvas.addEventListener("pointermove", function (ev) {
      var r = canvas.getBoundingClientRect();
      if (drag) {
        var dx = ev.clientX - drag.x;
        if (Math.abs(dx) > 3) { drag.moved = true; canvas.classList.add("dragging"); tip.hidden = true; }
        if (drag.moved) {
          var d = -dx / plotW() * (drag.t1 - drag.t0);
          view.t0 = drag.t0 + d; view.t1 = drag.t1 + d;
          window.requestAnimationFrame(draw);
        }
        return;
      }
      var p = hit(ev.clientX - r.left, ev.clientY - r.top);
      if (!p) { tip.hidden = true; canvas.style.cursor = ""; return; }
      canvas.style.cursor = "pointer";
      tip.textContent = "";
      tip.appendChild(el("b", null, p.e.when + " · " + typeLabel(p.e.type) + (p.e.status !== "past" ? " · " + p.e.status : "")));
      tip.appendChild(document.createTextNode(p.e.label));
      tip.hidden = false;
      var tx = Math.min(ev.clientX - r.left + 14, width - 350);
      tip.style.left = Math.max(4, tx) + "px";
      tip.style.top = (ev.clientY - r.top + 16) + "px";
    });
    canvas.addEventListener("pointerleave", function () { tip.hidden = true; });
    canvas.addEventListener("pointerup", function (ev) {
      var r = canvas.getBoundingClientRect();
      var wasDrag = drag && drag.moved;
      drag = null;
      canvas.classList.remove("dragging");
      if (wasDrag) { return; }
      var p = hit(ev.clientX - r.left, ev.clientY - r.top);
      if (p) { openEntry(p.e, true); }
    });
    canvas.addEventListener("wheel", function (ev) {
      var r = canvas.getBoundingClientRect();
      if (ev.ctrlKey || ev.metaKey || ev.altKey) {
        ev.preventDefault();
        zoom(Math.exp(ev.deltaY * 0.002), ev.clientX - r.left);
      } else if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
        ev.preventDefault();
        pan(ev.deltaX);
      }
    }, { passive: false });
    canvas.addEventListener("dblclick", function (ev) {
      var r = canvas.getBoundingClientRect();
      zoom(ev.shiftKey ? 2 : 0.5, ev.clientX - r.left);
    });
    canvas.addEventListener("keydown", function (ev) {
      var k = ev.key, handled = true;
      var cur = selected && placedOf(selected);
      if (k === "+" || k === "=") { zoom(0.7); }
      else if (k === "-" || k === "_") { zoom(1 / 0.7); }
      else if (k === "0") { fit(); draw(); }
      else if ((k === "ArrowLeft" || k === "ArrowRight") && ev.shiftKey) { pan((k === "ArrowLeft" ? -1 : 1) * plotW() * 0.2); }
      else if (k === "ArrowLeft" || k === "ArrowRight" || k === "Home" || k === "End") {
        if (!layout.length) { return; }
        var L = cur ? layout[cur.L] : layout[0];
        var items = L.items;
        var i = cur ? items.indexOf(cur.p) : -1;
        if (k === "ArrowRight") { i = Math.min(items.length - 1, i + 1); }
        if (k === "ArrowLeft") { i = Math.max(0, i < 0 ? 0 : i - 1); }
        if (k === "Home") { i = 0; }
        if (k === "End") { i = items.length - 1; }
        select(items[i].e);
      } else if (k === "ArrowUp" || k === "ArrowDown") {
        if (!layout.length) { return; }
        var li = cur ? cur.L + (k === "ArrowDown" ? 1 : -1) : 0;
        li = Math.max(0, Math.min(layout.length - 1, li));
        var target = cur ? cur.p.e.start : dayAt(GUTTER + plotW() / 2), best = null, bd = Infinity;
        layout[li].items.forEach(function (p) { var d = Math.abs(p.e.start - target); if (d < bd) { bd = d; best = p; } });
        if (best) { select(best.e); }
      } else if ((k === "Enter" || k === " ") && selected) { openEntry(selected, true); }
      else { handled = false; }
      if (handled) { ev.preventDefault(); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-zoom]"), function (b) {
      b.addEventListener("click", function () {
        var z = b.getAttribute("data-zoom");
        if (z === "in") { zoom(0.6); } else if (z === "out") { zoom(1 / 0.6); } else { fit(); draw(); }
      });
    });
    var pending = false;
    function schedule() {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; draw(); });
    }
    fit();
    return { draw: draw, fit: fit, schedule: schedule, width: function () { return width; } };
  }());

  /* ---- start -------------------------------------------------------------------------- */
  document.getElementById("filters").hidden = false;
  document.querySelector(".layout").classList.add("with-filters");
  document.getElementById("visual").hidden = false;
  buildFacets();
  apply();
  if (window.ResizeObserver) {
    new ResizeObserver(function (entries) {
      var w = Math.max(320, Math.round(entries[0].contentRect.width));  // as clientWidth rounds
      if (w !== chart.width()) { chart.draw(); }
    }).observe(document.getElementById("chart"));
  } else {
    window.addEventListener("resize", function () { chart.draw(); });
  }
  if (location.hash) { fromHash(); }
  /* Ready: the first frame with the list, filters and chart is on screen ("timeline-ready" is
   * what bench/page.py times). Then, while the browser is idle, the remaining rows are parsed
   * and their search text folded, so the first search or "Show more" does not wait for them. */
  var idle = window.requestIdleCallback || function (fn) { return setTimeout(function () { fn(null); }, 30); };
  var folding = 0;
  function background(deadline) {
    var busyUntil = deadline ? 0 : performance.now() + 12;
    function more() { return deadline ? deadline.timeRemaining() > 4 : performance.now() < busyUntil; }
    do {
      if (unbuilt > 0) {
        var batch = [];
        for (var i = 0; i < ENTRIES.length && batch.length < 60; i++) { if (!ENTRIES[i].li && !ENTRIES[i].gone) { batch.push(ENTRIES[i]); } }
        build(batch);
      } else if (folding < ENTRIES.length) {
        for (var stop = Math.min(ENTRIES.length, folding + 200); folding < stop; folding++) {
          var e = ENTRIES[folding];
          if (e.folded === null && e.li) { e.folded = searchText(e); }
        }
      } else { return; }
    } while (more());
    idle(background, { timeout: 1000 });
  }
  window.requestAnimationFrame(function () {
    setTimeout(function () {
      performance.mark("timeline-ready");
      idle(background, { timeout: 1000 });
    }, 0);
  });
}());
