// Site forms. With an intake service (extra.intake_url) the draft is checked by the service — the same
// parse and the same checks as `cnscd intake` — and the findings are shown beside each field; then it is
// sent, or queued on the device when there is no signal (offline.js). Without a service the forms fall back
// to the prefilled GitHub issue form (or the filled CSV when the address would be too long). The browser
// keeps no rules of its own: dates, periods, roles, phones and consent words are all read by the server.
// The commune and team lists come from bieu-mau/du-lieu/ (cnscd.site.formdata), names pre-folded there.
(function () {
  "use strict";
  var MAX_URL = 8000; // GitHub refuses longer addresses
  var CONSENT = ["Không", "Phiếu giấy", "Trực tiếp", "Tự xác nhận"];
  var OFFICIAL = ["number", "full_name", "position", "role", "phone", "notes", "consent"]; // the annex table
  var CONTRACT = ["full_name", "role", "position", "phone", "consent", "notes"]; // one line per person
  var TITLES = { to: "Danh sách tổ", report: "Báo cáo", withdrawal: "Yêu cầu gỡ số điện thoại" };

  // The query typed by a person, folded like cnscd.text.fold folded the names in the data files.
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\s+/g, " ").trim();
  }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function getJSON(url) {
    return fetch(url).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function offline() { return window.cnscdOffline; }

  function setup(form) {
    var kind = form.dataset.form;
    var intake = (form.dataset.intakeUrl || "").replace(/\/+$/, "");
    if (/^__/.test(intake)) { intake = ""; }
    var dataBase = new URL(form.dataset.data, location.href);
    var out = form.querySelector("[data-output]");
    var summary = form.querySelector("[data-summary]");
    var people = form.querySelector("[data-people]");
    var field = function (id) { return form.querySelector('[data-field="' + id + '"]'); };
    // The report form sends only the team; its commune box helps to find the team and is not sent.
    var communeBox = function () { return form.querySelector('[data-field="commune_code"], [data-pick="commune_code"]'); };
    var state = { index: null, province: null, provinceCode: "", commune: { villages: [], teams: [] }, communeCode: "" };
    // Each chooser's drawing, run again when its list arrives: on a slow line people type before it has.
    var redraw = {};
    function drawn(which) { if (redraw[which]) { redraw[which](); } }
    var saving = null;

    if (intake) { form.querySelectorAll("[data-intake-only]").forEach(function (n) { n.hidden = false; }); }

    // ---------------------------------------------------------------- commune and team pickers
    var provinceSelect = form.querySelector("[data-province]");
    function provinceOf(code) {
      var ranges = (state.index || {}).ranges || [];
      for (var i = 0; i < ranges.length; i++) {
        if (code >= ranges[i][0] && code <= ranges[i][1]) { return ranges[i][2]; }
      }
      return "";
    }
    function loadProvince(code) {
      if (!code) { state.province = null; state.provinceCode = ""; return Promise.resolve(null); }
      if (code === state.provinceCode && state.province) { return Promise.resolve(state.province); }
      return getJSON(new URL(code + ".json", dataBase).href).then(function (data) {
        state.province = data; state.provinceCode = code;
        if (provinceSelect) { provinceSelect.value = code; }
        drawn("commune");
        return data;
      }).catch(function () { return null; });
    }
    function communeName(code) {
      var row = ((state.province || {}).communes || []).find(function (c) { return c[0] === code; });
      return row ? row[1] : "";
    }
    function loadCommune(code) {
      if (code === state.communeCode) { return Promise.resolve(state.commune); }
      return getJSON(new URL("xa/" + encodeURIComponent(code) + ".json", dataBase).href).catch(function () {
        return { villages: [], teams: [] }; // no village or team recorded there yet (or offline, never opened)
      }).then(function (data) { state.commune = data; state.communeCode = code; drawn("team"); return data; });
    }
    function teamsHere() { return state.commune.teams || []; }
    function showChosen(which, text) {
      var box = form.querySelector('[data-chosen="' + which + '"]');
      if (box) { box.textContent = text ? "Đã chọn: " + text : ""; box.hidden = !text; }
    }
    function refreshCommune() {
      var code = communeBox().value.trim();
      var name = communeName(code);
      showChosen("commune", name ? name + " (" + code + ")" : "");
      var list = document.getElementById("cnscd-villages");
      if (list) {
        list.textContent = "";
        (state.commune.villages || []).forEach(function (v) { list.appendChild(el("option", "", { value: v[1] })); });
      }
      refreshTeam();
    }
    function refreshTeam() {
      var input = field("team_id");
      if (!input) { return; }
      var id = input.value.trim().toUpperCase();
      var team = teamsHere().find(function (t) { return t[0] === id; });
      showChosen("team", team ? team[2] + " (" + team[0] + ")" : "");
    }
    function pickCommune(code) {
      communeBox().value = code;
      var province = provinceOf(code);
      return Promise.all([loadProvince(province), loadCommune(code)]).then(function () { refreshCommune(); });
    }
    function pickTeam(row) {
      field("team_id").value = row[0];
      var village = field("village");
      if (village && row[1]) {
        var v = (state.commune.villages || []).find(function (x) { return x[0] === row[1]; });
        if (v) { village.value = v[1]; }
      }
      refreshTeam();
    }
    function chooser(which, items, label, pick, showAll) {
      var input = form.querySelector('[data-find="' + which + '"]');
      var box = form.querySelector('[data-choices="' + which + '"]');
      if (!input || !box) { return; }
      function draw() {
        var words = fold(input.value).split(" ").filter(Boolean);
        box.textContent = "";
        if (!words.length && !(showAll && document.activeElement === input)) { return; }
        var found = items().filter(function (row) {
          var hay = row[row.length - 1] + " " + row[0].toLowerCase();
          return words.every(function (w) { return hay.indexOf(w) >= 0; });
        });
        found.slice(0, 8).forEach(function (row) {
          var button = el("button", "", { type: "button" });
          button.appendChild(document.createTextNode(label(row)[0] + " "));
          button.appendChild(el("small", label(row)[1]));
          button.addEventListener("click", function () {
            pick(row); input.value = ""; box.textContent = ""; save();
          });
          box.appendChild(button);
        });
        if (!found.length) { box.appendChild(el("p", which === "team" ? "Không thấy tổ nào; chọn xã trước hoặc gõ tên khác." : "Không thấy; chọn đúng tỉnh/thành phố hoặc gõ tên khác.")); }
        if (found.length > 8) { box.appendChild(el("p", "Còn " + (found.length - 8) + " kết quả; gõ thêm để thu hẹp.")); }
      }
      input.addEventListener("input", draw);
      input.addEventListener("focus", draw);
      redraw[which] = draw;
    }
    chooser("commune", function () { return (state.province || {}).communes || []; },
      function (c) { return [c[1], c[0]]; }, function (c) { pickCommune(c[0]); }, false);
    chooser("team", teamsHere, function (t) { return [t[2], t[0]]; }, pickTeam, true);
    if (provinceSelect) {
      provinceSelect.addEventListener("change", function () { loadProvince(provinceSelect.value); });
    }
    if (communeBox()) {
      communeBox().addEventListener("change", function () { pickCommune(communeBox().value.trim()); });
    }
    if (field("team_id")) { field("team_id").addEventListener("change", refreshTeam); }

    // ---------------------------------------------------------------- one box per person (roster)
    var template = document.getElementById("cnscd-person");
    function renumber() {
      people.querySelectorAll("[data-n]").forEach(function (n, i) { n.textContent = String(i + 1); });
      people.querySelectorAll('[data-p="name"]').forEach(function (input, i) { input.id = "cnscd-person-" + (i + 1); });
    }
    function addPerson(values) {
      var node = template.content.querySelector(".cnscd-person").cloneNode(true);
      Object.keys(values || {}).forEach(function (k) {
        var input = node.querySelector('[data-p="' + k + '"]');
        if (input) { input.value = values[k]; }
      });
      node.querySelector("[data-remove-person]").addEventListener("click", function () { node.remove(); renumber(); save(); });
      people.appendChild(node);
      renumber();
      return node;
    }
    function personRows() {
      return Array.prototype.filter.call(people ? people.querySelectorAll(".cnscd-person") : [], function (node) {
        return ["name", "position", "phone"].some(function (k) { return node.querySelector('[data-p="' + k + '"]').value.trim(); });
      });
    }
    function personValues(node) {
      var v = {};
      node.querySelectorAll("[data-p]").forEach(function (input) { v[input.dataset.p] = input.value.replace(/[;\n\r]/g, ",").trim(); });
      return v;
    }
    function membersText() {
      return personRows().map(function (node) {
        var v = personValues(node);
        return [v.name, v.role, v.position, v.phone, v.consent === "Không" ? "Không" : v.consent, v.notes].join("; ").replace(/(; )+$/, "");
      }).join("\n");
    }
    // A pasted table only fills the boxes for the officer to see and complete (consent per person); the
    // service reads every line again. Column names come from the core's header list (formdata).
    function readPaste() {
      var text = form.querySelector("[data-paste]").value;
      var error = form.querySelector("[data-paste-error]");
      var headers = (state.index || {}).columns || [];
      var columns = null, rows = [];
      text.split(/\r?\n/).forEach(function (line) {
        if (!line.trim() || /^\s*\|?\s*:?-{2,}/.test(line)) { return; }
        var sep = line.indexOf("\t") >= 0 ? "\t" : line.indexOf("|") >= 0 ? "|" : ";";
        var cells = line.replace(/^\s*\|/, "").replace(/\|\s*$/, "").split(sep).map(function (c) { return c.trim(); });
        var named = cells.map(function (c) {
          var key = fold(c);
          var hit = headers.find(function (h) {
            return h[0] === "number" ? h[1].indexOf(key) >= 0 : h[1].some(function (n) { return key.indexOf(n) >= 0; });
          });
          return key && hit ? hit[0] : null;
        });
        if (named.indexOf("full_name") >= 0 && named.indexOf("role") >= 0) { columns = named; return; }
        var order = columns || (/^[0-9]{1,3}\.?$/.test(cells[0]) && cells.length > 2 ? OFFICIAL : CONTRACT);
        var v = {};
        order.forEach(function (name, i) { if (name && cells[i] !== undefined && v[name] === undefined) { v[name] = cells[i]; } });
        var consent = CONSENT.find(function (c) { return fold(c) === fold(v.consent || ""); }) || "Không";
        rows.push({ name: v.full_name || "", role: v.role || "", position: v.position || "", phone: v.phone || "",
                    consent: consent, notes: v.notes || "" });
      });
      error.hidden = rows.length > 0;
      error.textContent = rows.length ? "" : "Không đọc được dòng nào trong bảng đã dán.";
      if (!rows.length) { return; }
      personRows().length || (people.textContent = "");
      rows.forEach(addPerson);
      form.querySelector("[data-paste]").value = "";
      error.hidden = false;
      error.className = "cnscd-chosen";
      error.textContent = "Đã đưa " + rows.length + " người vào danh sách. Chọn «Đồng ý công khai» cho từng người có số điện thoại.";
      save();
    }
    if (people) {
      form.querySelector("[data-add-person]").addEventListener("click", function () { addPerson().querySelector("input").focus(); });
      form.querySelector("[data-paste-read]").addEventListener("click", readPaste);
      form.querySelector("[data-paste]").addEventListener("paste", function () { setTimeout(readPaste, 0); });
    }

    // ---------------------------------------------------------------- values, drafts
    function values() {
      if (people) { field("members").value = membersText(); }
      var fields = {};
      form.querySelectorAll("[data-field]").forEach(function (input) { fields[input.dataset.field] = input.value.trim(); });
      return fields;
    }
    function snapshot() {
      return { fields: values(), people: personRows().map(personValues), saved: new Date().toISOString() };
    }
    function save() {
      if (!offline()) { return; }
      clearTimeout(saving);
      saving = setTimeout(function () {
        if (!offline().reopening) { offline().draftPut("form:" + kind, snapshot()).catch(function () {}); }
      }, 300);
    }
    function restore(draft) {
      if (!draft) { return; }
      Object.keys(draft.fields || {}).forEach(function (id) {
        var input = field(id);
        if (input && id !== "members") { input.value = draft.fields[id]; }
      });
      var rows = draft.people || [];
      if (people && !rows.length && draft.fields && draft.fields.members) { // a refused submission, reopened
        rows = draft.fields.members.split("\n").map(function (line) {
          var c = line.split("; ");
          return { name: c[0] || "", role: c[1] || "", position: c[2] || "", phone: c[3] || "", consent: c[4] || "Không", notes: c[5] || "" };
        });
      }
      if (people && rows.length) {
        people.textContent = "";
        rows.forEach(addPerson);
      }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    document.addEventListener("visibilitychange", function () { // the phone locks or the tab closes
      if (document.hidden && saving && offline() && !offline().reopening) { clearTimeout(saving); offline().draftPut("form:" + kind, snapshot()).catch(function () {}); }
    });

    // ---------------------------------------------------------------- findings beside the fields
    function clearFindings() {
      form.querySelectorAll(".cnscd-error[data-error-for], [data-person-error]").forEach(function (box) { box.textContent = ""; box.hidden = true; });
      form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
      summary.hidden = true; summary.textContent = "";
    }
    function showFindings(findings) {
      var rows = personRows();
      var items = [];
      var errors = 0;
      findings.forEach(function (f) {
        var warning = f.severity === "warning";
        var message = f.message_vi || f.message_en || f.code;
        errors += warning ? 0 : 1;
        var target = null, box = null;
        if (f.field === "members" && f.line && rows[f.line - 1]) {
          var row = rows[f.line - 1];
          box = row.querySelector("[data-person-error]");
          target = row.querySelector("input");
          message = "Người thứ " + f.line + ": " + message;
        } else if (f.field && field(f.field)) {
          box = form.querySelector('[data-error-for="' + f.field + '"]');
          target = field(f.field).hidden ? (people && people.querySelector("input")) : field(f.field);
        }
        if (warning) { message = "Lưu ý — " + message; }
        if (box) {
          box.textContent = box.textContent ? box.textContent + " " + message : message;
          box.hidden = false;
        }
        if (target && !warning) { target.setAttribute("aria-invalid", "true"); }
        items.push([message, target && target.id ? "#" + target.id : ""]);
      });
      summary.textContent = "";
      summary.appendChild(el("h2", "Cần sửa " + errors + " chỗ trước khi gửi"));
      var ul = el("ul");
      items.forEach(function (item) {
        var li = el("li");
        li.appendChild(item[1] ? el("a", item[0], { href: item[1] }) : document.createTextNode(item[0]));
        ul.appendChild(li);
      });
      summary.appendChild(ul);
      summary.setAttribute("role", "alert");
      summary.hidden = false;
      summary.focus();
    }
    function requiredMissing() {
      var missing = [];
      form.querySelectorAll("[data-field][required]").forEach(function (input) {
        if (!input.value.trim()) { missing.push({ field: input.dataset.field, message_vi: "Mục này bắt buộc." }); }
      });
      if (people && !personRows().length) { missing.push({ field: "members", message_vi: "Cần ít nhất một thành viên." }); }
      return missing;
    }

    // ---------------------------------------------------------------- sending
    function label(fields) {
      return TITLES[kind] + " — " + [fields.period, fields.team_id || fields.village, fields.commune_code].filter(Boolean).join(", ");
    }
    function say(nodes, className) {
      out.textContent = "";
      out.className = className || "";
      nodes.forEach(function (n) { out.appendChild(typeof n === "string" ? el("p", n) : n); });
      out.hidden = false;
      out.setAttribute("tabindex", "-1");
      out.focus();
    }
    function done() {
      clearTimeout(saving);
      if (offline()) { offline().draftDelete("form:" + kind).catch(function () {}); }
    }
    function queue(body, fields) {
      if (!offline()) { say(["Không gửi được và trình duyệt này không lưu được bài. Hãy thử lại khi có mạng."], "cnscd-form-summary"); return; }
      offline().enqueue(intake, body, label(fields)).then(function () {
        done();
        say(["Đang mất kết nối. Bài đã được lưu trên máy này (mục «Đang chờ gửi») và sẽ tự gửi một lần khi có mạng trở lại."], "cnscd-queue");
      });
    }
    function post(path, body) {
      return fetch(intake + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
        .then(function (r) { return r.json().catch(function () { return {}; }).then(function (data) { return [r.status, data]; }); });
    }
    function receipt(data, warnings) {
      var p = el("p", "Đã nhận. Mã biên nhận: ");
      p.appendChild(el("strong", data.receipt || ""));
      var nodes = [el("h2", "Đã gửi"), p];
      if (data.receipt) {
        var link = offline() ? offline().receiptLink({ url: intake, receipt: data.receipt }) : el("a", data.receipt, { href: intake + "/api/submissions/" + data.receipt });
        link.textContent = "Xem tình trạng của bài gửi";
        link.dataset.receiptLink = "";
        nodes.push(el("p", "")); nodes[nodes.length - 1].appendChild(link);
      }
      warnings.forEach(function (f) { nodes.push(el("p", "Lưu ý: " + (f.message_vi || f.code))); });
      nodes.push(el("p", "Người quản lý của xã/tỉnh sẽ duyệt trước khi dữ liệu lên trang."));
      say(nodes, "cnscd-done");
    }
    function submitToService(fields, button) {
      var access = form.querySelector("[data-access-code]");
      // The same key on the check, the submission and any resend from the queue: one submission, one receipt.
      var body = { form: form.dataset.serviceForm, fields: fields,
                   idempotency_key: offline() ? offline().newId() : "web-" + Date.now() + "-" + Math.random().toString(36).slice(2) };
      if (access && access.value.trim()) { body.access_code = access.value.trim(); }
      if (!navigator.onLine) { queue(body, fields); return Promise.resolve(); }
      var checked = [];
      return post("/api/check", body).then(function (result) {
        if (result[0] === 200 && result[1].ok === false) { showFindings(result[1].findings || []); return null; }
        if (result[0] === 413) { say(["Nội dung quá dài. Hãy chia danh sách thành nhiều lần gửi."], "cnscd-form-summary"); return null; }
        if (result[0] === 429) { say(["Gửi quá nhiều lần trong thời gian ngắn. Hãy thử lại sau ít phút."], "cnscd-form-summary"); return null; }
        checked = (result[1] || {}).findings || [];
        return post("/api/submissions", body);
      }).then(function (result) {
        if (!result) { return; }
        if (result[0] === 202 || result[0] === 200 || result[0] === 201) { done(); receipt(result[1], checked); return; }
        if (result[0] === 422) { showFindings(result[1].findings || []); return; }
        if (result[0] === 429) { say(["Gửi quá nhiều lần trong thời gian ngắn. Hãy thử lại sau ít phút."], "cnscd-form-summary"); return; }
        if (result[0] === 413) { say(["Nội dung quá dài. Hãy chia danh sách thành nhiều lần gửi."], "cnscd-form-summary"); return; }
        queue(body, fields); // 5xx: the service will take it later
      }, function () { queue(body, fields); }); // no connection
    }
    function fallback(fields) {
      var params = [["template", form.dataset.template], ["title", form.dataset.title + (fields.team_id || fields.commune_code || "")]];
      Object.keys(fields).forEach(function (id) { if (fields[id]) { params.push([id, fields[id]]); } });
      var url = form.dataset.issueUrl + "?" + params.map(function (p) {
        return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
      }).join("&");
      var link = el("a");
      if (url.length <= MAX_URL || kind !== "to") {
        link.href = url;
        link.textContent = "Mở biểu mẫu trên GitHub (đã điền sẵn)";
        link.dataset.issueLink = "";
        link.rel = "noopener";
        say([el("p", "Kiểm tra lại trên trang GitHub rồi bấm «Submit new issue» (Gửi)."), link]);
      } else {
        link.href = URL.createObjectURL(new Blob([csvText()], { type: "text/csv;charset=utf-8" }));
        link.download = "danh-sach-to.csv";
        link.textContent = "Tải tệp CSV đã điền";
        link.dataset.csvLink = "";
        say([el("p", "Nội dung quá dài để mở thẳng trên GitHub. Tải tệp này và đính kèm vào một issue mới, hoặc gửi cho người quản lý của xã để nhập bằng «cnscd import roster»."), link]);
      }
    }
    function csvCell(value) {
      var text = String(value);
      if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }
      return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }
    function csvText() {
      var rows = [["TT", "Họ tên", "Chức vụ tổ, xóm/đơn vị công tác", "Chức vụ Tổ công nghệ số cộng đồng", "SĐT", "Ghi chú", "Đồng ý công khai SĐT"]];
      personRows().map(personValues).forEach(function (v, i) {
        rows.push([i + 1, v.name, v.position, v.role, v.phone, v.notes, v.consent]);
      });
      return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\n") + "\n";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      out.hidden = true;
      clearFindings();
      var fields = values();
      var missing = intake ? [] : requiredMissing(); // with a service, the service says what is missing
      if (missing.length) { showFindings(missing); return; }
      if (!intake) { fallback(fields); return; }
      var button = form.querySelector("[data-submit]");
      button.disabled = true;
      button.textContent = "Đang kiểm tra…";
      submitToService(fields, button).then(function () {
        button.disabled = false;
        button.textContent = "Kiểm tra và gửi";
      });
    });

    // ---------------------------------------------------------------- start: lists, draft, ?xa= / ?to=
    var params = new URLSearchParams(location.search);
    var draft = offline() ? offline().draftGet("form:" + kind).catch(function () { return null; }) : Promise.resolve(null);
    var index = getJSON(new URL("index.json", dataBase).href).then(function (data) {
      state.index = data;
      (data.provinces || []).forEach(function (p) { provinceSelect.appendChild(el("option", p[1], { value: p[0] })); });
    }).catch(function () {});
    Promise.all([draft, index]).then(function (results) {
      restore(results[0]);
      if (people && !personRows().length && !people.children.length) { addPerson({ role: "Tổ trưởng" }); addPerson({ role: "Tổ phó" }); addPerson({ role: "Tổ viên" }); }
      var xa = params.get("xa"), team = params.get("to");
      if (xa && communeBox()) { communeBox().value = xa; }
      if (team && field("team_id")) { field("team_id").value = team.toUpperCase(); }
      var code = communeBox() ? communeBox().value.trim() : "";
      return code ? pickCommune(code) : null;
    }).then(function () { form.dataset.ready = "true"; });
  }

  function start() {
    document.querySelectorAll("form[data-form]").forEach(setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
