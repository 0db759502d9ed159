/** The identity check behind "S3 serves exactly this upload" (state.ts `servesUpload`). */
import { servesUpload, UploadRef } from "../functions/profile-updater/state";

const upload = (fields: Partial<UploadRef>): UploadRef => ({ key: "profile-pictures/u/a.png", eventTime: "2026-11-25T10:00:00.000Z", sequencer: "0A", ...fields });
const png = { contentType: "image/png", size: 16 };

describe("servesUpload", () => {
  it("decides by version id where both sides have one, and also requires equal ETags", () => {
    expect(servesUpload(upload({ versionId: "v1", eTag: "e" }), { versionId: "v1", eTag: "e", ...png })).toBe(true);
    expect(servesUpload(upload({ versionId: "v1", eTag: "e" }), { versionId: "v2", eTag: "e", ...png })).toBe(false); // same bytes, other version
    expect(servesUpload(upload({ versionId: "v1", eTag: "e" }), { versionId: "v1", eTag: "f", ...png })).toBe(false);
  });

  it("falls back to the ETag without version ids (unversioned bucket, or S3's 'null' version)", () => {
    expect(servesUpload(upload({ versionId: "null", eTag: "e" }), { versionId: "null", eTag: "e", ...png })).toBe(true);
    expect(servesUpload(upload({ eTag: "e" }), { eTag: "f", ...png })).toBe(false);
    expect(servesUpload(upload({ versionId: "v1", eTag: "e" }), { eTag: "e", ...png })).toBe(true);
  });

  it("never claims a match it cannot check, except for an item of the earlier schema with the same type and size", () => {
    expect(servesUpload(upload({}), { eTag: "e", ...png })).toBe(false);
    const legacy = { key: "profile-pictures/u/a.png", contentType: "image/png", size: 16, updatedAt: "2026-11-25T10:00:00.000Z" };
    expect(servesUpload(upload({}), { eTag: "e", ...png }, legacy)).toBe(true);
    expect(servesUpload(upload({}), { eTag: "e", contentType: "image/png", size: 17 }, legacy)).toBe(false);
  });
});
