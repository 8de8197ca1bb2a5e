// Copy buttons: a button with data-copy="ID" copies the value of the field ID and says so. Without
// JavaScript the buttons stay hidden and the field stays selectable, so the link can be copied by hand.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    var b = buttons[i];
    b.hidden = false;
    b.addEventListener("click", function (ev) {
      var button = ev.currentTarget;
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) return;
      var said = button.nextElementSibling;
      function done(text) {
        if (said && said.hasAttribute("data-copied")) said.textContent = text;
      }
      field.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(
          function () {
            done("Copied.");
          },
          function () {
            done("Selected: press Ctrl+C (⌘C on a Mac) to copy.");
          },
        );
      } else done("Selected: press Ctrl+C (⌘C on a Mac) to copy.");
    });
  }
})();
