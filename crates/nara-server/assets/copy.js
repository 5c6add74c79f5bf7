// Copy buttons beside new answer links and their messages (progressive enhancement: without
// JavaScript the addresses and messages are there to select and copy by hand).
(function () {
  if (!navigator.clipboard) return;
  function button(label, text, after) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary copy";
    b.textContent = label;
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(text()).then(function () {
        b.textContent = "Kopierat";
        setTimeout(function () { b.textContent = label; }, 2000);
      });
    });
    after.insertAdjacentElement("afterend", b);
  }
  document.querySelectorAll("code.url").forEach(function (c) {
    button("Kopiera länken", function () { return c.textContent; }, c);
  });
  document.querySelectorAll("textarea.message").forEach(function (t) {
    button("Kopiera meddelandet", function () { return t.value; }, t);
  });
})();
