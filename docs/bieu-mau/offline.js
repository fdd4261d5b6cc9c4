// Offline and installable, on every page: the manifest link, the service worker (served from the site root so
// its scope is the whole site), drafts kept on the device, and the queue of submissions made without signal.
// A queued submission carries a key (`idempotency_key` in the JSON body; the service answers a resend with
// the first receipt) so that sending it twice cannot create two changes; it is sent on page load, on the `online` event and every minute while something waits —
// Background Sync is not available on every phone. Nothing here talks to anything but this site and the
// intake service the forms name.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL("../", script ? script.src : location.href); // this file is <site>/bieu-mau/offline.js
  var listeners = [];
  var PAGES = { team: ["to", "bieu-mau/to/"], report: ["report", "bieu-mau/bao-cao/"], withdrawal: ["withdrawal", "bieu-mau/go-so/"] };

  function addHead(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    document.head.appendChild(el);
  }
  if (!document.querySelector('link[rel="manifest"]')) {
    addHead("link", { rel: "manifest", href: new URL("manifest.webmanifest", base).href });
    addHead("meta", { name: "theme-color", content: "#303f9f" });
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(new URL("sw.js", base).href, { scope: base.href }).catch(function () {});
  }

  // ------------------------------------------------------------ IndexedDB: drafts, queue, sent
  var opening = null;
  function db() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open("cnscd", 1);
        request.onupgradeneeded = function () {
          var d = request.result;
          d.createObjectStore("drafts");
          d.createObjectStore("queue", { keyPath: "client_id" });
          d.createObjectStore("sent", { keyPath: "client_id" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }
  function run(store, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode), result;
        var req = fn(t.objectStore(store));
        if (req) { req.onsuccess = function () { result = req.result; }; }
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // ------------------------------------------------------------ the queue
  function notify() {
    return Promise.all([all("queue"), all("sent")]).then(function (lists) {
      render(lists[0], lists[1]);
      listeners.forEach(function (fn) { fn(lists[0]); });
      return lists[0];
    });
  }

  function send(item) {
    return fetch(item.url + "/api/submissions", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(item.body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          return run("queue", "readwrite", function (s) { return s.delete(item.client_id); }).then(function () {
            return run("sent", "readwrite", function (s) {
              return s.put({ client_id: item.client_id, url: item.url, label: item.label, receipt: data.receipt || "",
                             sent: new Date().toISOString() });
            });
          });
        }
        if (response.status === 422 || response.status === 413 || response.status === 400) {
          item.state = "rejected";
          item.findings = data.findings || [{ message_vi: "Nội dung quá dài hoặc không đọc được." }];
        } else {
          item.tries = (item.tries || 0) + 1; // 429, 5xx: tried again later
        }
        return run("queue", "readwrite", function (s) { return s.put(item); });
      });
    }, function () { return null; }); // still offline: left waiting
  }

  var flushing = null;
  function flush() {
    if (flushing) { return flushing; }
    var work = function () {
      return all("queue").then(function (items) {
        return items.filter(function (i) { return i.state === "waiting"; }).reduce(function (chain, item) {
          return chain.then(function () { return send(item); });
        }, Promise.resolve());
      });
    };
    // Two open tabs must not send the same item at once.
    var locked = navigator.locks ? navigator.locks.request("cnscd-queue", work) : work();
    flushing = locked.catch(function () {}).then(function () { flushing = null; return notify(); });
    return flushing;
  }

  function enqueue(url, body, label) {
    var item = { client_id: body.idempotency_key || newId(), url: url, body: body, label: label,
                 created: new Date().toISOString(), state: "waiting", tries: 0 };
    item.body.idempotency_key = item.client_id;
    return run("queue", "readwrite", function (s) { return s.put(item); }).then(notify).then(function () { return item; });
  }

  function removeItem(id) {
    return run("queue", "readwrite", function (s) { return s.delete(id); }).then(notify);
  }

  // ------------------------------------------------------------ what is waiting, on the page
  function receiptLink(entry) {
    var a = document.createElement("a");
    a.href = entry.url + "/api/submissions/" + encodeURIComponent(entry.receipt);
    a.textContent = "biên nhận " + entry.receipt;
    a.rel = "noopener";
    return a;
  }
  function render(queue, sent) {
    document.querySelectorAll("[data-queue-list]").forEach(function (box) {
      box.textContent = "";
      var waiting = queue.filter(function (i) { return i.state === "waiting"; });
      var rejected = queue.filter(function (i) { return i.state === "rejected"; });
      var recent = sent.sort(function (a, b) { return a.sent < b.sent ? 1 : -1; }).slice(0, 3);
      box.hidden = !(queue.length || recent.length);
      if (box.hidden) { return; }
      var h = document.createElement("h2");
      h.textContent = "Đang chờ gửi (" + waiting.length + ")";
      h.dataset.queueCount = String(waiting.length);
      box.appendChild(h);
      var ul = document.createElement("ul");
      waiting.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.queueItem = item.client_id;
        li.textContent = item.label + " — lưu lúc " + new Date(item.created).toLocaleString("vi-VN") +
          "; sẽ tự gửi khi có mạng.";
        ul.appendChild(li);
      });
      rejected.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.queueRejected = item.client_id;
        li.textContent = item.label + " — chưa được nhận: " + (item.findings || []).map(function (f) {
          return f.message_vi;
        }).join("; ") + " ";
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "cnscd-remove";
        drop.textContent = "Xóa khỏi danh sách";
        drop.addEventListener("click", function () { removeItem(item.client_id); });
        var page = PAGES[item.body.form];
        if (page) { // nothing typed is lost: the refused values go back into the form as its draft
          var edit = document.createElement("button");
          edit.type = "button";
          edit.className = "cnscd-secondary";
          edit.textContent = "Mở lại để sửa";
          edit.addEventListener("click", function () {
            window.cnscdOffline.reopening = true; // the open form must not save over this draft on its way out
            window.cnscdOffline.draftPut("form:" + page[0], { fields: item.body.fields, people: [], saved: item.created })
              .then(function () { return removeItem(item.client_id); })
              .then(function () { location.href = new URL(page[1], base).href; });
          });
          li.appendChild(edit);
        }
        li.appendChild(drop);
        ul.appendChild(li);
      });
      recent.forEach(function (entry) {
        var li = document.createElement("li");
        li.dataset.queueSent = entry.client_id;
        li.appendChild(document.createTextNode(entry.label + " — đã gửi, "));
        li.appendChild(entry.receipt ? receiptLink(entry) : document.createTextNode("đã nhận"));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    });
  }

  window.cnscdOffline = {
    base: base.href,
    newId: newId,
    enqueue: enqueue,
    flush: flush,
    list: function () { return all("queue"); },
    sent: function () { return all("sent"); },
    onchange: function (fn) { listeners.push(fn); },
    draftGet: function (key) { return run("drafts", "readonly", function (s) { return s.get(key); }); },
    draftPut: function (key, value) { return run("drafts", "readwrite", function (s) { return s.put(value, key); }); },
    draftDelete: function (key) { return run("drafts", "readwrite", function (s) { return s.delete(key); }); },
    receiptLink: receiptLink
  };

  if (!window.indexedDB) { return; }
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { flush(); } });
  setInterval(function () { if (navigator.onLine) { flush(); } }, 60000);
  flush();
})();
