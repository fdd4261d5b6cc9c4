// "Find your village": matches names without diacritics ("cao bang" finds "Cao Bằng").
// The index is built by cnscd.site.search with the same folding as cnscd.text.fold; `plan` below
// chooses shards exactly as search.plan does, so a query downloads at most manifest.query_bytes, and
// expands abbreviations (tdp, kp, p.) with the table the manifest carries (search.ABBREVIATIONS).
(function () {
  "use strict";
  var RANK = { commune: 0, village: 1, team: 2, province: 3, old_commune: 4, commune_no_data: 5 };
  var KIND_VI = { commune: "Xã, phường", village: "Thôn, tổ dân phố", team: "Tổ", province: "Tỉnh, thành phố",
    old_commune: "Xã cũ", commune_no_data: "Xã, phường (chưa có dữ liệu)" };
  var LIMIT = 30;
  var TYPE_MORE = "Gõ thêm tên xã, phường hoặc tỉnh để thu hẹp kết quả.";

  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\s+/g, " ").trim();
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

  // See search.expand: the abbreviation table itself comes from the manifest (m.abbreviations).
  function expand(m, query) {
    var folded = fold(query), out = [], re = /[\p{L}\p{N}]+\.?/gu, match;
    while ((match = re.exec(folded)) !== null) {
      var word = match[0].replace(/\.$/, ""), full = m.abbreviations[word];
      var finished = /\.$/.test(match[0]) || re.lastIndex < folded.length;
      out.push(full && (word.length > 1 || finished) ? full : word);
    }
    return out.join(" ") + (out.length && /[\s.]$/.test(query) ? " " : "");
  }

  // See search.plan: words, then pairs after a common word, then finished words as whole words.
  function plan(m, query) {
    var tokens = words(query).filter(function (t) { return m.stop.indexOf(t) === -1 && !isNumber(t); });
    var pairs = [];
    for (var i = 0; i + 1 < tokens.length; i++) {
      if (m.common.indexOf(tokens[i]) !== -1) pairs.push(tokens[i] + " " + tokens[i + 1]);
    }
    var finished = /\s$/.test(query) ? tokens : tokens.slice(0, -1);
    return cheapest(m, unique(tokens), false) || cheapest(m, unique(pairs), false) || cheapest(m, unique(finished), true);
  }

  function cheapest(m, candidates, whole) {
    var names = Object.keys(m.shards), unusable = m.stop.concat(m.common), choices = [], loose = [];
    function cost(keys) { return keys.reduce(function (sum, k) { return sum + m.shards[k]; }, 0); }
    candidates.forEach(function (token) {
      if (unusable.indexOf(token) !== -1 || (!whole && startsAny(unusable, token))) return;
      var keys = whole ? [] : names.filter(function (k) { return k.indexOf(token) === 0; });
      var owner = null;
      names.forEach(function (k) {
        if (token.indexOf(k) === 0 && k.length > token.indexOf(" ") && (owner === null || k.length > owner.length)) owner = k;
      });
      if (owner !== null && keys.indexOf(owner) === -1) keys.push(owner);
      if (!whole && startsAny(m.context, token)) loose = loose.concat(keys);
      else choices.push(keys);
    });
    if (loose.length) choices.push(unique(loose));
    var best = null;
    choices.forEach(function (keys) {
      if (keys.length && cost(keys) <= m.query_bytes && (best === null || cost(keys) < cost(best))) best = keys;
    });
    return best;
  }

  // See search.decode: [kind, name, place, anchor?] with communes in the shard, provinces in the manifest.
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
      if (fold(typed).length < 2) { list.textContent = ""; status.textContent = ""; return; }
      manifestReady().then(function (m) {
        query = expand(m, typed);
        return load(query);
      }).then(function (entries) {
        if (input.value !== typed) return;
        if (entries === null) { list.textContent = ""; status.textContent = TYPE_MORE; } else show(query, entries);
        bringUp();
      })
        .catch(function () { status.textContent = "Không tải được danh sách. Hãy chọn tỉnh ở bên dưới."; });
    }

    input.addEventListener("input", run);
    input.addEventListener("focus", function () { manifestReady(); window.setTimeout(bringUp, 300); });
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    if (input.value) run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
