/* Print buttons: a button with data-print is rendered hidden (it cannot work without
   JavaScript) and shown here; pressing it opens the browser's print dialog. */
(function () {
  "use strict";

  function wire(root) {
    var buttons = root.querySelectorAll("button[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.dataset.printReady) {
        return;
      }
      button.dataset.printReady = "true";
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  // hx-boost swaps the body without loading the page again: wire the new buttons too.
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
