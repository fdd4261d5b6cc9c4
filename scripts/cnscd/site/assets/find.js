// "Find your village": matches names without diacritics ("cao bang" finds "Cao Bằng").
// The index is built by cnscd.site.search with the same folding as cnscd.text.fold.
(function () {
  "use strict";
  var RANK = { commune: 0, village: 1, team: 2, province: 3, old_commune: 4, commune_no_data: 5 };
  var KIND_VI = { commune: "Xã, phường", village: "Thôn, tổ dân phố", team: "Tổ", province: "Tỉnh, thành phố",
    old_commune: "Xã cũ", commune_no_data: "Xã, phường (chưa có dữ liệu)" };
  var LIMIT = 30;

  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\s+/g, " ").trim();
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

    function getJSON(url) {
      return fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }

    // The shard of the query word with the fewest entries: words are indexed by their first two letters.
    function load(query) {
      if (!manifest) manifest = getJSON(indexUrl);
      return manifest.then(function (m) {
        var best = null;
        query.split(" ").forEach(function (t) {
          if (t.length < 2) return;
          var key = t.slice(0, 2), size = m.shards[key] || 0;
          if (best === null || size < best.size) best = { key: key, size: size };
        });
        if (best === null || best.size === 0) return [];
        if (!shards[best.key]) {
          shards[best.key] = getJSON(new URL(best.key + ".json", indexUrl)).then(function (d) { return d.entries; });
        }
        return shards[best.key];
      });
    }

    function show(query, entries) {
      var tokens = query.split(" ");
      var hits = entries.filter(function (e) {
        var words = " " + e.k;
        return tokens.every(function (t) { return words.indexOf(" " + t) !== -1; });
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
      var query = fold(input.value);
      if (query.length < 2) { list.textContent = ""; status.textContent = ""; return; }
      load(query).then(function (entries) { if (fold(input.value) === query) show(query, entries); })
        .catch(function () { status.textContent = "Không tải được danh sách. Hãy chọn tỉnh ở bên dưới."; });
    }

    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    if (input.value) run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
