/**
 * The pages' only script, served as /static/app.<hash>.js (no inline script: the CSP allows
 * 'self' scripts only). Plain ES2020 for evergreen browsers, no framework, no build step.
 * - Sign-up / log-in / upload forms send to the JSON API and show `error.field` errors next to
 *   that field (aria-invalid + aria-describedby), other errors at the form's level.
 * - After a new profile picture is accepted (202) the avatar shows a "processing" state and
 *   /api/me is polled until the Lambda has recorded it (avatar key or updatedAt changed).
 */
export const SCRIPT = String.raw`
(function () {
  "use strict";
  var POLL_MS = 1000;
  var POLL_LIMIT = 120;

  function api(method, url, body) {
    var init = { method: method, credentials: "same-origin", headers: { accept: "application/json" } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = "application/json"; }
    return fetch(url, init).then(function (res) {
      if (res.status === 204) return { status: res.status, data: null };
      return res.json().then(
        function (data) { return { status: res.status, data: data }; },
        function () { return { status: res.status, data: null }; }
      );
    }, function () {
      return { status: 0, data: { error: { code: "network", message: "The server could not be reached. Check your connection and try again." } } };
    });
  }

  function errorOf(result) {
    if (result.data && result.data.error) return result.data.error;
    return { code: "unexpected", message: "Unexpected answer from the server (HTTP " + result.status + ")." };
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  // Shows an API error next to its field (error.field), else next to the form's only file input
  // (defaultField), else at the form's level.
  function showError(form, error, defaultField) {
    var field = error.field && form.elements.namedItem(error.field) ? error.field : defaultField;
    var slot = field ? form.querySelector('[data-error-for="' + field + '"]') : null;
    if (slot) {
      slot.textContent = error.message;
      var input = form.elements.namedItem(field);
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else {
      form.querySelector('[data-error-for="form"]').textContent = error.message;
    }
  }

  function busy(form, on) {
    form.querySelectorAll("button").forEach(function (b) { b.disabled = on; });
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  function status(id, text, kind) {
    var el = document.getElementById(id);
    el.textContent = text;
    el.className = "status" + (kind ? " " + kind : "");
  }

  function formatBytes(n) {
    if (n < 1024) return n + " B";
    var units = ["KiB", "MiB", "GiB"];
    var v = n / 1024, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (v < 10 ? v.toFixed(1) : Math.round(v)) + " " + units[i];
  }

  function credentialsForm(form, url) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var body = {};
      ["email", "name", "password"].forEach(function (name) {
        var input = form.elements.namedItem(name);
        if (input) body[name] = input.value;
      });
      busy(form, true);
      api("POST", url, body).then(function (result) {
        if (result.status === 200 || result.status === 201) { window.location.assign("/profile"); return; }
        busy(form, false);
        showError(form, errorOf(result));
      });
    });
  }

  function renderUploads(items) {
    var list = document.getElementById("uploads");
    var empty = document.getElementById("uploads-empty");
    list.replaceChildren();
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.rel = "noreferrer";
      a.textContent = item.name;
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = formatBytes(item.size) + " · " + new Date(item.createdAt).toLocaleString();
      li.append(a, meta);
      list.append(li);
    });
    empty.hidden = items.length > 0;
  }

  function refreshUploads() {
    return api("GET", "/api/uploads").then(function (result) {
      if (result.status === 401) { window.location.assign("/"); return; }
      if (result.status === 200) renderUploads(result.data.items);
    });
  }

  function uploadForm(form, url, statusId, onDone) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var input = form.elements.namedItem("file");
      if (!input.files || input.files.length === 0) {
        showError(form, { field: "file", message: "Choose a file first." });
        return;
      }
      busy(form, true);
      status(statusId, "Uploading " + input.files[0].name + " (" + formatBytes(input.files[0].size) + ")…", "");
      api("POST", url, new FormData(form)).then(function (result) {
        busy(form, false);
        status(statusId, "", "");
        if (result.status === 401) { window.location.assign("/"); return; }
        if (result.status !== 201 && result.status !== 202) { showError(form, errorOf(result), "file"); return; }
        form.reset();
        onDone(result.data);
      });
    });
  }

  function showAvatar(avatar) {
    var current = document.getElementById("avatar");
    var allowed = (document.body.getAttribute("data-img-origins") || "").split(" ");
    if (allowed.indexOf(new URL(avatar.url, window.location.href).origin) < 0) {
      // The page's CSP does not list this image origin yet: a fresh render of the page does.
      window.location.replace("/profile#picture-updated");
      window.location.reload();
      return;
    }
    var img = document.createElement("img");
    img.id = "avatar";
    img.className = "avatar";
    img.alt = "Your profile picture";
    img.src = avatar.url;
    current.replaceWith(img);
    document.body.setAttribute("data-avatar-key", avatar.key);
    document.body.setAttribute("data-avatar-updated", avatar.updatedAt);
  }

  function waitForPicture(before) {
    var avatar = document.getElementById("avatar");
    avatar.setAttribute("data-state", "processing");
    status("picture-status", "Processing your new picture…", "");
    var tries = 0;
    (function poll() {
      tries++;
      api("GET", "/api/me").then(function (result) {
        if (result.status === 401) { window.location.assign("/"); return; }
        var a = result.status === 200 ? result.data.avatar : null;
        if (a && (a.key !== before.key || a.updatedAt !== before.updatedAt)) {
          showAvatar(a);
          status("picture-status", "Your new picture is in place.", "ok");
          return;
        }
        if (tries >= POLL_LIMIT) {
          document.getElementById("avatar").removeAttribute("data-state");
          status("picture-status", "Still processing. Reload the page in a minute to see your new picture.", "failed");
          return;
        }
        setTimeout(poll, POLL_MS);
      });
    })();
  }

  function profilePage() {
    var body = document.body;
    if (window.location.hash === "#picture-updated") {
      status("picture-status", "Your new picture is in place.", "ok");
      history.replaceState(null, "", "/profile");
    }
    document.getElementById("logout").addEventListener("click", function () {
      api("POST", "/api/logout").then(function () { window.location.assign("/"); });
    });
    uploadForm(document.getElementById("upload-form"), "/api/uploads", "upload-status", function (data) {
      status("upload-status", "Uploaded (" + formatBytes(data.size) + ").", "ok");
      refreshUploads();
    });
    uploadForm(document.getElementById("picture-form"), "/api/profile/picture", "picture-status", function () {
      waitForPicture({ key: body.getAttribute("data-avatar-key") || null, updatedAt: body.getAttribute("data-avatar-updated") || null });
    });
  }

  var page = document.body.getAttribute("data-page");
  if (page === "home") {
    credentialsForm(document.getElementById("signup-form"), "/api/signup");
    credentialsForm(document.getElementById("login-form"), "/api/login");
  } else if (page === "profile") {
    profilePage();
  }
})();
`;
