// The home-visit form keeps its draft on the phone (localStorage) at every keystroke and on
// the server whenever there is a connection, so a lost connection or a reload loses nothing.
// A service worker keeps a copy of the page and its static files, so the form also reloads
// offline. On the completed visit's page the phone's copy is forgotten.
(function () {
  "use strict";

  function forget(key, page) {
    try { localStorage.removeItem(key); } catch (e) { /* storage off: nothing kept */ }
    if (navigator.serviceWorker && navigator.serviceWorker.controller && page) {
      navigator.serviceWorker.controller.postMessage({ forget: page });
    }
  }

  function start() {
    var done = document.querySelector("[data-forget-draft]");
    if (done) { forget(done.dataset.forgetDraft, done.dataset.page); return; }
    var form = document.querySelector("form[data-draft-key]");
    if (!form) return;
    var key = form.dataset.draftKey;
    var status = document.getElementById("draft-status");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var timer = null;

    function say(text, warn) {
      if (!status) return;
      var now = new Date();
      var hh = String(now.getHours()).padStart(2, "0");
      var mm = String(now.getMinutes()).padStart(2, "0");
      status.textContent = text + " " + hh + ":" + mm;
      status.classList.toggle("warn", !!warn);
    }

    function collect() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
        if (el.type === "checkbox" && (el.name === "members_present" || el.name === "causes" || el.name === "needs")) {
          data[el.name] = data[el.name] || [];
          if (el.checked) data[el.name].push(el.value);
        } else if (el.type === "checkbox") {
          if (el.checked) data[el.name] = el.value || "on";
        } else if (el.type === "radio") {
          if (el.checked) data[el.name] = el.value;
        } else {
          data[el.name] = el.value;
        }
      });
      return data;
    }

    function apply(data) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "file") return;
        var value = data[el.name];
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = Array.isArray(value) ? value.indexOf(el.value) >= 0 : value === el.value || (el.type === "checkbox" && value === "on");
        } else if (value !== undefined) {
          el.value = value;
        }
      });
    }

    function read() {
      try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
    }

    function write(record) {
      try { localStorage.setItem(key, JSON.stringify(record)); return true; } catch (e) { return false; }
    }

    // One save in flight at a time: a send asked for meanwhile (the connection back, a timer)
    // runs when it ends, with the newest draft.
    var sending = false, again = false;

    function sent() {
      sending = false;
      if (again) { again = false; send(); }
    }

    function send() {
      var record = read();
      if (!record || record.synced) return;
      if (!navigator.onLine) { say(form.dataset.msgOffline, true); return; }
      if (sending) { again = true; return; }
      sending = true;
      fetch(form.dataset.draftUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(record.data)
      }).then(function (response) {
        if (response.ok) {
          var latest = read();
          if (latest && latest.savedAt === record.savedAt) { latest.synced = true; write(latest); }
          say(form.dataset.msgServer, false);
        } else if (response.status === 401 || response.status === 403 || response.type === "opaqueredirect") {
          say(form.dataset.msgExpired, true);
        } else {
          say(form.dataset.msgFailed, true);
        }
      }).catch(function () { say(form.dataset.msgOffline, true); }).then(sent);
    }

    function save() {
      var record = { savedAt: new Date().toISOString(), data: collect(), synced: false };
      if (write(record)) say(form.dataset.msgLocal, false);
      clearTimeout(timer);
      timer = setTimeout(send, 1500);
    }

    // A draft on this phone that the server has not confirmed is newer than the page.
    var kept = read();
    if (kept && !kept.synced) {
      apply(kept.data);
      say(form.dataset.msgRestored, false);
      setTimeout(send, 300);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    window.addEventListener("online", send);
    window.addEventListener("offline", function () { say(form.dataset.msgOffline, true); });

    if ("serviceWorker" in navigator && form.dataset.swUrl) {
      navigator.serviceWorker.register(form.dataset.swUrl, { scope: "/casework/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        var files = [location.pathname];
        document.querySelectorAll("script[src], link[rel=stylesheet]").forEach(function (el) {
          files.push(el.getAttribute("src") || el.getAttribute("href"));
        });
        registration.active.postMessage({ keep: files });
      }).catch(function () { /* no offline copy: the draft still survives in localStorage */ });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
