// Nära: saves each answer of the online form as it is given, and shows "Sparat".
// The form works without this script (the "Spara utkast" button).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave");
  var state = form.querySelector(".save-state");
  var timers = {};
  function show(text) { if (state) { state.textContent = text; } }
  function save(name, value) {
    var body = new URLSearchParams();
    body.append(name, value);
    show("Sparar …");
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "Content-Type": "application/x-www-form-urlencoded" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (res.ok) {
          var t = new Date();
          show("Sparat kl. " + String(t.getHours()).padStart(2, "0") + ":" + String(t.getMinutes()).padStart(2, "0"));
        } else if (res.j && res.j.fel && res.j.fel.length) {
          show("Inte sparat: " + (res.j.fel[0].meddelande || res.j.fel));
        } else {
          show("Inte sparat: " + (res.j && res.j.fel ? res.j.fel : "försök med Spara utkast"));
        }
      })
      .catch(function () { show("Kunde inte spara just nu – använd Spara utkast."); });
  }
  form.addEventListener("change", function (e) {
    var el = e.target;
    if (!el.name || el.name === "handling") { return; }
    if (el.type === "radio" && !el.checked) { return; }
    save(el.name, el.value);
  });
  form.addEventListener("input", function (e) {
    var el = e.target;
    if (el.tagName !== "TEXTAREA" && el.type !== "text" && el.tagName !== "INPUT") { return; }
    if (el.type === "radio") { return; }
    clearTimeout(timers[el.name]);
    timers[el.name] = setTimeout(function () { save(el.name, el.value); }, 800);
  });
})();
