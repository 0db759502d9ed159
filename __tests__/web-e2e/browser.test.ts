/**
 * The pages in a real headless browser: Debian's chromium driven by playwright-core (no bundled
 * browser), against the whole local system (app, PGlite, s3rver, dynalite, the real
 * profile-updater). A person's path: sign up, log out, see a field error, log in, upload a file,
 * change the picture ("processing" until the Lambda has recorded it) and see it on /profile; on a
 * desktop and a phone-sized screen. Screenshots of
 * /profile go to .artifacts/screenshots/ (gitignored); their paths are printed.
 *
 * Without a chromium on PATH the test is skipped loudly; REQUIRE_BROWSER=1 (CI) makes that a failure.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { pngImage, startSystem, SystemUnderTest } from "./support";

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, "..", "..");
const SCREENSHOTS = join(ROOT, ".artifacts", "screenshots");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The first `chromium` / `chromium-browser` executable on PATH. */
function findChromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser"]) {
    for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const executablePath = findChromium();
const MISSING = "no chromium or chromium-browser on PATH (Debian: apt-get install chromium)";

if (!executablePath && process.env.REQUIRE_BROWSER === "1") {
  describe("pages in headless chromium", () => {
    it("needs chromium (REQUIRE_BROWSER=1)", () => {
      throw new Error(`REQUIRE_BROWSER=1: ${MISSING}`);
    });
  });
} else if (!executablePath) {
  console.warn(`SKIPPED browser.test.ts: ${MISSING}`);
  describe.skip(`pages in headless chromium [SKIPPED: ${MISSING}]`, () => {
    it("signs up, logs in, uploads, changes the picture", () => undefined);
  });
} else {
  describe("pages in headless chromium", () => {
    let sut: SystemUnderTest;
    let context: BrowserContext;
    let userDataDir: string;
    const problems: string[] = [];

    beforeAll(async () => {
      userDataDir = mkdtempSync(join(tmpdir(), "chromium-profile-"));
      [sut, context] = await Promise.all([
        startSystem(),
        chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 760 }, timeout: 90_000 }),
      ]);
      context.on("page", (page) => watch(page));
    });

    afterAll(async () => {
      await context?.close();
      await sut?.close();
      rmSync(userDataDir, { recursive: true, force: true });
    });

    /** Script errors and CSP violations fail the test. */
    function watch(page: Page): void {
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
          problems.push(`console error: ${message.text()}`);
        }
      });
    }

    async function screenshot(page: Page, name: string): Promise<void> {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, name);
      await page.screenshot({ path, fullPage: true });
      process.stdout.write(`screenshot of /profile: ${path}\n`);
    }

    const email = `browser-${Date.now()}@example.com`;
    const password = "correct horse battery";

    it("signs up, logs out and back in, uploads a file, changes the picture and sees it on /profile", async () => {
      const page = context.pages()[0] ?? (await context.newPage());
      watch(page);
      const url = sut.system.url.replace("127.0.0.1", "localhost");

      await page.goto(`${url}/`);
      expect(await page.title()).toBe("Sign up or log in · Web platform");
      await page.getByLabel("Email").first().fill(email);
      await page.getByLabel("Name").fill("Grace Hopper");
      await page.getByLabel("Password").first().fill(password);
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(`${url}/profile`);
      await expect(page.locator("#profile-name").textContent()).resolves.toBe("Grace Hopper");

      // Every form control has a label.
      // (Browser-side code as strings: the project's TypeScript has no DOM library.)
      const unlabelled = await page.evaluate("[...document.querySelectorAll('input')].filter((i) => i.labels.length === 0).map((i) => i.id)");
      expect(unlabelled).toEqual([]);

      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(`${url}/`);

      // The API's field error lands next to that field: the same email in another case is taken.
      await page.locator("#signup-email").fill(email.toUpperCase());
      await page.locator("#signup-name").fill("Someone Else");
      await page.locator("#signup-password").fill(password);
      await page.getByRole("button", { name: "Sign up" }).click();
      await expect(page.locator("#signup-email-error")).toHaveTextContent("An account with this email exists already.");
      expect(await page.locator("#signup-email").getAttribute("aria-invalid")).toBe("true");

      await page.locator("#login-email").fill(email);
      await page.locator("#login-password").fill(password);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(`${url}/profile`);
      await expect(page.locator("#uploads-empty")).toBeVisibleNow();

      await page.locator("#upload-form-file").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("meeting notes\n") });
      await page.getByRole("button", { name: "Upload", exact: true }).click();
      await page.locator("#uploads a", { hasText: "notes.txt" }).waitFor();
      const href = await page.locator("#uploads a", { hasText: "notes.txt" }).getAttribute("href");
      expect(await (await fetch(href!)).text()).toBe("meeting notes\n");

      // A file that is not an image: the error shows next to the picture field.
      await page.locator("#picture-form-file").setInputFiles({ name: "fake.png", mimeType: "image/png", buffer: Buffer.from("not an image at all") });
      await page.getByRole("button", { name: "Change picture" }).click();
      await expect(page.locator("#picture-form-file-error")).toHaveTextContent("The picture must be a JPEG, PNG or WebP image.");

      // While the S3 event has not reached the Lambda, the page shows the "processing" state.
      sut.system.profileUpdater.hold();
      await page.locator("#picture-form-file").setInputFiles({ name: "grace.png", mimeType: "image/png", buffer: pngImage(96, [36, 87, 197], [255, 196, 61]) });
      await page.getByRole("button", { name: "Change picture" }).click();
      await expect(page.locator("#picture-status")).toHaveTextContent("Processing your new picture…");
      expect(await page.locator("#avatar").getAttribute("data-state")).toBe("processing");
      await new Promise((r) => setTimeout(r, 1500)); // a poll or two see no change
      await expect(page.locator("#picture-status")).toHaveTextContent("Processing your new picture…");
      const held = sut.system.profileUpdater.release();
      expect(held).toHaveLength(1);
      await sut.system.profileUpdater.deliver(held[0]);
      await expect(page.locator("#picture-status")).toHaveTextContent("Your new picture is in place.", 60_000);
      const avatar = page.locator("img#avatar");
      await avatar.waitFor();
      await page.waitForFunction("(() => { const img = document.querySelector('img#avatar'); return img !== null && img.complete && img.naturalWidth === 96; })()");
      expect(await avatar.getAttribute("src")).toContain("/profile-pictures/");

      await screenshot(page, "profile.png");
      expect(problems).toEqual([]);
    });

    it("fits a phone's screen without sideways scrolling", async () => {
      const page = context.pages()[0];
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await page.locator("img#avatar").waitFor();
      const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, "profile-phone.png");
      expect(problems).toEqual([]);
    });
  });
}

// Small async matchers on locators, without @playwright/test.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toHaveTextContent(expected: string, timeoutMs?: number): Promise<R>;
      toBeVisibleNow(): Promise<R>;
    }
  }
}

type LocatorLike = { textContent(): Promise<string | null>; isVisible(): Promise<boolean> };

expect.extend({
  async toHaveTextContent(locator: LocatorLike, expected: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let actual: string | null = null;
    while (Date.now() < deadline) {
      actual = (await locator.textContent())?.trim() ?? null;
      if (actual === expected) return { pass: true, message: () => `text is "${expected}"` };
      await new Promise((r) => setTimeout(r, 100));
    }
    return { pass: false, message: () => `expected text "${expected}", got "${actual}" after ${timeoutMs} ms` };
  },
  async toBeVisibleNow(locator: LocatorLike) {
    const pass = await locator.isVisible();
    return { pass, message: () => `expected the element to be ${pass ? "hidden" : "visible"}` };
  },
});
