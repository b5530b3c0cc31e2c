// After a refused form the page opens at its error summary (DKFDS pattern, WCAG 3.3.1): focus moves there, so
// a screen reader reads it and the person sees it, instead of an error far below the fold.
(function () {
  "use strict";
  var summary = document.getElementById("fejlopsummering");
  if (summary) { summary.focus(); }
}());
