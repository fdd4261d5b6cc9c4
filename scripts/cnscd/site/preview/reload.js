// Live preview only (`cnscd serve`): never part of a built site. The preview server adds this script to the
// pages it serves and tells the page, over Server-Sent Events, when the page it shows was written again.
(function () {
  "use strict";
  var me = window.__cnscdPreview;
  if (!me || !window.EventSource) { return; }
  var events = new EventSource("/__cnscd-preview/events?path=" + encodeURIComponent(me.path) + "&v=" + me.version);
  events.addEventListener("reload", function () {
    events.close();
    window.location.reload();
  });
})();
