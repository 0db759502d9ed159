/**
 * End to end through the real parts of `npm run local`: the web app (start(env)) on PGlite,
 * s3rver and dynalite, S3's events delivered to the real profile-updater handler. Sign up, upload,
 * change the picture, and /api/me and /profile show it; an older event that arrives late (or an
 * event of an overwritten object) never wins, whatever the delivery order.
 */
import fc from "fast-check";
import type { S3Event } from "aws-lambda";
import { IMAGES, uniqueEmail, WebClient } from "../support/web-client";
import { pngImage, startSystem, SystemUnderTest } from "./support";

jest.setTimeout(120_000);

interface Avatar {
  key: string;
  contentType: string;
  size: number;
  updatedAt: string;
  url: string;
}
interface Me {
  userId: string;
  email: string;
  name: string;
  avatar: Avatar | null;
}

let sut: SystemUnderTest;
beforeAll(async () => {
  sut = await startSystem();
});
afterAll(() => sut?.close());

async function signedUp(name = "E2E User"): Promise<{ client: WebClient; userId: string }> {
  const client = new WebClient(sut.system.url);
  const userId = await client.signup(uniqueEmail("e2e"), name);
  return { client, userId };
}

async function changePicture(client: WebClient, bytes: Buffer, fileName: string, type = "image/png"): Promise<string> {
  const reply = await client.upload<{ key: string }>("/api/profile/picture", bytes, fileName, type);
  expect(reply.status).toBe(202);
  return reply.body.key;
}

const avatarOf = async (client: WebClient): Promise<Avatar | null> => (await client.get<Me>("/api/me")).body.avatar;

/**
 * /api/me once it shows `key` (the app reuses an avatar read for up to a second, so a change the
 * Lambda has made shows within about that); the last answer when it never does within 10 s.
 */
async function avatarShowing(client: WebClient, key: string): Promise<Avatar | null> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const avatar = await avatarOf(client);
    if (avatar?.key === key || Date.now() > deadline) return avatar;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Delivers held events one after the other, in the given order, like late Lambda invocations. */
async function deliverInOrder(events: S3Event[]): Promise<void> {
  for (const event of events) await sut.system.profileUpdater.deliver(event);
}

describe("sign up -> upload -> change picture -> S3 event -> profile-updater -> /api/me", () => {
  it("shows the uploaded file and the new picture, both downloadable", async () => {
    const { client, userId } = await signedUp("Ada <Lovelace>");
    const document = Buffer.from("quarterly report\n".repeat(1000));
    const uploaded = await client.upload<{ key: string; size: number }>("/api/uploads", document, "report.txt", "text/plain");
    expect(uploaded.status).toBe(201);
    const list = await client.get<{ items: { key: string; name: string; size: number; url: string }[] }>("/api/uploads");
    expect(list.body.items).toEqual([expect.objectContaining({ key: uploaded.body.key, name: "report.txt", size: document.length })]);
    expect(Buffer.from(await (await fetch(list.body.items[0].url)).arrayBuffer())).toEqual(document);

    expect(await avatarOf(client)).toBeNull();
    const picture = pngImage(16, [20, 90, 200], [240, 180, 40]);
    const key = await changePicture(client, picture, "me.png");
    expect(key).toBe(`profile-pictures/${userId}/me.png`);
    await sut.system.profileUpdater.idle();

    const avatar = await avatarShowing(client, key);
    expect(avatar).toMatchObject({ key, contentType: "image/png", size: picture.length });
    expect(Buffer.from(await (await fetch(avatar!.url)).arrayBuffer())).toEqual(picture);
    expect(sut.handlerLogs()).toContainEqual(expect.objectContaining({ key, userId, outcome: "accepted" }));

    // The page shows it too: the escaped name, the picture, the file, and a CSP that allows the image.
    const page = await client.get("/profile");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Ada &lt;Lovelace&gt;");
    expect(page.text).toContain(`src="${avatar!.url.split("?")[0]}`);
    expect(page.text).toContain(">report.txt</a>");
    expect(page.headers.get("content-security-policy")).toContain(`img-src 'self' data: ${sut.system.s3.endpoint}`);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const anonymous = await new WebClient(sut.system.url).get("/profile");
    expect([anonymous.status, anonymous.headers.get("location")]).toEqual([303, "/"]);
    const home = await client.get("/");
    expect([home.status, home.headers.get("location")]).toEqual([303, "/profile"]);
  });

  it("records a picture whose file name has spaces, a plus and accents (S3 URL-encodes event keys)", async () => {
    const { client, userId } = await signedUp();
    const key = await changePicture(client, IMAGES.webp, "my photo+1 été.webp", "image/webp");
    expect(key).toBe(`profile-pictures/${userId}/my photo+1 été.webp`);
    await sut.system.profileUpdater.idle();
    expect(await avatarShowing(client, key)).toMatchObject({ key, contentType: "image/webp", size: IMAGES.webp.length });
  });

  it("keeps the newer picture when the older one's event arrives late", async () => {
    const { client, userId } = await signedUp();
    sut.system.profileUpdater.hold();
    const older = await changePicture(client, IMAGES.png, "older.png");
    await new Promise((r) => setTimeout(r, 5)); // distinct event times
    const newer = await changePicture(client, IMAGES.jpeg, "newer.jpg", "image/jpeg");
    const [olderEvent, newerEvent] = sut.system.profileUpdater.release();
    expect([olderEvent, newerEvent].map((e) => e.Records[0].s3.object.key)).toEqual([older, newer]);

    await deliverInOrder([newerEvent, olderEvent]);
    expect(await avatarShowing(client, newer)).toMatchObject({ key: newer, contentType: "image/jpeg" });
    expect(sut.handlerLogs()).toContainEqual(expect.objectContaining({ key: older, userId, outcome: "stale" }));
  });

  it("keeps the newer content when the same file name is uploaded twice and the first event comes last", async () => {
    const { client, userId } = await signedUp();
    sut.system.profileUpdater.hold();
    const first = pngImage(8, [255, 0, 0], [255, 0, 0]);
    const second = pngImage(24, [0, 128, 0], [0, 255, 0]);
    const key = await changePicture(client, first, "avatar.png");
    expect(await changePicture(client, second, "avatar.png")).toBe(key);
    const [firstEvent, secondEvent] = sut.system.profileUpdater.release();

    await deliverInOrder([secondEvent, firstEvent]);
    const avatar = await avatarOf(client);
    expect(avatar).toMatchObject({ key, size: second.length });
    expect(Buffer.from(await (await fetch(avatar!.url)).arrayBuffer())).toEqual(second);
    const outcomes = sut.handlerLogs().filter((l) => l.userId === userId && l.key === key).map((l) => l.outcome);
    expect(outcomes).toEqual(["accepted", "stale"]); // the first upload's event, arriving last, is older than what the item holds
  });

  it("converges on the last picture uploaded, whatever order the events arrive in (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }))),
        async ([count, order]) => {
          const { client } = await signedUp();
          sut.system.profileUpdater.hold();
          const keys: string[] = [];
          for (let i = 0; i < count; i += 1) {
            keys.push(await changePicture(client, pngImage(4 + i, [i * 40, 0, 0], [0, 0, 255]), `p${i}.png`));
            await new Promise((r) => setTimeout(r, 2));
          }
          const events = sut.system.profileUpdater.release();
          await deliverInOrder(order.map((i) => events[i]));
          expect((await avatarShowing(client, keys[count - 1]))?.key).toBe(keys[count - 1]);
        },
      ),
      { numRuns: 6 },
    );
  });
});
