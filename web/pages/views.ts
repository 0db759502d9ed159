/**
 * The two pages, rendered on the server from the JSON API's answers (see ./index.ts). Every form
 * control has a visible label; each field has an error slot (`data-error-for`) that the script
 * fills from the API's `error.field`, referenced by `aria-describedby`.
 */
import { ASSETS } from "./assets";
import { html, Html } from "./html";

export interface Avatar {
  readonly key: string;
  readonly contentType: string;
  readonly size: number;
  readonly updatedAt: string;
  readonly url: string;
}

export interface Me {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: string;
  readonly avatar: Avatar | null;
}

export interface UploadItem {
  readonly key: string;
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
  readonly createdAt: string;
  readonly url: string;
}

const APP_NAME = "Web platform";

function layout(title: string, data: Record<string, string>, content: Html): string {
  const attributes = Object.entries(data).map(([name, value]) => html` data-${name}="${value}"`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${APP_NAME}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS.styles.path}">
<script src="${ASSETS.script.path}" defer></script>
</head>
<body${attributes}>
${content}
</body>
</html>
`.value;
}

interface FieldOptions {
  readonly form: string;
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly autocomplete?: string;
  readonly hint?: string;
  readonly extra?: Html;
}

function field(o: FieldOptions): Html {
  const id = `${o.form}-${o.name}`;
  const describedBy = [o.hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");
  return html`<div class="field">
  <label for="${id}">${o.label}</label>
  <input id="${id}" name="${o.name}" type="${o.type}" required${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""} aria-describedby="${describedBy}"${o.extra ?? ""}>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
  <p class="error" id="${id}-error" data-error-for="${o.name}"></p>
</div>`;
}

const formError = html`<p class="error" data-error-for="form" role="alert"></p>`;

export function homePage(): string {
  return layout(
    "Sign up or log in",
    { page: "home" },
    html`<header class="site"><h1>${APP_NAME}</h1></header>
<main class="columns">
<section class="card" aria-labelledby="signup-heading">
  <h2 id="signup-heading">Create an account</h2>
  <form id="signup-form" method="post" action="/api/signup">
    ${field({ form: "signup", name: "email", label: "Email", type: "email", autocomplete: "email" })}
    ${field({ form: "signup", name: "name", label: "Name", type: "text", autocomplete: "name", hint: "1 to 100 characters.", extra: html` maxlength="100"` })}
    ${field({ form: "signup", name: "password", label: "Password", type: "password", autocomplete: "new-password", hint: "At least 8 characters.", extra: html` minlength="8"` })}
    ${formError}
    <button type="submit">Sign up</button>
  </form>
</section>
<section class="card" aria-labelledby="login-heading">
  <h2 id="login-heading">Log in</h2>
  <form id="login-form" method="post" action="/api/login">
    ${field({ form: "login", name: "email", label: "Email", type: "email", autocomplete: "username" })}
    ${field({ form: "login", name: "password", label: "Password", type: "password", autocomplete: "current-password" })}
    ${formError}
    <button type="submit">Log in</button>
  </form>
</section>
</main>`,
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

function avatarElement(me: Me): Html {
  if (me.avatar) return html`<img id="avatar" class="avatar" src="${me.avatar.url}" alt="Your profile picture">`;
  const initial = Array.from(me.name.trim())[0]?.toUpperCase() ?? "?";
  return html`<div id="avatar" class="avatar" role="img" aria-label="No profile picture yet">${initial}</div>`;
}

function uploadRow(item: UploadItem): Html {
  const when = new Date(item.createdAt).toISOString().replace("T", " ").slice(0, 16);
  return html`<li><a href="${item.url}" rel="noreferrer">${item.name}</a><span class="muted">${formatBytes(item.size)} · ${when} UTC</span></li>`;
}

function fileForm(id: string, action: string, label: string, hint: string, button: string, statusId: string, accept?: string): Html {
  const input = `${id}-file`;
  return html`<form id="${id}" method="post" action="${action}" enctype="multipart/form-data">
    <div class="field">
      <label for="${input}">${label}</label>
      <input id="${input}" name="file" type="file" required${accept ? html` accept="${accept}"` : ""} aria-describedby="${input}-hint ${input}-error">
      <p class="hint" id="${input}-hint">${hint}</p>
      <p class="error" id="${input}-error" data-error-for="file"></p>
    </div>
    ${formError}
    <button type="submit">${button}</button>
    <p id="${statusId}" class="status" role="status" aria-live="polite"></p>
  </form>`;
}

/** `imageOrigins`: the origins the page's CSP allows images from (listed for the script too). */
export function profilePage(me: Me, uploads: readonly UploadItem[], imageOrigins: readonly string[]): string {
  return layout(
    "Your profile",
    {
      page: "profile",
      "avatar-key": me.avatar?.key ?? "",
      "avatar-updated": me.avatar?.updatedAt ?? "",
      "img-origins": imageOrigins.join(" "),
    },
    html`<header class="site"><h1>${APP_NAME}</h1><button id="logout" class="secondary" type="button">Log out</button></header>
<main class="columns">
<section class="card" aria-labelledby="profile-heading">
  <h2 id="profile-heading">Your profile</h2>
  <div class="profile-head">
    ${avatarElement(me)}
    <div><p><strong id="profile-name">${me.name}</strong></p><p class="muted">${me.email}</p></div>
  </div>
  ${fileForm("picture-form", "/api/profile/picture", "New profile picture", "JPEG, PNG or WebP, up to 5 MiB.", "Change picture", "picture-status", "image/jpeg,image/png,image/webp")}
</section>
<section class="card" aria-labelledby="uploads-heading">
  <h2 id="uploads-heading">Your files</h2>
  ${fileForm("upload-form", "/api/uploads", "Upload a file", "Any type. Download links are valid for a few minutes: reload the page for fresh ones.", "Upload", "upload-status")}
  <h3 class="visually-hidden">Uploaded files</h3>
  <ul id="uploads" class="uploads">${uploads.map(uploadRow)}</ul>
  <p id="uploads-empty" class="muted"${uploads.length > 0 ? html` hidden` : ""}>No files yet.</p>
</section>
</main>`,
  );
}
