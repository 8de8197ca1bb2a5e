// A link to a part of the page inside a closed disclosure (a vendor's cost lines) opens it, so the
// link does not land on a closed summary. Without JavaScript the summary is still there to open.
(function () {
  "use strict";
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var d = el; d; d = d.parentElement) if (d.tagName === "DETAILS") d.open = true;
    el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
