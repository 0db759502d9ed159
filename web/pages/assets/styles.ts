/** The pages' stylesheet, served as /static/app.<hash>.css (see ../assets.ts). Mobile first. */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #fff; --text: #1c2330; --muted: #5b6578; --line: #d8dde6;
  --accent: #2457c5; --accent-text: #fff; --error: #b3261e; --ok: #1e7b34;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #12151b; --card: #1b2029; --text: #e7eaf0; --muted: #a3acbd; --line: #333b48;
          --accent: #7aa2ff; --accent-text: #0b1020; --error: #ff8a80; --ok: #7bd88f; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font-size: 1rem; }
header.site { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); }
header.site h1 { font-size: 1.15rem; margin: 0; }
main { max-width: 56rem; margin: 0 auto; padding: 1rem; display: grid; gap: 1rem; }
@media (min-width: 48rem) { main.columns { grid-template-columns: 1fr 1fr; align-items: start; } }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: .75rem; padding: 1rem 1.25rem; }
section.card h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
form { display: grid; gap: .75rem; }
.field { display: grid; gap: .25rem; }
label { font-weight: 600; }
input[type=email], input[type=text], input[type=password], input[type=file] {
  font: inherit; width: 100%; padding: .55rem .65rem; border: 1px solid var(--line); border-radius: .5rem;
  background: var(--bg); color: var(--text); }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
input[aria-invalid=true] { border-color: var(--error); }
.hint { color: var(--muted); font-size: .875rem; margin: 0; }
.error { color: var(--error); font-size: .9rem; margin: 0; min-height: 0; }
.error:empty { display: none; }
.status { margin: 0; font-size: .95rem; }
.status:empty { display: none; }
.status.ok { color: var(--ok); }
.status.failed { color: var(--error); }
button { font: inherit; font-weight: 600; padding: .6rem 1rem; border-radius: .5rem; border: 1px solid var(--accent);
  background: var(--accent); color: var(--accent-text); cursor: pointer; justify-self: start; }
button.secondary { background: transparent; color: var(--accent); }
button[disabled] { opacity: .6; cursor: progress; }
.profile-head { display: flex; gap: 1rem; align-items: center; margin-bottom: 1.25rem; }
.profile-head > div { min-width: 0; overflow-wrap: anywhere; }
.avatar { width: 96px; height: 96px; border-radius: 50%; object-fit: cover; background: var(--line);
  display: grid; place-items: center; color: var(--muted); font-size: 2.25rem; font-weight: 700; overflow: hidden; flex: none; }
.avatar[data-state=processing] { outline: 3px dashed var(--accent); outline-offset: 3px; }
.profile-head p { margin: 0; }
.muted { color: var(--muted); }
ul.uploads { list-style: none; padding: 0; margin: 1rem 0 0; display: grid; gap: .5rem; }
ul.uploads li { display: flex; justify-content: space-between; gap: .75rem; flex-wrap: wrap;
  padding: .5rem 0; border-bottom: 1px solid var(--line); }
ul.uploads li:last-child { border-bottom: 0; }
ul.uploads a { color: var(--accent); word-break: break-all; font-weight: 600; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
#uploads-empty { margin: 1rem 0 0; }
`;
