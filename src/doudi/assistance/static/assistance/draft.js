// The declaration keeps its draft on this device (localStorage) at every keystroke and on the
// server whenever there is a connection: signing out or losing the connection loses nothing.
(function () {
  "use strict";
  function start() {
    var form = document.querySelector("form[data-draft-key]");
    if (!form) return;
    var key = form.dataset.draftKey;
    var status = document.getElementById("draft-status");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var timer = null;
    function collect() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "file" || el.type === "submit") return;
        data[el.name] = el.value;
      });
      return data;
    }
    function send() {
      var data = collect();
      try { localStorage.setItem(key, JSON.stringify({ data: data, synced: false })); } catch (e) { /* off */ }
      if (!navigator.onLine) { if (status) status.textContent = "已保存在本机，联网后自动上传"; return; }
      fetch(form.dataset.draftUrl, {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(data)
      }).then(function (r) {
        if (r.ok) {
          try { localStorage.setItem(key, JSON.stringify({ data: data, synced: true })); } catch (e) { /* off */ }
          if (status) status.textContent = "草稿已保存";
        } else if (status) { status.textContent = "已保存在本机，稍后自动上传"; }
      }).catch(function () { if (status) status.textContent = "已保存在本机，联网后自动上传"; });
    }
    // A copy on this device newer than the server's (typed offline) is put back.
    try {
      var kept = JSON.parse(localStorage.getItem(key) || "null");
      if (kept && !kept.synced && kept.data) {
        Array.prototype.forEach.call(form.elements, function (el) {
          if (el.name && kept.data[el.name] !== undefined && el.type !== "file") el.value = kept.data[el.name];
        });
        send();
      }
    } catch (e) { /* nothing kept */ }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(send, 400); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(send, 100); });
    window.addEventListener("online", send);
    form.addEventListener("submit", function () { clearTimeout(timer); try { localStorage.removeItem(key); } catch (e) { /* off */ } });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
