// A page region marked data-refresh="<seconds>" is fetched again and replaced until the server stops marking
// it (a bulk job that has finished). Only the region changes: focus, scroll and the rest of the page stay.
(function () {
  "use strict";
  function refresh() {
    var region = document.querySelector("[data-refresh]");
    if (!region) { return; }
    var seconds = parseInt(region.getAttribute("data-refresh"), 10) || 3;
    window.setTimeout(function () {
      fetch(window.location.href, {credentials: "same-origin", cache: "no-store"})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById(region.id);
          if (!fresh) { return; }
          region.innerHTML = fresh.innerHTML;
          // The status line stays in place (a live region that is replaced is not read aloud); its text changes.
          document.querySelectorAll("[data-refresh-with]").forEach(function (old) {
            var now = page.getElementById(old.id);
            if (!now) { return; }
            old.className = now.className;
            if (old.children.length === 0 && old.textContent !== now.textContent) { old.textContent = now.textContent; }
          });
          if (!fresh.hasAttribute("data-refresh")) { region.removeAttribute("data-refresh"); return; }
          refresh();
        })
        .catch(function () { refresh(); });  // the engine busy for a moment: try again later
    }, seconds * 1000);
  }
  refresh();
}());
