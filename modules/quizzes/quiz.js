(function () {
  "use strict";
  // Autosave and countdown for the quiz page. The form works without this:
  // its buttons post it. Texts come from the form's data attributes.
  var form = document.getElementById("quiz");
  if (!form || !window.fetch) return;
  var d = form.dataset;
  var status = document.getElementById("saved");
  var clocks = document.querySelectorAll("[data-countdown]");
  var end = Date.now() + Number(d.remaining) * 1000;
  var changes = 0, saved = 0, saving = false, leaving = false, stopped = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // hh:mm in Vietnam (UTC+7, no daylight saving), whatever the phone's zone.
  function vnTime() {
    var t = new Date(Date.now() + 7 * 3600 * 1000);
    return pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
  }

  function answers() {
    var out = {};
    var inputs = form.querySelectorAll("input[name^='q.']");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (!el.checked) continue;
      var q = el.name.slice(2);
      (out[q] = out[q] || []).push(el.value);
    }
    return out;
  }

  function save() {
    if (saving || leaving || stopped || changes === saved) return;
    saving = true;
    var at = changes;
    fetch("/api/v1/attempts/" + d.id + "/answers", {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ answers: answers() })
    }).then(function (r) {
      saving = false;
      if (r.ok) {
        saved = at;
        status.textContent = d.savedAt + " " + vnTime();
        // "saved" once the server holds every change (tests wait for it).
        d.state = saved === changes ? "saved" : "dirty";
      } else if (r.status === 409 || r.status === 404) {
        // Submitted elsewhere or out of time: stop; the buttons still post.
        stopped = true;
      } else {
        status.textContent = d.saveFailed;
      }
    }, function () {
      saving = false;
      status.textContent = d.saveFailed;
    });
  }

  function submitNow() {
    if (leaving) return;
    leaving = true;
    status.textContent = d.timeUp;
    var a = document.createElement("input");
    a.type = "hidden";
    a.name = "action";
    a.value = "submit";
    form.appendChild(a);
    form.submit();
  }

  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var text = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    for (var i = 0; i < clocks.length; i++) clocks[i].textContent = text;
    if (left === 0) submitNow();
  }

  form.addEventListener("change", function () { changes++; d.state = "dirty"; });
  form.addEventListener("submit", function () { leaving = true; });
  setInterval(save, 5000);
  setInterval(tick, 1000);
  tick();
})();
