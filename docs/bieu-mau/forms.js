// Site forms: check the fields in the browser, then open the prefilled GitHub issue form
// (/issues/new?template=…&<field id>=…). When that address would be too long for GitHub, offer the
// filled table as a CSV file instead (the roster CSV is the annex table `cnscd import roster` reads).
// No external requests: everything happens in this page.
(function () {
  "use strict";
  var MAX_URL = 8000; // GitHub refuses longer addresses
  var ROLES = [
    ["leader", /^(to truong|truong to)\b/],
    ["deputy", /^(to pho|pho to truong|pho to)\b/],
    ["member", /^(to vien|thanh vien|tv|uy vien)\b/]
  ];

  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\./g, " ").replace(/\s+/g, " ").trim();
  }
  function role(text) {
    var key = fold(text);
    for (var i = 0; i < ROLES.length; i++) { if (ROLES[i][1].test(key)) { return ROLES[i][0]; } }
    return null;
  }
  function phoneOk(text) {
    var digits = text.replace(/[\s.\-()]/g, "");
    if (/^\+?84/.test(digits)) { digits = "0" + digits.replace(/^\+?84/, ""); }
    return /^0[235789][0-9]{8}$/.test(digits);
  }
  function cells(line) {
    var sep = line.indexOf("|") >= 0 ? "|" : line.indexOf("\t") >= 0 ? "\t" : ";";
    var parts = line.replace(/^\s*\|/, "").replace(/\|\s*$/, "").split(sep).map(function (c) { return c.trim(); });
    if (parts.length > 1 && /^[0-9]{1,3}\.?$/.test(parts[0])) { parts.shift(); }
    return parts;
  }

  var checks = {
    commune_code: function (v) { return /^[0-9]{5}$/.test(v) ? "" : "Mã xã gồm đúng 5 chữ số, ví dụ 26506."; },
    team_id: function (v, form) {
      if (!v) { return form.dataset.form === "report" ? "Cần mã tổ, ví dụ T79-0002." : ""; }
      return /^T[0-9]{2}-[0-9]{4}$/i.test(v) ? "" : "Mã tổ có dạng T79-0002.";
    },
    established_on: function (v) { return !v || /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v) ? "" : "Ngày có dạng YYYY-MM-DD."; },
    period: function (v) { return /^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$/i.test(v) ? "" : "Kỳ báo cáo có dạng 2026-10 (tháng) hoặc 2026-Q3 (quý)."; },
    members: function (v) {
      var lines = v.split("\n"), seen = 0;
      for (var i = 0; i < lines.length; i++) {
        var line = lines[i];
        if (!line.trim() || /^\s*\|?\s*:?-{2,}/.test(line)) { continue; }
        var c = cells(line);
        if (fold(c[0] || "") === "ho ten") { continue; }
        seen++;
        if (!c[0]) { return "Dòng " + (i + 1) + ": thiếu họ tên."; }
        if (!role(c[1] || "")) { return "Dòng " + (i + 1) + ": chức vụ trong tổ phải là Tổ trưởng, Tổ phó hoặc Tổ viên."; }
        if (c[3] && !phoneOk(c[3])) { return "Dòng " + (i + 1) + ": số điện thoại «" + c[3] + "» không hợp lệ."; }
      }
      return seen ? "" : "Cần ít nhất một thành viên.";
    }
  };

  function indicatorCheck(v) { return !v || /^[0-9]{1,3}([. ][0-9]{3})*$|^[0-9]+$/.test(v) ? "" : "Ghi số nguyên không âm."; }

  function validate(form) {
    var ok = true, first = null;
    form.querySelectorAll("[data-field]").forEach(function (input) {
      var id = input.dataset.field, value = input.type === "checkbox" ? "" : input.value.trim();
      var check = checks[id] || (input.dataset.indicator !== undefined ? indicatorCheck : null);
      var message = check ? check(value, form) : "";
      if (!message && input.required && !value) { message = "Mục này bắt buộc."; }
      var box = form.querySelector('[data-error-for="' + id + '"]');
      if (box) { box.textContent = message; box.hidden = !message; }
      input.setAttribute("aria-invalid", message ? "true" : "false");
      if (message) { ok = false; first = first || input; }
    });
    if (first) { first.focus(); }
    return ok;
  }

  function issueUrl(form) {
    var params = [["template", form.dataset.template], ["title", form.dataset.title + (form.querySelector('[data-field="team_id"]') || {}).value]];
    form.querySelectorAll("[data-field]").forEach(function (input) {
      if (input.type === "checkbox") { return; } // GitHub cannot prefill checkboxes: ticked on the issue page
      if (input.value.trim()) { params.push([input.dataset.field, input.value.trim()]); }
    });
    return form.dataset.issueUrl + "?" + params.map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    }).join("&");
  }

  function csvCell(value) {
    var text = String(value);
    if (/^[=+\-@]/.test(text)) { text = "'" + text; }
    return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function csvText(form) {
    var rows;
    var get = function (id) { var el = form.querySelector('[data-field="' + id + '"]'); return el ? el.value.trim() : ""; };
    if (form.dataset.form === "to") {
      var consent = form.querySelector('[data-field="phone_consent"]');
      rows = [["TT", "Họ tên", "Chức vụ tổ, xóm/đơn vị công tác", "Chức vụ Tổ công nghệ số cộng đồng", "SĐT", "Ghi chú", "Đồng ý công khai SĐT"]];
      get("members").split("\n").forEach(function (line) {
        if (!line.trim() || /^\s*\|?\s*:?-{2,}/.test(line)) { return; }
        var c = cells(line);
        if (fold(c[0] || "") === "ho ten") { return; }
        rows.push([rows.length, c[0] || "", c[2] || "", c[1] || "", c[3] || "", c.slice(4).join("; "),
          c[3] && consent && consent.checked ? "Có" : "Không"]);
      });
    } else {
      rows = [["team_id", "period", "indicator_code", "value", "notes"]];
      var notes = ["difficulties", "proposals"].map(get).filter(Boolean).join("; ");
      form.querySelectorAll("[data-indicator]").forEach(function (input) {
        if (input.value.trim()) { rows.push([get("team_id"), get("period"), input.dataset.field, input.value.trim().replace(/[. ]/g, ""), notes]); }
      });
    }
    return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\n") + "\n";
  }

  function setup(form) {
    var out = form.querySelector("[data-output]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      out.hidden = true;
      out.innerHTML = "";
      if (!validate(form)) { return; }
      var url = issueUrl(form);
      var note = document.createElement("p");
      var link = document.createElement("a");
      if (url.length <= MAX_URL) {
        link.href = url;
        link.textContent = "Mở biểu mẫu trên GitHub (đã điền sẵn)";
        link.dataset.issueLink = "";
        link.rel = "noopener";
        note.textContent = "Kiểm tra lại rồi bấm «Submit new issue». Ô đồng ý công khai SĐT cần đánh dấu trên trang GitHub. ";
        note.appendChild(link);
      } else {
        var blob = new Blob([csvText(form)], { type: "text/csv;charset=utf-8" });
        link.href = URL.createObjectURL(blob);
        link.download = (form.dataset.form === "to" ? "danh-sach-to" : "bao-cao") + ".csv";
        link.textContent = "Tải tệp CSV đã điền";
        link.dataset.csvLink = "";
        note.textContent = "Nội dung quá dài để mở thẳng trên GitHub. Tải tệp này và đính kèm vào một issue mới, hoặc gửi cho người quản lý của xã để nhập bằng «cnscd import roster». ";
        note.appendChild(link);
      }
      out.appendChild(note);
      out.hidden = false;
    });
  }

  document.querySelectorAll("form[data-form]").forEach(setup);
})();
