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

// The counter "x av N påståenden besvarade" follows the answers, and "Skicka in" asks first
// when a delmål has too few answers on the scale to get a result (without this script the
// server asks on a page of its own).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var counter = form.querySelector(".answered-count");
  function chosen(scope) {
    return Array.prototype.filter.call(scope.querySelectorAll("input[type=radio]:checked"),
      function (r) { return r.name.indexOf("svar:") === 0 && r.value !== ""; });
  }
  function update() {
    if (counter) { counter.textContent = String(chosen(form).length); }
  }
  form.addEventListener("change", update);
  update();
  form.addEventListener("submit", function (e) {
    var button = e.submitter;
    if (!button || button.value !== "skicka") { return; }
    var short = [];
    form.querySelectorAll("section.area[data-min]").forEach(function (s) {
      var scored = chosen(s).filter(function (r) { return r.value !== "na"; }).length;
      if (scored < Number(s.getAttribute("data-min"))) { short.push(s.getAttribute("data-title")); }
    });
    if (!short.length) { return; }
    var ok = window.confirm("Dessa delmål har för få svar för att få ett resultat: " + short.join(", ") +
      ".\n\nSkicka in ändå? (Avbryt för att svara på fler.)");
    if (!ok) { e.preventDefault(); return; }
    var yes = document.createElement("input");
    yes.type = "hidden"; yes.name = "bekrafta"; yes.value = "ja";
    form.appendChild(yes);
  });
})();
