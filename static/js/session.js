// Idle sessions end (SESSION_COOKIE_AGE, renewed by every request). Two minutes before the
// end, a dialog offers to continue; "Continue" asks the server (which renews the session).
// At the end the page goes to the sign-in page, which comes back here afterwards.
(function () {
  var dialog = document.getElementById("session-warning");
  if (!dialog || !window.bootstrap) { return; }
  var seconds = parseInt(dialog.dataset.seconds, 10);
  var warning = parseInt(dialog.dataset.warning, 10);
  var modal = new bootstrap.Modal(dialog, { backdrop: "static", keyboard: false });
  var warnTimer = null;
  var endTimer = null;

  function start() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      modal.show();
      document.getElementById("session-continue").focus();
    }, Math.max(seconds - warning, 0) * 1000);
    endTimer = setTimeout(function () {
      window.location.assign(dialog.dataset.login);
    }, seconds * 1000);
  }

  document.getElementById("session-continue").addEventListener("click", function () {
    fetch(dialog.dataset.keepAlive, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 204) { modal.hide(); start(); }
        else { window.location.assign(dialog.dataset.login); }
      })
      .catch(function () { window.location.assign(dialog.dataset.login); });
  });
  // Every htmx request renews the session on the server too.
  document.body.addEventListener("htmx:afterRequest", start);
  start();
})();
