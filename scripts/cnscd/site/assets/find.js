// "Find your village": matches names without diacritics ("cao bang" finds "Cao Bằng").
// The index is written by cnscd.site.search (folded as cnscd.text.fold folds; a test compares the
// two in Chromium). This file is the only place that chooses shards (`plan`), expands abbreviations
// (with the table the manifest carries, search.ABBREVIATIONS) and decodes shards: the Python tests and
// `cnscd bench-search` run these very functions (window.cnscdFind), never a copy.
(function () {
  "use strict";
  var RANK = { commune: 0, village: 1, team: 2, province: 3, old_commune: 4, commune_no_data: 5 };
  var KIND_VI = { commune: "Xã, phường", village: "Thôn, tổ dân phố", team: "Tổ", province: "Tỉnh, thành phố",
    old_commune: "Xã cũ", commune_no_data: "Xã, phường (chưa có dữ liệu)" };
  var LIMIT = 30;
  var TYPE_MORE = "Gõ thêm tên xã, phường hoặc tỉnh để thu hẹp kết quả.";

  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/\p{Mn}/gu, "")
      .replace(/[ \u00a0]+/g, " ").trim();
  }

  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  function startsAny(list, token) {
    return list.some(function (w) { return w.indexOf(token) === 0; });
  }

  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
  }

  function isNumber(token) { return /^\p{N}+$/u.test(token); }

  // The query with abbreviations written out: «tdp 5 p. vung tau» → «to dan pho 5 phuong vung tau».
  // A one-letter one counts only when finished («p.» or «p vung tau»): «p» may start «phú». A trailing
  // space or dot stays a space, so a finished last word stays finished (see plan).
  function expand(m, query) {
    var folded = fold(query), out = [], re = /[\p{L}\p{N}]+\.?/gu, match;
    while ((match = re.exec(folded)) !== null) {
      var word = match[0].replace(/\.$/, ""), full = m.abbreviations[word];
      var finished = /\.$/.test(match[0]) || re.lastIndex < folded.length;
      out.push(full && (word.length > 1 || finished) ? full : word);
    }
    return out.join(" ") + (out.length && /[\s.]$/.test(query) ? " " : "");
  }

  // The shards a query (already expanded) downloads, or null: too common, type more. Each entry is filed
  // (search.filing_names) under the words of its name and its commune's, or its province's; never under
  // a stop word, a number or a common word (one whose entries would not fit a shard), but under the
  // pair a common word makes with the next word. A context word (a province's, for a village) only
  // filters. So, in this order, the cheapest of:
  //  1. one word that may not start a stop, common or context word;
  //  2. one pair after a common word, when the pair may not start a context word: first those whose
  //     second word may not start one either («ha phong» in «thon ha phong quang thai nguyen»; the
  //     village is not filed under «quang thai»), then the others («phong quang» in «xa phong quang»);
  //  3. the union of the words and pairs that may start context words: it holds all they match, except
  //     villages matched by their province alone;
  //  4. a finished word (followed by more text) that starts a common word, as the whole word it is.
  function plan(m, query) {
    var tokens = words(query).filter(function (t) { return m.stop.indexOf(t) === -1 && !isNumber(t); });
    var single = [], pairs = [], risky = [], context = [];
    tokens.forEach(function (t, i) {
      if (startsAny(m.context, t)) context.push(t); else single.push([t]);
      var next = tokens[i + 1], pair = t + " " + next;
      if (next === undefined || m.common.indexOf(t) === -1) return;
      if (startsAny(m.context, pair)) context.push(pair); else (startsAny(m.context, next) ? risky : pairs).push([pair]);
    });
    var finished = (/\s$/.test(query) ? tokens : tokens.slice(0, -1)).map(function (t) { return [t]; });
    return cheapest(m, single) || cheapest(m, pairs) || cheapest(m, risky) || cheapest(m, [unique(context)])
      || cheapest(m, finished, true);
  }

  // The keys that may hold a word's entries: those it starts, and the longest key it starts with (the
  // key that holds it among others). A whole word needs only the latter.
  function keysOf(m, token, whole) {
    var names = Object.keys(m.shards), owner = null;
    var keys = whole ? [] : names.filter(function (k) { return k.indexOf(token) === 0; });
    names.forEach(function (k) {
      if (token.indexOf(k) === 0 && k.length > token.indexOf(" ") && (owner === null || k.length > owner.length)) owner = k;
    });
    if (owner !== null && keys.indexOf(owner) === -1) keys.push(owner);
    return keys;
  }

  // Of the groups of words (each answered by the union of its words' keys), the cheapest that fits
  // manifest.query_bytes. A word that may be a stop or common word is left out: it is filed nowhere.
  function cheapest(m, groups, whole) {
    var unusable = m.stop.concat(m.common), choices = [];
    function cost(keys) { return keys.reduce(function (sum, k) { return sum + m.shards[k]; }, 0); }
    groups.forEach(function (group) {
      var usable = group.filter(function (t) { return unusable.indexOf(t) === -1 && (whole || !startsAny(unusable, t)); });
      choices.push(unique([].concat.apply([], usable.map(function (t) { return keysOf(m, t, whole); }))));
    });
    var best = null;
    choices.forEach(function (keys) {
      if (keys.length && cost(keys) <= m.query_bytes && (best === null || cost(keys) < cost(best))) best = keys;
    });
    return best;
  }

  // A shard's rows [kind, name, place, anchor?] as {n, c, u, t, k}: place is a province number (manifest),
  // a commune number (the shard's table c) or an address (search._encode writes them).
  function decode(m, shard) {
    var kinds = Object.keys(RANK);
    return shard.e.map(function (row) {
      var t = kinds.filter(function (k) { return RANK[k] === row[0]; })[0], url, context;
      if (t === "province") {
        url = m.provinces[row[2]][0];
        context = "";
      } else if (t === "commune_no_data") {
        url = m.provinces[row[2]][0] + row[3];
        context = m.provinces[row[2]][1];
      } else if (t === "old_commune") {
        url = row[2];
        context = m.old_commune;
      } else {
        var commune = shard.c[row[2]], province = m.provinces[commune[2]][1];
        url = commune[0] + (row.length > 3 ? "#" + row[3] : "");
        context = t === "commune" ? province : commune[1] + ", " + province;
      }
      return { n: row[1], c: context, u: url, t: t, k: " " + words(row[1] + " " + context).join(" ") };
    });
  }

  function setup() {
    var form = document.getElementById("cnscd-find");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var input = document.getElementById("cnscd-find-input");
    var list = document.getElementById("cnscd-find-results");
    var status = document.getElementById("cnscd-find-status");
    var indexUrl = new URL(form.getAttribute("data-index"), document.baseURI);
    var siteRoot = new URL("../../../", indexUrl);
    var manifest = null;
    var shards = {};

    function manifestReady() {
      if (!manifest) manifest = getJSON(indexUrl);
      return manifest;
    }

    // Results sit right under the box; on a phone the keyboard takes half the screen, so the input goes
    // to the top of what is visible (below the theme's header) and the results follow it.
    function bringUp() {
      var header = document.querySelector(".md-header");
      var top = input.getBoundingClientRect().top - (header ? header.getBoundingClientRect().height : 0) - 8;
      if (Math.abs(top) > 2) window.scrollBy(0, top);
    }

    function getJSON(url) {
      return fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }

    function shardUrl(key) { return new URL("s/" + key.replace(/ /g, "-") + ".json", indexUrl); }

    // Resolves to null when the query is too common to answer with a small download.
    function load(query) {
      return manifestReady().then(function (m) {
        var keys = plan(m, query);
        if (keys === null) return null;
        return Promise.all(keys.map(function (key) {
          if (!shards[key]) shards[key] = getJSON(shardUrl(key)).then(function (d) { return decode(m, d); });
          return shards[key];
        })).then(function (parts) {
          var seen = {};
          return [].concat.apply([], parts).filter(function (e) {
            var id = e.t + e.u + e.n;
            if (seen[id]) return false;
            seen[id] = true;
            return true;
          });
        });
      });
    }

    function show(query, entries) {
      var tokens = words(query);
      query = tokens.join(" ");
      var hits = entries.filter(function (e) {
        return tokens.every(function (t) { return e.k.indexOf(" " + t) !== -1; });
      });
      hits.sort(function (a, b) {
        var an = fold(a.n), bn = fold(b.n);
        var as = an.indexOf(query) === 0 ? 0 : an.indexOf(query) !== -1 ? 1 : 2;
        var bs = bn.indexOf(query) === 0 ? 0 : bn.indexOf(query) !== -1 ? 1 : 2;
        return as - bs || RANK[a.t] - RANK[b.t];
      });
      list.textContent = "";
      hits.slice(0, LIMIT).forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = new URL(e.u, siteRoot).href;
        a.textContent = e.n;
        li.appendChild(a);
        var small = document.createElement("span");
        small.className = "cnscd-find-context";
        small.textContent = " " + KIND_VI[e.t] + (e.c ? " · " + e.c : "");
        li.appendChild(small);
        list.appendChild(li);
      });
      status.textContent = hits.length === 0 ? "Không tìm thấy. Thử gõ tên xã, phường."
        : hits.length > LIMIT ? "Có " + hits.length + " kết quả, hiện " + LIMIT + " kết quả đầu." : "Có " + hits.length + " kết quả.";
    }

    function run() {
      var typed = input.value, query;
      // data-answered names the text the results are for (tests and the bytes bench wait on it).
      function answered() { form.setAttribute("data-answered", typed); }
      if (fold(typed).length < 2) { list.textContent = ""; status.textContent = ""; answered(); return; }
      manifestReady().then(function (m) {
        query = expand(m, typed);
        return load(query);
      }).then(function (entries) {
        if (input.value !== typed) return;
        if (entries === null) { list.textContent = ""; status.textContent = TYPE_MORE; } else show(query, entries);
        bringUp();
        answered();
      })
        .catch(function () { status.textContent = "Không tải được danh sách. Hãy chọn tỉnh ở bên dưới."; answered(); });
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () { manifestReady(); window.setTimeout(bringUp, 300); });
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    if (input.value) run();
  }

  window.cnscdFind = { fold: fold, words: words, expand: expand, plan: plan, decode: decode };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
