// Nära: drag and drop for the upload form. Without this script the plain file input works.
(function () {
  "use strict";
  var form = document.querySelector("form[data-drop]");
  if (!form) { return; }
  var input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (ev) {
    form.addEventListener(ev, function (e) { e.preventDefault(); form.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    form.addEventListener(ev, function () { form.classList.remove("dragging"); });
  });
  form.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      var hint = form.querySelector(".hint");
      if (hint) { hint.textContent = e.dataTransfer.files.length + " filer valda. Tryck Läs in."; }
    }
  });
})();
