// Signing in to the web pages without ever putting the token in a URL or in the page: the token
// is kept in this tab's sessionStorage and sent as an Authorization header with fetch.
(function () {
  "use strict";
  var KEY = "syncpoint.token";
  var page = document.body.getAttribute("data-page");

  function bearer() {
    var token = sessionStorage.getItem(KEY);
    return token ? { Authorization: "Bearer " + token } : null;
  }

  function replaceDocument(html) {
    document.open();
    document.write(html);
    document.close();
  }

  function showError(message) {
    var slot = document.getElementById("signin-error");
    if (slot) { slot.textContent = message; }
  }

  // Load the page the browser asked for (same path and view filters), now with the header.
  function load() {
    var headers = bearer();
    if (!headers) { return; }
    headers.Accept = "text/html";
    fetch(location.pathname + location.search, { headers: headers, credentials: "omit" })
      .then(function (response) {
        if (response.status === 401) {
          sessionStorage.removeItem(KEY);
          showError("That token is unknown, expired or revoked.");
          return null;
        }
        return response.text();
      })
      .then(function (html) { if (html !== null) { replaceDocument(html); } })
      .catch(function () { showError("Syncpoint did not answer; try again."); });
  }

  // Downloads need the header too: fetch the file and hand it to the browser as a blob.
  function download(event) {
    var link = event.target.closest("a[data-download]");
    var headers = bearer();
    if (!link || !headers) { return; }
    event.preventDefault();
    fetch(link.getAttribute("href"), { headers: headers, credentials: "omit" })
      .then(function (response) {
        var disposition = response.headers.get("Content-Disposition") || "";
        var match = /filename="([^"]+)"/.exec(disposition);
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var anchor = document.createElement("a");
          anchor.href = url;
          anchor.download = match ? match[1] : "download";
          anchor.click();
          URL.revokeObjectURL(url);
        });
      });
  }

  if (page === "signin") {
    var form = document.getElementById("signin");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var field = document.getElementById("token");
        var token = field.value.trim();
        field.value = "";
        if (!token) { return; }
        sessionStorage.setItem(KEY, token);
        load();
      });
    }
    load();
  } else {
    document.addEventListener("click", download);
    var out = document.getElementById("signout");
    if (out) {
      out.addEventListener("click", function () {
        sessionStorage.removeItem(KEY);
        location.reload();
      });
    }
  }
})();
